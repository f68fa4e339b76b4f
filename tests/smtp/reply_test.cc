#include "mailsim/smtp/reply.h"

#include <string>
#include <string_view>
#include <vector>

#include "support/catch.h"

namespace mailsim::smtp {
namespace {

TEST_CASE("a one-line reply goes on the wire as code, enhanced code and text") {
  CHECK(make_reply(250, "2.1.0", "Ok").wire() == "250 2.1.0 Ok\r\n");
}

TEST_CASE("a multi-line reply repeats code and enhanced code on every line") {
  const Reply reply = make_reply(550, "5.1.1", "first\nlast");
  CHECK(std::vector<std::string_view>(reply.lines.begin(), reply.lines.end()) ==
        std::vector<std::string_view>{"first", "last"});
  CHECK(reply.wire() == "550-5.1.1 first\r\n550 5.1.1 last\r\n");
}

TEST_CASE("reply lines read back one by one as they were added, empty ones too") {
  using Lines = std::vector<std::string_view>;
  const auto read = [](const ReplyLines& lines) { return Lines(lines.begin(), lines.end()); };
  CHECK(read(ReplyLines{}).empty());
  CHECK(read(ReplyLines{""}) == Lines{""});
  CHECK(read(ReplyLines{"", ""}) == Lines{"", ""});
  CHECK(read(ReplyLines{"a", "", "bc"}) == Lines{"a", "", "bc"});
  // No line and one empty line differ, though both are kept as "".
  CHECK(ReplyLines{}.joined() == ReplyLines{""}.joined());
  CHECK_FALSE(ReplyLines{} == ReplyLines{""});
  CHECK(ReplyLines{"a", "b"} != ReplyLines{"a b"});
  const ReplyLines lines{"first", "second", "last"};
  CHECK(lines.size() == 3);
  CHECK(lines.front() == "first");
  CHECK(lines[1] == "second");
  CHECK(lines.back() == "last");
  CHECK(ReplyLines{}.front().empty());
  ReplyLines grown;
  grown.push_back("one");
  grown.emplace_back(std::string("two"));
  CHECK(grown == ReplyLines{"one", "two"});
  grown.clear();
  CHECK(grown.empty());
}

TEST_CASE("a reply without enhanced code carries only code and text") {
  CHECK(Reply{250, "", {"mx.example", "PIPELINING"}}.wire() ==
        "250-mx.example\r\n250 PIPELINING\r\n");
  CHECK(Reply{250, "", {}}.wire() == "250\r\n");
  CHECK(Reply{250, "2.0.0", {}}.wire() == "250 2.0.0\r\n");
}

TEST_CASE("a reply written straight to the wire is the one make_reply builds") {
  std::string out = "before\r\n";
  append_reply_wire(out, 250, "2.1.0", "Ok");
  CHECK(out == "before\r\n250 2.1.0 Ok\r\n");
  out.clear();
  append_reply_wire(out, 550, "5.1.1", "first\r\nsecond\nthird");
  CHECK(out == "550-5.1.1 first\r\n550-5.1.1 second\r\n550 5.1.1 third\r\n");
  out.clear();
  append_reply_wire(out, 250, "", "");
  CHECK(out == "250\r\n");
  out.clear();
  append_reply_wire(out, 42, "", "made up");  // a code of other than three digits
  CHECK(out == "42 made up\r\n");
  out.clear();
  append_reply_wire(out, 501, "5.1.3", "bad <\x01\xff>", /*printable_only=*/true);
  CHECK(out ==
        "501 5.1.3 bad <?"
        "?>\r\n");  // two ?s (split: not a trigraph)
  for (const char* text : {"Ok", "a\nb", "", "x\r\n"}) {
    std::string direct;
    append_reply_wire(direct, 451, "4.3.0", text);
    CHECK(direct == make_reply(451, "4.3.0", text).wire());
  }
}

TEST_CASE("text is the enhanced code followed by the lines joined by spaces") {
  CHECK(make_reply(250, "2.0.0", "Ok: queued as 4F3A").text() == "2.0.0 Ok: queued as 4F3A");
  CHECK(make_reply(452, "4.3.1", "Insufficient\nsystem storage").text() ==
        "4.3.1 Insufficient system storage");
  CHECK(make_reply(220, "", "mx.example ESMTP").text() == "mx.example ESMTP");
}

TEST_CASE("the first digit of the code gives the reply class") {
  struct Row {
    int code;
    bool positive, intermediate, transient, permanent;
  };
  const Row rows[] = {{250, true, false, false, false},
                      {354, false, true, false, false},
                      {421, false, false, true, false},
                      {554, false, false, false, true}};
  for (const Row& row : rows) {
    const Reply reply{row.code, "", {}};
    CHECK(reply.is_positive() == row.positive);
    CHECK(reply.is_intermediate() == row.intermediate);
    CHECK(reply.is_transient() == row.transient);
    CHECK(reply.is_permanent() == row.permanent);
  }
}

TEST_CASE("the parser separates the enhanced code from the text") {
  ReplyParser parser;
  parser.feed("250 2.1.5 Ok\r\n");
  const std::optional<Reply> reply = parser.next();
  REQUIRE(reply);
  CHECK(*reply == Reply{250, "2.1.5", {"Ok"}});
  CHECK(parser.raw_lines() == std::vector<std::string>{"250 2.1.5 Ok"});
  CHECK_FALSE(parser.next());
}

TEST_CASE("the parser joins a multi-line reply and strips the repeated enhanced code") {
  ReplyParser parser;
  parser.feed(
      "550-5.1.1 The email account that you tried\r\n550-5.1.1 to reach does\r\n"
      "550 5.1.1 not exist.\r\n");
  const std::optional<Reply> reply = parser.next();
  REQUIRE(reply);
  CHECK(*reply ==
        Reply{550, "5.1.1", {"The email account that you tried", "to reach does", "not exist."}});
  CHECK(parser.raw_lines().size() == 3);
  CHECK(parser.raw_lines()[1] == "550-5.1.1 to reach does");
}

TEST_CASE("an EHLO reply has no enhanced code and keeps every keyword line") {
  ReplyParser parser;
  parser.feed(
      "250-mx.example\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-8BITMIME\r\n250 DSN\r\n");
  const std::optional<Reply> reply = parser.next();
  REQUIRE(reply);
  CHECK(reply->enhanced.empty());
  CHECK(reply->lines == ReplyLines{"mx.example", "PIPELINING", "SIZE 10240000", "8BITMIME", "DSN"});
}

TEST_CASE("a reply fed one byte at a time appears only when its last line is complete") {
  const std::string first = "250-first\r\n250-2.0.0 middle\r\n250 last\r\n";
  const std::string wire = first + "354 go\n";
  ReplyParser parser;
  std::vector<Reply> replies;
  std::vector<std::size_t> bytes_fed;
  for (std::size_t i = 0; i < wire.size(); ++i) {
    parser.feed(wire.substr(i, 1));
    while (std::optional<Reply> reply = parser.next()) {
      replies.push_back(*reply);
      bytes_fed.push_back(i + 1);
    }
  }
  REQUIRE(replies.size() == 2);
  CHECK(replies[0] == Reply{250, "", {"first", "2.0.0 middle", "last"}});
  CHECK(replies[1] == Reply{354, "", {"go"}});
  CHECK(bytes_fed == std::vector<std::size_t>{first.size(), wire.size()});
  CHECK_FALSE(parser.malformed());
}

TEST_CASE("an enhanced code whose class differs from the reply's is plain text") {
  ReplyParser parser;
  parser.feed("250 5.1.1 odd\r\n250 2.1.0Ok\r\n250 2.0.0\r\n250\r\n");
  CHECK(parser.next() == Reply{250, "", {"5.1.1 odd"}});
  CHECK(parser.next() == Reply{250, "", {"2.1.0Ok"}});
  CHECK(parser.next() == Reply{250, "2.0.0", {""}});
  CHECK(parser.next() == Reply{250, "", {""}});
}

TEST_CASE("a line that breaks the reply syntax makes the parser malformed for good") {
  const char* broken[] = {"hello\r\n",  "25\r\n",     "250x\r\n",
                          "650 no\r\n", "2a0 no\r\n", "250-a\r\n251 b\r\n"};
  for (const char* input : broken) {
    ReplyParser parser;
    parser.feed(input);
    CHECK_FALSE(parser.next());
    CHECK(parser.malformed());
    parser.feed("250 Ok\r\n");
    CHECK_FALSE(parser.next());
  }
}

TEST_CASE("the raw lines of a malformed reply end with the offending line") {
  ReplyParser parser;
  parser.feed("250-a\r\nbogus\r\n");
  CHECK_FALSE(parser.next());
  CHECK(parser.raw_lines() == std::vector<std::string>{"250-a", "bogus"});
}

TEST_CASE("a parser that keeps no raw lines reads the same replies") {
  ReplyParser parser(/*keep_raw=*/false);
  parser.feed("250-mx.example\r\n250 2.0.0 Ok\r\n");
  CHECK(parser.next() == Reply{250, "", {"mx.example", "2.0.0 Ok"}});
  CHECK(parser.raw_lines().empty());
  parser.feed("451 4.3.0 Try again\r\n");
  CHECK(parser.next() == Reply{451, "4.3.0", {"Try again"}});
}

// next(bytes) gives each reply in the parser's own storage: nothing of an earlier reply (a
// longer one, with an enhanced code) may stay in a later one.
TEST_CASE("replies read one after the other each hold only their own") {
  ReplyParser parser;
  std::string_view bytes =
      "250-mx.example\r\n250-PIPELINING\r\n250 SIZE 1000\r\n"
      "550 5.1.1 No such user\r\n354 Go\r\n221 2.0.0 Bye\r\n";
  const Reply* reply = parser.next(bytes);
  REQUIRE(reply != nullptr);
  CHECK(*reply == Reply{250, "", {"mx.example", "PIPELINING", "SIZE 1000"}});
  reply = parser.next(bytes);
  REQUIRE(reply != nullptr);
  CHECK(*reply == Reply{550, "5.1.1", {"No such user"}});
  reply = parser.next(bytes);
  REQUIRE(reply != nullptr);
  CHECK(*reply == Reply{354, "", {"Go"}});
  reply = parser.next(bytes);
  REQUIRE(reply != nullptr);
  CHECK(*reply == Reply{221, "2.0.0", {"Bye"}});
  CHECK(parser.next(bytes) == nullptr);
  CHECK(bytes.empty());
}

// next(bytes) takes whole lines straight from `bytes` while the parser holds nothing and
// keeps a partial line for the next call: whatever the split, the replies are those of the
// whole stream fed at once, each as soon as its last line is complete.
TEST_CASE("replies read in place from received bytes are the same in every split") {
  const std::string wire =
      "250-mx.example\r\n250-PIPELINING\r\n250 SIZE 1000\r\n"
      "250 2.1.0 Ok\r\n550-5.1.1 No such\r\n550 5.1.1 user\r\n354 Go\n";
  const std::vector<Reply> expected = {
      Reply{250, "", {"mx.example", "PIPELINING", "SIZE 1000"}}, Reply{250, "2.1.0", {"Ok"}},
      Reply{550, "5.1.1", {"No such", "user"}}, Reply{354, "", {"Go"}}};
  for (std::size_t cut1 = 0; cut1 <= wire.size(); ++cut1) {
    for (std::size_t cut2 = cut1; cut2 <= wire.size(); ++cut2) {
      INFO("segments end at " << cut1 << " and " << cut2);
      ReplyParser parser(/*keep_raw=*/false);
      std::vector<Reply> replies;
      for (std::string_view bytes : {std::string_view(wire).substr(0, cut1),
                                     std::string_view(wire).substr(cut1, cut2 - cut1),
                                     std::string_view(wire).substr(cut2)}) {
        while (const Reply* reply = parser.next(bytes)) replies.push_back(*reply);
        CHECK(bytes.empty());
      }
      CHECK(replies == expected);
      CHECK_FALSE(parser.malformed());
    }
  }
}

TEST_CASE("a line over the limit read in place makes the parser malformed") {
  ReplyParser parser;
  const std::string wire = "250-" + std::string(5000, 'x') + "\r\n250 Ok\r\n";
  std::string_view bytes = wire;
  CHECK(parser.next(bytes) == nullptr);
  CHECK(parser.malformed());
}

}  // namespace
TEST_CASE("a line pushed with a newline in it counts as the lines it holds") {
  ReplyLines lines;
  lines.push_back("mail.example");
  lines.push_back("PIPELINING\nSIZE 10240000");
  REQUIRE(lines.size() == 3);
  CHECK(lines[1] == "PIPELINING");
  CHECK(lines.back() == "SIZE 10240000");
  CHECK(Reply{250, "", lines}.wire() ==
        "250-mail.example\r\n250-PIPELINING\r\n250 SIZE 10240000\r\n");
}

TEST_CASE("a reply's plain text joins its lines by spaces, without the codes") {
  CHECK(Reply{250, "2.0.0", {"Ok:", "queued as 4F3A"}}.plain_text() == "Ok: queued as 4F3A");
  CHECK(Reply{250, "2.0.0", {"Ok:", "queued as 4F3A"}}.text() == "2.0.0 Ok: queued as 4F3A");
  // A space goes before a line only once some text came before it.
  CHECK(Reply{451, "", {"", "try later"}}.plain_text() == "try later");
  CHECK(Reply{451, "", {"a", "", "b"}}.plain_text() == "a  b");
  CHECK(Reply{221, "", {}}.plain_text().empty());
  // One line is its text as it is, leading and trailing spaces too.
  CHECK(Reply{250, "2.0.0", {" Ok: queued as 4F3A "}}.plain_text() == " Ok: queued as 4F3A ");
  CHECK(Reply{250, "2.0.0", {""}}.plain_text().empty());
}

}  // namespace mailsim::smtp
