// Policy decisions that come later (a content filter, a tarpit): the session holds the
// client's pipelined input until ServerSession::resume() and then answers it in order.
#include <string>
#include <variant>
#include <vector>

#include "fake_policy.h"
#include "mailsim/smtp/server_session.h"
#include "support/catch.h"

namespace mailsim::smtp {
namespace {

using testing::FakePolicy;
using testing::reply_lines;
using Lines = std::vector<std::string>;

// Client bytes, or the reply a pending decision finally gets.
using Step = std::variant<std::string, Reply>;

const ServerConfig kConfig{.hostname = "mx.dest.example"};
const Reply kRcptOk = make_reply(250, "2.1.5", "Ok");

// Reply lines after the greeting, for the steps fed whole and again byte by byte.
Lines run(const std::vector<Step>& steps, FakePolicy& policy) {
  Lines results[2];
  for (const bool bytewise : {false, true}) {
    policy = FakePolicy();
    ServerSession server(kConfig, policy);
    server.open();
    server.take_output();
    for (const Step& step : steps) {
      if (const Reply* reply = std::get_if<Reply>(&step)) {
        REQUIRE(server.awaiting_decision());
        server.resume(*reply);
        continue;
      }
      const std::string& bytes = std::get<std::string>(step);
      const std::size_t chunk = bytewise ? 1 : bytes.size();
      for (std::size_t i = 0; i < bytes.size(); i += chunk) server.receive(bytes.substr(i, chunk));
    }
    CHECK_FALSE(server.awaiting_decision());
    results[bytewise ? 1 : 0] = reply_lines(server.take_output());
  }
  CHECK(results[0] == results[1]);
  return results[0];
}

TEST_CASE("pending decisions are answered in order with the pipelined commands after them") {
  struct Row {
    const char* what;
    std::vector<Step> steps;
    Lines expected;
  };
  const Row rows[] = {
      {"a pending RCPT in the middle of a pipelined group",
       {"HELO c\r\nMAIL FROM:<a@s>\r\nRCPT TO:<b@d>\r\nRCPT TO:<slow@d>\r\nRCPT TO:<c@d>\r\n"
        "DATA\r\n",
        kRcptOk, "x\r\n.\r\n"},
       {"250 mx.dest.example", "250 2.1.0 Ok", "250 2.1.5 Ok", "250 2.1.5 Ok", "250 2.1.5 Ok",
        "354 End data with <CR><LF>.<CR><LF>", "250 2.0.0 Ok: queued as Q1"}},
      {"a pending RCPT that is greylisted",
       {"HELO c\r\nMAIL FROM:<a@s>\r\nRCPT TO:<slow@d>\r\nRCPT TO:<b@d>\r\nDATA\r\n",
        make_reply(450, "4.2.0", "<slow@d>: Recipient address rejected: Greylisted"), "x\r\n.\r\n"},
       {"250 mx.dest.example", "250 2.1.0 Ok",
        "450 4.2.0 <slow@d>: Recipient address rejected: Greylisted", "250 2.1.5 Ok",
        "354 End data with <CR><LF>.<CR><LF>", "250 2.0.0 Ok: queued as Q1"}},
      {"a pending MAIL that is refused",
       {"HELO c\r\nMAIL FROM:<slow@s>\r\nRCPT TO:<b@d>\r\n",
        make_reply(553, "5.7.1", "<slow@s>: Sender address rejected")},
       {"250 mx.dest.example", "553 5.7.1 <slow@s>: Sender address rejected",
        "503 5.5.1 Error: need MAIL command"}},
      {"two pending decisions in one group",
       {"HELO c\r\nMAIL FROM:<slow@s>\r\nRCPT TO:<slow@d>\r\nNOOP\r\n",
        make_reply(250, "2.1.0", "Ok"), kRcptOk},
       {"250 mx.dest.example", "250 2.1.0 Ok", "250 2.1.5 Ok", "250 2.0.0 Ok"}},
      {"a content filter that takes its time over the message",
       {"HELO c\r\nMAIL FROM:<a@s>\r\nRCPT TO:<b@d>\r\nDATA\r\nslow body\r\n.\r\nQUIT\r\n",
        make_reply(250, "2.0.0", "Ok: queued as F1")},
       {"250 mx.dest.example", "250 2.1.0 Ok", "250 2.1.5 Ok",
        "354 End data with <CR><LF>.<CR><LF>", "250 2.0.0 Ok: queued as F1", "221 2.0.0 Bye"}},
      {"a 421 decision closes and drops what was held",
       {"HELO c\r\nMAIL FROM:<a@s>\r\nRCPT TO:<slow@d>\r\nRCPT TO:<b@d>\r\n",
        make_reply(421, "4.3.2", "mx.dest.example Service shutting down"), "NOOP\r\n"},
       {"250 mx.dest.example", "250 2.1.0 Ok", "421 4.3.2 mx.dest.example Service shutting down"}},
  };
  for (const Row& row : rows) {
    INFO(row.what);
    FakePolicy policy;
    CHECK(run(row.steps, policy) == row.expected);
  }
}

TEST_CASE("nothing after a pending command is answered before the decision") {
  FakePolicy policy;
  ServerSession server(kConfig, policy);
  server.receive("HELO c\r\nMAIL FROM:<a@s>\r\nRCPT TO:<slow@d>\r\nRCPT TO:<b@d>\r\n");
  CHECK(reply_lines(server.take_output()) == Lines{"250 mx.dest.example", "250 2.1.0 Ok"});
  CHECK(server.awaiting_decision());
  server.receive("DATA\r\n");
  CHECK(server.take_output().empty());
  CHECK(server.buffered_bytes() == std::string("RCPT TO:<b@d>\r\nDATA\r\n").size());
  server.resume(kRcptOk);
  CHECK(reply_lines(server.take_output()) ==
        Lines{"250 2.1.5 Ok", "250 2.1.5 Ok", "354 End data with <CR><LF>.<CR><LF>"});
  CHECK(server.buffered_bytes() == 0);
}

TEST_CASE("recipients accepted later keep their place and options in the envelope") {
  FakePolicy policy;
  const Lines replies =
      run({"HELO c\r\nMAIL FROM:<a@s>\r\nRCPT TO:<b@d>\r\nRCPT TO:<slow@d> NOTIFY=NEVER\r\n"
           "RCPT TO:<c@d>\r\nDATA\r\nx\r\n.\r\n",
           kRcptOk},
          policy);
  REQUIRE(policy.envelopes.size() == 1);
  CHECK(policy.envelopes[0].rcpt_to == std::vector<std::string>{"b@d", "slow@d", "c@d"});
  CHECK(policy.envelopes[0].options_of(1).notify == kNotifyNever);
  CHECK(policy.envelopes[0].options_of(2).notify == 0);
}

TEST_CASE("an idle timeout while a decision is pending closes, and the late reply is dropped") {
  FakePolicy policy;
  ServerSession server(kConfig, policy);
  server.receive("HELO c\r\nMAIL FROM:<a@s>\r\nRCPT TO:<slow@d>\r\n");
  server.take_output();
  server.timed_out();
  server.resume(kRcptOk);
  CHECK(server.take_output() == "421 4.4.2 mx.dest.example Error: timeout exceeded\r\n");
  CHECK(server.closed());
}

TEST_CASE("input held past the limit is answered with 421 4.7.0 after the pending reply") {
  FakePolicy policy;
  ServerSession server(kConfig, policy);
  server.receive("HELO c\r\nMAIL FROM:<a@s>\r\nRCPT TO:<slow@d>\r\n");
  server.take_output();
  const std::string noops(ServerSession::kMaxHeldInput + 6, 'x');
  for (std::size_t i = 0; i < noops.size(); i += 1000) server.receive(noops.substr(i, 1000));
  CHECK(server.buffered_bytes() <= ServerSession::kMaxHeldInput);
  server.resume(kRcptOk);
  CHECK(reply_lines(server.take_output()) ==
        Lines{"250 2.1.5 Ok", "421 4.7.0 mx.dest.example Error: too much pipelined input"});
  CHECK(server.closed());
}

}  // namespace
}  // namespace mailsim::smtp
