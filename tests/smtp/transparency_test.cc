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

}  // namespace
}  // namespace mailsim::smtp
