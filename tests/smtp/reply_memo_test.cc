#include "smtp/reply_memo.h"

#include <string>
#include <string_view>
#include <vector>

#include "mailsim/smtp/reply.h"
#include "support/catch.h"

namespace mailsim::smtp {
namespace {

// What a parser makes of a stream given in payloads: each reply next(bytes) gave, whether
// it ended malformed, and whether every payload was read whole.
struct Reading {
  std::vector<Reply> replies;
  bool malformed = false;
  bool all_read = true;

  friend bool operator==(const Reading&, const Reading&) = default;
};

Reading read_payloads(ReplyParser& parser, const std::vector<std::string>& payloads) {
  Reading reading;
  for (const std::string& payload : payloads) {
    std::string_view bytes = payload;
    while (const Reply* reply = parser.next(bytes)) reading.replies.push_back(*reply);
    reading.all_read = reading.all_read && bytes.empty();
  }
  reading.malformed = parser.malformed();
  return reading;
}

// A parser that keeps raw lines reads every line: the memo's answers are checked against it.
Reading read_every_line(const std::vector<std::string>& payloads) {
  ReplyParser parser(/*keep_raw=*/true);
  return read_payloads(parser, payloads);
}

Reading read_with_memo(const std::vector<std::string>& payloads) {
  ReplyParser parser(/*keep_raw=*/false);
  return read_payloads(parser, payloads);
}

const std::string kEhlo =
    "250-mx.example\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-AUTH PLAIN LOGIN\r\n"
    "250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 DSN\r\n";

TEST_CASE("a memo gives back the reply remembered for exactly the same bytes") {
  ReplyMemo memo;
  const Reply reply{250, "", {"mx.example", "PIPELINING"}};
  memo.remember("250-mx.example\r\n250 PIPELINING\r\n", reply);
  REQUIRE(memo.find("250-mx.example\r\n250 PIPELINING\r\n") != nullptr);
  CHECK(*memo.find("250-mx.example\r\n250 PIPELINING\r\n") == reply);
  CHECK(memo.find("250-mx.example\r\n250 PIPELINING\n") == nullptr);
  CHECK(memo.find("250-mx.example\r\n") == nullptr);
}

TEST_CASE("a memo past its limit starts over") {
  ReplyMemo memo;
  for (std::size_t i = 0; i < ReplyMemo::kMaxEntries; ++i) {
    memo.remember("250-host" + std::to_string(i) + "\r\n250 DSN\r\n", Reply{250, "", {"x"}});
  }
  CHECK(memo.size() == ReplyMemo::kMaxEntries);
  memo.remember("250-another\r\n250 DSN\r\n", Reply{250, "", {"another", "DSN"}});
  CHECK(memo.size() == 1);
  CHECK(memo.find("250-host0\r\n250 DSN\r\n") == nullptr);
  CHECK(memo.find("250-another\r\n250 DSN\r\n") != nullptr);
}

TEST_CASE("only the start of a multi-line reply of bounded length may be remembered") {
  CHECK(ReplyMemo::may_hold(kEhlo));
  CHECK(ReplyMemo::may_hold("250-x\r\n250 y\r\n"));
  CHECK_FALSE(ReplyMemo::may_hold("250 2.1.0 Ok\r\n"));
  CHECK_FALSE(ReplyMemo::may_hold("250-"));
  CHECK_FALSE(ReplyMemo::may_hold(""));
  CHECK_FALSE(ReplyMemo::may_hold("250-" + std::string(ReplyMemo::kMaxBytes, 'x') + "\r\n"));
}

// Each stream is read three times by fresh parsers, so that the later readings find what
// the first remembered (the parser's memo lives as long as the thread).
TEST_CASE("a parser with the memo reads every stream as reading every line does") {
  const std::vector<std::vector<std::string>> streams = {
      {"250 2.1.0 Ok\r\n"},                                                  // one line
      {kEhlo},                                                               // an EHLO reply
      {"550-5.1.1 No such\r\n550-5.1.1 user here\r\n550 5.1.1 at all\r\n"},  // enhanced codes
      {"250-first\r\n250-2.0.0 middle\r\n250 last\n"},       // bare LF, code in text
      {kEhlo.substr(0, 40), kEhlo.substr(40)},               // split over two payloads
      {"250-a\r\n250 b\r\n", "250-a\r\n250 b\r\n"},          // the same reply twice
      {kEhlo + "250 2.1.0 Ok\r\n"},                          // followed by another
      {"220 mx.example ESMTP\r\n", kEhlo},                   // after the greeting
      {"250-mx.example\r\n251 PIPELINING\r\n"},              // codes differ: malformed
      {"250-mx.example\r\nbogus\r\n"},                       // malformed
      {"250-mx.example\r\n250-PIPELINING\r\n"},              // unfinished
      {"250-" + std::string(5000, 'x') + "\r\n250 Ok\r\n"},  // a line over the limit
  };
  for (int round = 0; round < 3; ++round) {
    for (const std::vector<std::string>& stream : streams) {
      INFO("round " << round << ", first payload: " << stream.front().substr(0, 40));
      CHECK(read_with_memo(stream) == read_every_line(stream));
    }
  }
}

// The second payload is the bytes of a remembered reply, but it continues a line the first
// left unfinished: it must not be taken for that reply.
TEST_CASE("bytes of a remembered reply that continue a partial line are read line by line") {
  const std::string remembered = "250-def\r\n250 g\r\n";
  CHECK(read_with_memo({remembered}).replies.size() == 1);
  const std::vector<std::string> stream = {"250-abc", remembered};
  CHECK(read_with_memo(stream) == read_every_line(stream));
  CHECK(read_with_memo(stream).replies.front().lines == ReplyLines{"abc250-def", "g"});
}

TEST_CASE("a remembered reply comes back in every split of a stream") {
  const std::string wire = kEhlo + "250 2.1.0 Ok\r\n" + kEhlo;
  read_with_memo({kEhlo});
  for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
    INFO("the first payload ends at " << cut);
    const std::vector<std::string> stream = {wire.substr(0, cut), wire.substr(cut)};
    CHECK(read_with_memo(stream) == read_every_line(stream));
  }
}

}  // namespace
}  // namespace mailsim::smtp
