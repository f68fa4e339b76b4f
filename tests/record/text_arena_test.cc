#include "record/text_arena.h"

#include <string>
#include <utility>
#include <vector>

#include "support/catch.h"

namespace mailsim::record {
namespace {

TEST_CASE("a batch's text arena keeps what it is given, across blocks and moves") {
  TextArena arena;
  std::vector<std::pair<std::string, std::string_view>> kept;
  for (int i = 0; i < 5000; ++i) {
    std::string s(static_cast<std::size_t>(i % 97), static_cast<char>('a' + i % 26));
    kept.emplace_back(s, arena.keep(s));
  }
  const std::string big(200 * 1024, 'x');  // larger than a block
  kept.emplace_back(big, arena.keep(big));
  TextArena moved = std::move(arena);
  for (const auto& [text, view] : kept) CHECK(view == text);
}

TEST_CASE("an empty string is kept as a view with data, which SQLite binds as '' not NULL") {
  TextArena arena;
  const std::string_view empty = arena.keep("");
  CHECK(empty.empty());
  CHECK(empty.data() != nullptr);
}

TEST_CASE("a cleared arena fills its blocks again, and grows one too small for a long text") {
  TextArena arena;
  const std::string_view first = arena.keep("first");
  for (int i = 0; i < 3000; ++i) arena.keep(std::string(50, 'y'));  // into a second block
  arena.clear();
  const std::string_view again = arena.keep("again");
  CHECK(again == "again");
  CHECK(again.data() == first.data());  // the first block, used again
  const std::string big(100 * 1024, 'z');
  const std::string_view kept_big = arena.keep(big);
  const std::string_view after = arena.keep("after");
  CHECK(kept_big == big);
  CHECK(again == "again");
  CHECK(after == "after");
}

}  // namespace
}  // namespace mailsim::record
