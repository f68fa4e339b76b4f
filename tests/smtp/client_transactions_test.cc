// Several messages over one connection: queued before or while the session runs, one
// transaction each, RSET only after a transaction that failed midway, results per message.
#include <memory>
#include <string>
#include <vector>

#include "mailsim/smtp/client_session.h"
#include "support/catch.h"

namespace mailsim::smtp {
namespace {

const std::string kEhloPlain = "250-mx\r\n250 8BITMIME\r\n";
const std::string kEhloPipelining = "250-mx\r\n250 PIPELINING\r\n";

SharedMessage message(const std::string& subject) {
  return std::make_shared<const Message>("Subject: " + subject + "\r\n\r\nbody\r\n");
}

// A session past EHLO (`ehlo` reply) with two messages queued and finished: the first
// to b@d and c@d, the second to e@d.
ClientSession two_messages(const std::string& ehlo = kEhloPlain) {
  ClientSession client({.helo_name = "relay.example"});
  client.add_message({"a@s", {"b@d", "c@d"}}, message("one"));
  client.add_message({"a@s", {"e@d"}}, message("two"));
  client.finish();
  client.receive("220 mx\r\n" + ehlo);
  client.take_output();
  return client;
}

// Feeds `reply` and returns what the client sends in answer.
std::string answer(ClientSession& client, const std::string& reply) {
  client.receive(reply);
  return client.take_output();
}

TEST_CASE("after a delivered message the next one starts with MAIL, without RSET") {
  ClientSession client = two_messages();
  client.receive("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n");
  client.take_output();
  CHECK(answer(client, "250 2.0.0 Ok: queued as ONE\r\n") == "MAIL FROM:<a@s>\r\n");
  CHECK(client.result(0).complete);
  CHECK(client.result(0).message_sent);
  CHECK_FALSE(client.result(1).complete);
  client.receive("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n");
  client.take_output();
  CHECK(answer(client, "250 2.0.0 Ok: queued as TWO\r\n") == "QUIT\r\n");
  CHECK(client.result(1).message_sent);
  CHECK(client.result(1).reply_of(0).text() == "2.0.0 Ok: queued as TWO");
  CHECK(client.result(0).reply_of(1).text() == "2.0.0 Ok: queued as ONE");
}

TEST_CASE("what comes before the next MAIL depends on how the last transaction ended") {
  struct Row {
    const char* how;
    std::string replies;  // to the first message's MAIL, RCPTs and DATA (no pipelining)
    std::string next;
  };
  const Row rows[] = {
      {"MAIL refused: no transaction was opened", "553 5.7.1 Sender rejected\r\n",
       "MAIL FROM:<a@s>\r\n"},
      {"every RCPT refused after MAIL was accepted",
       "250 2.1.0 Ok\r\n550 5.1.1 No\r\n450 4.2.0 Greylisted\r\n", "RSET\r\n"},
      {"DATA refused after MAIL was accepted",
       "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n554 5.5.1 Error: no valid recipients\r\n",
       "RSET\r\n"},
      {"the message refused after the dot",
       "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n554 5.7.1 Spam\r\n",
       "MAIL FROM:<a@s>\r\n"},
  };
  for (const Row& row : rows) {
    INFO(row.how);
    ClientSession client = two_messages();
    client.receive(row.replies);
    std::string output = client.take_output();
    CHECK(output.ends_with(row.next));
    CHECK(client.result(0).complete);
    CHECK_FALSE(client.result(0).message_sent);
  }
}

TEST_CASE("after RSET's 250 the next transaction starts") {
  ClientSession client = two_messages();
  client.receive("250 2.1.0 Ok\r\n550 5.1.1 No\r\n550 5.1.1 No\r\n");
  CHECK(client.take_output().ends_with("RSET\r\n"));
  CHECK(client.stage() == ClientStage::kRset);
  CHECK(answer(client, "250 2.0.0 Ok\r\n") == "MAIL FROM:<a@s>\r\n");
}

TEST_CASE("with PIPELINING RSET goes alone, and the next group follows its reply") {
  ClientSession client = two_messages(kEhloPipelining);
  client.receive("250 2.1.0 Ok\r\n550 5.1.1 No\r\n550 5.1.1 No\r\n");
  CHECK(answer(client, "554 5.5.1 Error: no valid recipients\r\n") == "RSET\r\n");
  CHECK(answer(client, "250 2.0.0 Ok\r\n") == "MAIL FROM:<a@s>\r\nRCPT TO:<e@d>\r\nDATA\r\n");
}

TEST_CASE("with PIPELINING the next MAIL follows a refused MAIL at once") {
  ClientSession client = two_messages(kEhloPipelining);
  CHECK(answer(client, "452 4.3.1 Insufficient system storage\r\n") ==
        "MAIL FROM:<a@s>\r\nRCPT TO:<e@d>\r\nDATA\r\n");
  // The first message's pipelined RCPT and DATA replies, then the second's.
  client.receive(
      "503 5.5.1 Error: need MAIL command\r\n503 5.5.1 Error: need MAIL command\r\n"
      "503 5.5.1 Error: need MAIL command\r\n");
  client.receive("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n");
  client.take_output();
  client.receive("250 2.0.0 Ok: queued as TWO\r\n");
  CHECK(client.result(0).reply_of(0).code == 452);
  CHECK(client.result(0).recipients[1].status == RecipientStatus::kDeferred);
  CHECK(client.result(1).message_sent);
}

TEST_CASE("a refused RSET defers the messages left, and the client quits") {
  ClientSession client = two_messages();
  client.receive("250 2.1.0 Ok\r\n550 5.1.1 No\r\n550 5.1.1 No\r\n");
  client.take_output();
  CHECK(answer(client, "500 5.5.2 Error: command not recognized\r\n") == "QUIT\r\n");
  CHECK(client.result(1).complete);
  CHECK(client.result(1).recipients[0].status == RecipientStatus::kDeferred);
  CHECK(client.result(1).reply_of(0).code == 500);
}

TEST_CASE("with nothing queued the session waits after EHLO until a message comes") {
  ClientSession client({.helo_name = "relay.example"});
  client.receive("220 mx\r\n");
  CHECK(client.take_output() == "EHLO relay.example\r\n");
  client.receive(kEhloPlain);
  CHECK(client.take_output().empty());
  CHECK(client.stage() == ClientStage::kIdle);
  CHECK_FALSE(client.done());
  const std::size_t index = client.add_message({"a@s", {"b@d"}}, message("late"));
  CHECK(index == 0);
  CHECK(client.take_output() == "MAIL FROM:<a@s>\r\n");
}

TEST_CASE("a message queued while another is under way waits its turn") {
  ClientSession client({.helo_name = "relay.example"});
  client.add_message({"a@s", {"b@d"}}, message("one"));
  client.receive("220 mx\r\n" + kEhloPlain);
  client.take_output();
  client.add_message({"a@s", {"e@d"}}, message("two"));
  CHECK(client.take_output().empty());  // MAIL of the first is still unanswered
  client.receive("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n");
  client.take_output();
  CHECK(answer(client, "250 2.0.0 Ok\r\n") == "MAIL FROM:<a@s>\r\n");
  CHECK(client.stage() == ClientStage::kMail);
}

TEST_CASE("finish() with the queue done sends QUIT at once") {
  ClientSession client({.helo_name = "relay.example"});
  client.add_message({"a@s", {"b@d"}}, message("one"));
  client.receive("220 mx\r\n" + kEhloPlain + "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n");
  client.take_output();
  CHECK(answer(client, "250 2.0.0 Ok\r\n").empty());
  CHECK(client.stage() == ClientStage::kIdle);
  client.finish();
  CHECK(client.take_output() == "QUIT\r\n");
  CHECK(client.done());
}

TEST_CASE("a session-wide failure decides the messages queued and those queued later") {
  struct Row {
    const char* what;
    std::string replies;  // after the greeting
    int code;
    RecipientStatus status;
  };
  const Row rows[] = {
      {"421 in the first transaction",
       kEhloPlain + "250 2.1.0 Ok\r\n421 4.3.2 Service shutting down\r\n", 421,
       RecipientStatus::kDeferred},
      {"EHLO deferred", "451 4.3.0 Try later\r\n", 451, RecipientStatus::kDeferred},
  };
  for (const Row& row : rows) {
    INFO(row.what);
    ClientSession client({.helo_name = "relay.example"});
    client.add_message({"a@s", {"b@d", "c@d"}}, message("one"));
    client.add_message({"a@s", {"e@d"}}, message("two"));
    client.receive("220 mx\r\n" + row.replies);
    const std::size_t later = client.add_message({"a@s", {"f@d"}}, message("three"));
    for (std::size_t i = 0; i <= later; ++i) {
      INFO(i);
      CHECK(client.result(i).complete);
      CHECK(client.result(i).recipients.back().status == row.status);
      const ClientResult& result = client.result(i);
      CHECK(result.reply_of(result.recipients.size() - 1).code == row.code);
    }
  }
}

TEST_CASE("a lost connection defers every message not yet delivered with 451 4.4.2") {
  ClientSession client = two_messages();
  client.receive("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n");
  client.take_output();
  client.receive("250 2.0.0 Ok: queued as ONE\r\n");
  client.connection_lost();
  CHECK(client.result(0).message_sent);
  CHECK(client.result(1).reply_of(0) == Reply{451, "4.4.2", {"Connection lost"}});
  CHECK(client.stage() == ClientStage::kDone);
}

TEST_CASE("a 421 while the session is idle ends it") {
  ClientSession client({.helo_name = "relay.example"});
  client.receive("220 mx\r\n" + kEhloPlain);
  client.take_output();
  client.receive("421 4.4.2 mx Error: timeout exceeded\r\n");
  CHECK(client.done());
  CHECK(client.take_output().empty());
  const std::size_t later = client.add_message({"a@s", {"b@d"}}, message("late"));
  CHECK(client.result(later).reply_of(0).code == 421);
}

TEST_CASE("an unsolicited reply other than 421 is a protocol error") {
  ClientSession client({.helo_name = "relay.example"});
  client.receive("220 mx\r\n" + kEhloPlain);
  client.receive("250 2.0.0 Ok\r\n");
  CHECK(client.done());
  const std::size_t later = client.add_message({"a@s", {"b@d"}}, message("late"));
  CHECK(client.result(later).reply_of(0).enhanced == "4.5.0");
}

}  // namespace
}  // namespace mailsim::smtp
