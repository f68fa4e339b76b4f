#include "mailsim/core/text.h"

#include <string>

#include "support/catch.h"

namespace {

bool has_upper_by_bytes(std::string_view text) {
  for (const char c : text) {
    if (c >= 'A' && c <= 'Z') return true;
  }
  return false;
}

}  // namespace

TEST_CASE("has_ascii_upper finds a capital wherever it is, as a byte-by-byte scan does") {
  // Every byte value at every place of texts as long as one to three words, among bytes
  // that are next to capitals ('@', '[') or have bit 7 set.
  for (std::size_t size = 1; size <= 24; ++size) {
    for (std::size_t at = 0; at < size; ++at) {
      for (const char filler : {'a', '@', '[', '\xc1', '\xff'}) {
        std::string text(size, filler);
        for (int value = 0; value < 256; ++value) {
          text[at] = static_cast<char>(value);
          REQUIRE(mailsim::has_ascii_upper(text) == has_upper_by_bytes(text));
        }
      }
    }
  }
  CHECK_FALSE(mailsim::has_ascii_upper(""));
}

TEST_CASE("ascii_lower copies only a text that has capitals") {
  std::string buffer;
  const std::string_view lower = "mx1.example.net";
  CHECK(mailsim::ascii_lower(lower, buffer).data() == lower.data());
  CHECK(mailsim::ascii_lower("MX1.Example.NET", buffer) == "mx1.example.net");
}

TEST_CASE("texts equal but for the case of ASCII letters compare equal, and no others") {
  CHECK(mailsim::equals_ignoring_case("MX1.Example.NET", "mx1.example.net"));
  CHECK(mailsim::equals_ignoring_case("", ""));
  CHECK_FALSE(mailsim::equals_ignoring_case("mx1.example.net", "mx1.example.ne"));
  CHECK_FALSE(
      mailsim::equals_ignoring_case("[", "{"));  // not letters: setting bit 5 would match them
  CHECK_FALSE(mailsim::equals_ignoring_case("\xc1", "\xe1"));  // Latin-1 capitals are not ASCII
}
