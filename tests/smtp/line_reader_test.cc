#include "mailsim/smtp/line_reader.h"

#include <string>

#include "support/catch.h"

namespace mailsim::smtp {
namespace {

constexpr std::size_t kLimit = 512;

TEST_CASE("lines end at CRLF or at a bare LF and come without their line end") {
  LineReader reader;
  reader.feed("one\r\ntwo\nthree\r");
  CHECK(reader.next(kLimit)->text == "one");
  CHECK(reader.next(kLimit)->text == "two");
  CHECK_FALSE(reader.next(kLimit));
  reader.feed("\n");
  CHECK(reader.next(kLimit)->text == "three");
}

TEST_CASE("a line of exactly the limit with its CRLF is accepted") {
  LineReader reader;
  reader.feed(std::string(510, 'x') + "\r\n");
  const std::optional<Line> line = reader.next(kLimit);
  REQUIRE(line);
  CHECK_FALSE(line->too_long);
  CHECK(line->text.size() == 510);
}

TEST_CASE("an over-long line is reported once as too long and the next line is intact") {
  for (const bool byte_by_byte : {false, true}) {
    const std::string input = std::string(511, 'x') + "\r\nnext\r\n";
    LineReader reader;
    std::vector<Line> lines;
    const std::size_t step = byte_by_byte ? 1 : input.size();
    for (std::size_t i = 0; i < input.size(); i += step) {
      reader.feed(input.substr(i, step));
      while (std::optional<Line> line = reader.next(kLimit)) lines.push_back(*line);
    }
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].too_long);
    CHECK(lines[0].text.empty());
    CHECK_FALSE(lines[1].too_long);
    CHECK(lines[1].text == "next");
  }
}

TEST_CASE("the limit applies per call, so a caller may switch to a larger one") {
  LineReader reader;
  reader.feed(std::string(600, 'd') + "\r\n");
  const std::optional<Line> line = reader.next(1000);
  REQUIRE(line);
  CHECK_FALSE(line->too_long);
  CHECK(line->text.size() == 600);
}

TEST_CASE("a line taken in place is the line the reader would give, and only when it holds none") {
  LineReader reader;
  std::string_view bytes = "one\r\ntwo\nthree";
  CHECK(reader.take_line(bytes, kLimit)->text == "one");
  CHECK(reader.take_line(bytes, kLimit)->text == "two");
  CHECK(bytes == "three");
  CHECK_FALSE(reader.take_line(bytes, kLimit));  // no line end yet: feed() it
  reader.feed(bytes);
  std::string_view more = "\r\nfour\r\n";
  CHECK_FALSE(reader.take_line(more, kLimit));  // "three" waits in the reader
  CHECK(more == "\r\nfour\r\n");
  reader.feed(more);
  CHECK(reader.next(kLimit)->text == "three");
  CHECK(reader.next(kLimit)->text == "four");
  // A line over the limit (512 octets with its CRLF allowed, 513 here) is left for the
  // reader, which reports it too long.
  const std::string long_line = std::string(511, 'x') + "\r\n";
  std::string_view rest = long_line;
  CHECK_FALSE(reader.take_line(rest, kLimit));
  CHECK(rest.size() == 513);
}

}  // namespace
}  // namespace mailsim::smtp
