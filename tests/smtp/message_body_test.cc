// Message bodies, real or synthetic, and a message read the way it goes on the wire.
#include "mailsim/smtp/message_body.h"

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mailsim/core/random.h"
#include "mailsim/smtp/transparency.h"
#include "support/catch.h"

namespace mailsim::smtp {
namespace {

std::string text_of(const MessageBody& body) {
  std::string out;
  body.append_to(out, 0, body.size());
  return out;
}

TEST_CASE("a synthetic body has exactly the size asked for, in lines of 78 characters at most") {
  for (const std::int64_t octets :
       {0, 2, 3, 79, 80, 81, 82, 159, 160, 161, 162, 1000, 65'537, 1'000'000}) {
    INFO(octets);
    const MessageBody body = MessageBody::synthetic(octets, 42);
    CHECK(body.is_synthetic());
    const std::string text = text_of(body);
    CHECK(std::ssize(text) == octets);
    CHECK(body.size() == octets);
    std::size_t longest = 0;
    bool bare_cr_or_lf = false;
    bool leading_dot = false;
    bool trailing_blank = false;
    std::string_view rest = text;
    while (!rest.empty()) {
      const std::size_t end = rest.find("\r\n");
      REQUIRE(end != std::string_view::npos);
      const std::string_view line = rest.substr(0, end);
      longest = std::max(longest, line.size());
      bare_cr_or_lf |= line.find_first_of("\r\n") != std::string_view::npos;
      leading_dot |= line.starts_with(".");
      trailing_blank |= line.ends_with(" ");
      rest.remove_prefix(end + 2);
    }
    CHECK(longest <= 78);
    CHECK_FALSE(bare_cr_or_lf);
    CHECK_FALSE(leading_dot);
    CHECK_FALSE(trailing_blank);
  }
}

TEST_CASE("a one-octet synthetic body becomes one empty line") {
  CHECK(text_of(MessageBody::synthetic(1, 42)) == "\r\n");
}

TEST_CASE("a synthetic body depends on its seed alone") {
  CHECK(text_of(MessageBody::synthetic(5000, 1)) == text_of(MessageBody::synthetic(5000, 1)));
  CHECK(text_of(MessageBody::synthetic(5000, 1)) != text_of(MessageBody::synthetic(5000, 2)));
  // Full lines are the same whatever the size; only the last ones are cut to fit.
  CHECK(
      text_of(MessageBody::synthetic(160, 9)).starts_with(text_of(MessageBody::synthetic(80, 9))));
}

// The filler written the plain way, word by word into a string, from the layout its header
// states: lines of 78 characters and CRLF, then at most two short ones that make up the size.
std::string plain_filler(std::int64_t octets, std::uint64_t seed) {
  static constexpr std::string_view kWords[] = {
      "mail",  "queue",  "relay",  "hop",    "retry",    "envelope",  "header", "body",
      "route", "domain", "host",   "link",   "deferred", "delivered", "bounce", "sender",
      "inbox", "server", "client", "packet", "latency",  "backoff",   "window", "transit",
      "post",  "letter", "stamp",  "parcel", "address",  "greeting",  "data",   "reply"};
  std::vector<std::int64_t> lines(static_cast<std::size_t>(octets / 80), 78);
  if (octets % 80 == 1) {
    lines.back() = 77;
    lines.push_back(0);
  } else if (octets % 80 >= 2) {
    lines.push_back(octets % 80 - 2);
  }
  std::string out;
  for (std::size_t index = 0; index < lines.size(); ++index) {
    RandomStream words(seed, index, "smtp:synthetic-body");
    std::string line;
    while (std::ssize(line) < lines[index]) {
      if (!line.empty()) line += ' ';
      line += kWords[words.uniform_int(32)];
    }
    line.resize(static_cast<std::size_t>(lines[index]));
    if (!line.empty() && line.back() == ' ') line.back() = 's';
    out += line + "\r\n";
  }
  return out;
}

TEST_CASE("a synthetic body is the words its seed's streams draw, one stream per line") {
  for (const std::uint64_t seed : {0ULL, 1ULL, 42ULL, 0xdeadbeefULL}) {
    for (const std::int64_t octets : {0, 2, 3, 79, 80, 81, 161, 8192, 100'003}) {
      INFO(seed << " " << octets);
      CHECK(text_of(MessageBody::synthetic(octets, seed)) == plain_filler(octets, seed));
    }
  }
}

TEST_CASE("any range of a synthetic body reads the same as the whole body") {
  const MessageBody body = MessageBody::synthetic(1001, 3);
  const std::string whole = text_of(body);
  for (const auto& [offset, length] : {std::pair<std::int64_t, std::int64_t>{0, 1},
                                       {79, 2},
                                       {80, 80},
                                       {77, 250},
                                       {960, 41},
                                       {999, 100},
                                       {1001, 10},
                                       {500, 0}}) {
    INFO(offset << "+" << length);
    std::string piece;
    body.append_to(piece, offset, length);
    CHECK(piece == whole.substr(static_cast<std::size_t>(std::min<std::int64_t>(offset, 1001)),
                                static_cast<std::size_t>(length)));
  }
}

TEST_CASE("a message from text keeps every byte and finds its header") {
  const std::string text = "From: a@s\r\nSubject: hi\r\n\r\nbody line\r\n";
  const Message message(text);
  CHECK(message.text() == text);
  CHECK(message.size() == std::ssize(text));
  CHECK(message.header() == "From: a@s\r\nSubject: hi\r\n");
  CHECK(text_of(message.body()) == "body line\r\n");
  CHECK_FALSE(message.body().is_synthetic());
  const Message headers_only("From: a@s\r\n");
  CHECK(headers_only.header() == "From: a@s\r\n");
  CHECK(headers_only.body().size() == 0);
}

TEST_CASE("a message from a header and a body puts the empty line between them") {
  const Message message("Subject: big\r\n", MessageBody::synthetic(100, 1));
  CHECK(message.size() == 14 + 2 + 100);
  CHECK(message.header() == "Subject: big\r\n");
  CHECK(message.text().starts_with("Subject: big\r\n\r\n"));
  CHECK(message.text().substr(16) == text_of(message.body()));
  std::string piece;
  message.append_to(piece, 10, 10);
  CHECK(piece == message.text().substr(10, 10));
}

TEST_CASE("a data stream gives the same bytes as dot_stuff, in pieces of any size") {
  const std::string texts[] = {
      "",
      "Subject: x\r\n\r\n.leading\r\n..two\r\n.\r\nend\r\n",
      "bare\nline feeds\n.dot\n",
      "no final line end",
      "ends in CR\r",
      "\r.inner\r\r\nCR\r\n",
  };
  for (const std::string& text : texts) {
    for (const std::int64_t piece : {1, 2, 3, 7, 1000}) {
      INFO(text << " / " << piece);
      DataStream stream(std::make_shared<const Message>(text));
      std::string wire;
      while (!stream.finished()) stream.read(wire, piece);
      CHECK(wire == dot_stuff(text));
    }
  }
}

// Texts drawn from the octets that matter to the wire form (dot, CR, LF) and one that does
// not, read in random pieces: every split of a line, its dots and its CR LF is covered
// against dot_stuff, which works on the whole text at once.
TEST_CASE("a data stream of random dots, CRs and LFs gives the bytes of dot_stuff") {
  RandomStream random(1, 0, "message_body_test");
  constexpr std::string_view kOctets = ".\r\na";
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const std::uint64_t length = random.uniform_int(24);
    for (std::uint64_t i = 0; i < length; ++i) text += kOctets[random.uniform_int(kOctets.size())];
    DataStream stream(std::make_shared<const Message>(text));
    std::string wire;
    while (!stream.finished()) {
      stream.read(wire, 1 + static_cast<std::int64_t>(random.uniform_int(5)));
    }
    INFO(round);
    REQUIRE(wire == dot_stuff(text));
  }
}

// Filler takes a shorter way onto the wire than text; each read must still give the bytes
// the same message holding the filler as text gives, piece for piece.
TEST_CASE("a synthetic body reads onto the wire piece by piece as the same text does") {
  for (const std::int64_t octets : {1, 2, 79, 80, 81, 5000}) {
    for (const std::int64_t piece : {1, 2, 3, 7, 80, 1000, 65'536}) {
      INFO(octets << " / " << piece);
      const MessageBody filler = MessageBody::synthetic(octets, 7);
      DataStream synthetic(std::make_shared<const Message>("Subject: x\r\n", filler));
      DataStream text(
          std::make_shared<const Message>("Subject: x\r\n", MessageBody(text_of(filler))));
      while (!text.finished()) {
        std::string expected;
        std::string actual;
        text.read(expected, piece);
        synthetic.read(actual, piece);
        REQUIRE(actual == expected);
      }
      CHECK(synthetic.finished());
    }
  }
}

}  // namespace
}  // namespace mailsim::smtp
