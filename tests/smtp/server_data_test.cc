// Message data after DATA: transparency, end-of-data detection and the size limit.
#include <string>
#include <vector>

#include "fake_policy.h"
#include "mailsim/smtp/server_session.h"
#include "support/catch.h"

namespace mailsim::smtp {
namespace {

using testing::FakePolicy;

const std::string kPrologue =
    "EHLO c.example\r\nMAIL FROM:<a@src.example>\r\nRCPT TO:<b@dest.example>\r\nDATA\r\n";

struct Received {
  std::vector<std::string> messages;
  std::string output;
};

Received run(const std::vector<std::string>& chunks, std::int64_t max_size = 10240000) {
  FakePolicy policy;
  ServerSession server({.hostname = "mx.dest.example", .max_message_size = max_size}, policy);
  server.open();
  for (const std::string& chunk : chunks) server.receive(chunk);
  return {policy.messages, server.take_output()};
}

TEST_CASE("message data reaches the policy dot-unstuffed and without the final dot") {
  const Received got = run({kPrologue + "Subject: x\r\n\r\n..leading dot\r\n...\r\nmid.dle\r\n"
                                        ". space\r\n.\r\n"});
  REQUIRE(got.messages.size() == 1);
  CHECK(got.messages[0] == "Subject: x\r\n\r\n.leading dot\r\n..\r\nmid.dle\r\n space\r\n");
  CHECK(got.output.ends_with(
      "354 End data with <CR><LF>.<CR><LF>\r\n250 2.0.0 Ok: queued as Q1\r\n"));
}

TEST_CASE("the end of data is found wherever the byte stream is split") {
  const std::string input = kPrologue + "line one\r\n..two\r\n.\r\nNOOP\r\n";
  const Received whole = run({input});
  REQUIRE(whole.messages == std::vector<std::string>{"line one\r\n.two\r\n"});
  for (std::size_t split = 1; split < input.size(); ++split) {
    INFO("split at " << split);
    const Received got = run({input.substr(0, split), input.substr(split)});
    CHECK(got.messages == whole.messages);
    CHECK(got.output == whole.output);
  }
  std::vector<std::string> bytes;
  for (const char c : input) bytes.emplace_back(1, c);
  const Received one_by_one = run(bytes);
  CHECK(one_by_one.messages == whole.messages);
  CHECK(one_by_one.output == whole.output);
}

TEST_CASE("runs of plain data lines read the same whole as byte by byte") {
  // Received whole, the plain lines go in as runs; one byte at a time, each line goes
  // through the line reader. Expected by hand: stuffed dots dropped, bare LFs made CRLF,
  // CRs inside a line kept.
  const std::string input =
      kPrologue + "A: 1\r\nB: 2\r\n\r\nx\ry\r\r\n..z\r\nbare\nlast\r\n.\r\nNOOP\r\n";
  const std::vector<std::string> expected{"A: 1\r\nB: 2\r\n\r\nx\ry\r\r\n.z\r\nbare\r\nlast\r\n"};
  const Received whole = run({input});
  CHECK(whole.messages == expected);
  std::vector<std::string> bytes;
  for (const char c : input) bytes.emplace_back(1, c);
  const Received one_by_one = run(bytes);
  CHECK(one_by_one.messages == expected);
  CHECK(one_by_one.output == whole.output);
}

TEST_CASE("a dot that is not alone on its line does not end the data") {
  const Received got = run({kPrologue + "a.\r\n .\r\n.x\r\n"});
  CHECK(got.messages.empty());
  CHECK_FALSE(got.output.ends_with("Q1\r\n"));
}

TEST_CASE("bare LF data lines are stored with CRLF and a bare-LF dot ends the data") {
  const Received got = run({kPrologue + "one\ntwo\r\n.\n"});
  CHECK(got.messages == std::vector<std::string>{"one\r\ntwo\r\n"});
}

TEST_CASE("an empty message is accepted") {
  CHECK(run({kPrologue + ".\r\n"}).messages == std::vector<std::string>{""});
}

TEST_CASE("the envelope holds the sender and only the accepted recipients") {
  FakePolicy policy;
  ServerSession server({.hostname = "mx.dest.example"}, policy);
  server.open();
  server.receive(
      "EHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<b@dest.example>\r\n"
      "RCPT TO:<nobody@dest.example>\r\nRCPT TO:<grey@dest.example>\r\n"
      "RCPT TO:<c@dest.example>\r\nDATA\r\nx\r\n.\r\n");
  REQUIRE(policy.envelopes.size() == 1);
  CHECK(policy.envelopes[0] == Envelope{"", {"b@dest.example", "c@dest.example"}});
}

TEST_CASE("a message over the size limit gets 552 5.3.4 after the dot and is not delivered") {
  const std::string body(100, 'x');
  const Received got = run({kPrologue + body + "\r\n" + body + "\r\n.\r\nNOOP\r\n"}, 150);
  CHECK(got.messages.empty());
  CHECK(got.output.ends_with("552 5.3.4 Message size exceeds fixed limit\r\n250 2.0.0 Ok\r\n"));
}

TEST_CASE("a single data line longer than the size limit is refused the same way") {
  const Received got = run({kPrologue + std::string(400, 'y') + "\r\n.\r\n"}, 150);
  CHECK(got.messages.empty());
  CHECK(got.output.ends_with("552 5.3.4 Message size exceeds fixed limit\r\n"));
}

TEST_CASE("a message of exactly the size limit is delivered") {
  const std::string line(148, 'z');  // 148 + CRLF = 150 octets
  const Received got = run({kPrologue + line + "\r\n.\r\n"}, 150);
  CHECK(got.messages == std::vector<std::string>{line + "\r\n"});
}

TEST_CASE("after the data the transaction is over and a new one can start") {
  const Received got = run({kPrologue + "x\r\n.\r\nRCPT TO:<b@dest.example>\r\n"
                                        "MAIL FROM:<a@src.example>\r\nRCPT TO:<c@dest.example>\r\n"
                                        "DATA\r\ny\r\n.\r\n"});
  CHECK(got.messages == std::vector<std::string>{"x\r\n", "y\r\n"});
  CHECK(got.output.find("503 5.5.1 Error: need MAIL command") != std::string::npos);
  CHECK(got.output.ends_with("250 2.0.0 Ok: queued as Q2\r\n"));
}

TEST_CASE("data lines longer than a command line are fine") {
  const std::string line(2000, 'w');
  CHECK(run({kPrologue + line + "\r\n.\r\n"}).messages == std::vector<std::string>{line + "\r\n"});
}

}  // namespace
}  // namespace mailsim::smtp
