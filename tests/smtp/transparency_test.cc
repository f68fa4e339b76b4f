#include "mailsim/smtp/transparency.h"

#include "support/catch.h"

namespace mailsim::smtp {
namespace {

TEST_CASE("a leading dot is doubled on every line and nowhere else") {
  CHECK(dot_stuff("a\r\n.b\r\n..c\r\nd.e\r\n.\r\n") == "a\r\n..b\r\n...c\r\nd.e\r\n..\r\n");
}

TEST_CASE("stuffed data always ends with CRLF and has no bare LF") {
  CHECK(dot_stuff("last line") == "last line\r\n");
  CHECK(dot_stuff("a\nb\n") == "a\r\nb\r\n");
  CHECK(dot_stuff("") == "");
  CHECK(dot_stuff("\r\n") == "\r\n");
}

TEST_CASE("unstuffing removes exactly one leading dot") {
  CHECK(dot_unstuff_line("..b") == ".b");
  CHECK(dot_unstuff_line("a.") == "a.");
  CHECK(dot_unstuff_line("") == "");
}

TEST_CASE("the plain lines at the front are those that end in CRLF and start with no dot") {
  struct Row {
    const char* data;
    std::size_t plain;
  };
  const Row rows[] = {
      {"", 0},
      {"a\r\nb\r\n", 6},        // both lines
      {"a\r\n\r\nb", 5},        // the empty line is plain; "b" has no line end yet
      {"a\r\n.b\r\nc\r\n", 3},  // stops before the line that needs unstuffing
      {"a\r\n.\r\n", 3},        // and before the end of the data
      {"a\r\nb\nc\r\n", 3},     // and before a bare LF, which becomes CRLF
      {"\n", 0},
      {"a\rb\r\r\n", 6},  // a CR inside a line, or doubled before the LF, stays
      {"a.b\r\n", 5},     // a dot elsewhere is nothing
  };
  for (const Row& row : rows) {
    INFO(row.data);
    CHECK(plain_lines_prefix(row.data) == row.plain);
  }
}

TEST_CASE("the scan of plain lines finds where the first empty line among them ends") {
  constexpr std::size_t kNone = std::string_view::npos;
  struct Row {
    const char* data;
    std::size_t plain;
    std::size_t empty_line_end;
  };
  const Row rows[] = {
      {"a\r\nb\r\n", 6, kNone},       // no empty line
      {"a\r\n\r\nb\r\n\r\n", 10, 5},  // the first of two
      {"\r\na\r\n", 5, 2},            // at the start
      {"a\r\n.b\r\n\r\n", 3, kNone},  // only within the run
      {"a\r\n\n", 3, kNone},          // a bare LF ends the run
  };
  for (const Row& row : rows) {
    INFO(row.data);
    const PlainLines run = scan_plain_lines(row.data);
    CHECK(run.end == row.plain);
    CHECK(run.end == plain_lines_prefix(row.data));
    CHECK(run.empty_line_end == row.empty_line_end);
  }
}

}  // namespace
}  // namespace mailsim::smtp
