#include "mailsim/core/flat_hash.h"

#include <cstdint>
#include <string>
#include <string_view>

#include "support/catch.h"

TEST_CASE("TextSet and TextMap find keys by string_view, short and long alike") {
  mailsim::TextSet set;
  mailsim::TextMap<int> map;
  // A thousand keys, half of them too long for std::string's inline buffer.
  for (int i = 0; i < 1000; ++i) {
    const std::string key =
        (i % 2 ? "user" : "a-name-longer-than-fifteen-bytes.") + std::to_string(i);
    set.insert(key);
    map.emplace(key, i);
  }
  for (int i = 0; i < 1000; ++i) {
    const std::string key =
        (i % 2 ? "user" : "a-name-longer-than-fifteen-bytes.") + std::to_string(i);
    const std::string_view view = key;
    REQUIRE(set.contains(view));
    REQUIRE(map.find(view)->second == i);
  }
  REQUIRE_FALSE(set.contains(std::string_view("user1000")));
  REQUIRE(map.find(std::string_view("user")) == map.end());
}

TEST_CASE("FlatMap keeps every other key when keys are erased") {
  mailsim::FlatMap<std::uint64_t, std::uint64_t> map;
  for (std::uint64_t i = 0; i < 4096; ++i) map.emplace(i * 64, i);  // keys sharing low bits
  for (std::uint64_t i = 0; i < 4096; i += 3) map.erase(i * 64);
  for (std::uint64_t i = 0; i < 4096; ++i) {
    const auto it = map.find(i * 64);
    if (i % 3 == 0) {
      REQUIRE(it == map.end());
    } else {
      REQUIRE(it != map.end());
      REQUIRE(it->second == i);
    }
  }
}
