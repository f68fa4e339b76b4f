// A ClientSession and a ServerSession talking to each other through strings.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "fake_policy.h"
#include "mailsim/smtp/client_session.h"
#include "mailsim/smtp/server_session.h"
#include "support/catch.h"

namespace mailsim::smtp {
namespace {

using testing::FakePolicy;

// Moves bytes both ways until neither side has anything to say, `chunk` bytes per
// delivery; stops when either side wants the connection closed.
void shuttle(ClientSession& client, ServerSession& server, std::size_t chunk) {
  server.open();
  for (int round = 0; round < 1000; ++round) {
    const std::string to_client = server.take_output();
    for (std::size_t i = 0; i < to_client.size(); i += chunk)
      client.receive(to_client.substr(i, chunk));
    const std::string to_server = client.take_output();
    for (std::size_t i = 0; i < to_server.size(); i += chunk)
      server.receive(to_server.substr(i, chunk));
    if (server.closed()) {
      client.receive(server.take_output());
      if (!client.done()) client.connection_lost();
      return;
    }
    if (to_client.empty() && to_server.empty()) return;
  }
  FAIL("the sessions never went quiet");
}

const std::string kMessage =
    "From: a@src.example\r\nSubject: dots\r\n\r\n.starts with a dot\r\n..two dots\r\n.\r\n"
    "end\r\n";

TEST_CASE("client and server agree on each recipient's fate and the data arrives intact") {
  for (const std::size_t chunk : {std::size_t{4096}, std::size_t{7}, std::size_t{1}}) {
    INFO("chunk " << chunk);
    FakePolicy policy;
    ServerSession server({.hostname = "mx.dest.example"}, policy);
    ClientSession client(
        {.helo_name = "relay.src.example"},
        {"a@src.example",
         {"b@dest.example", "nobody@dest.example", "grey@dest.example", "c@dest.example"}},
        kMessage);
    shuttle(client, server, chunk);
    CHECK(client.done());
    CHECK(server.closed());
    REQUIRE(policy.messages.size() == 1);
    CHECK(policy.messages[0] == kMessage);
    CHECK(policy.envelopes[0] == Envelope{"a@src.example", {"b@dest.example", "c@dest.example"}});
    const ClientResult& result = client.result();
    CHECK(result.message_sent);
    CHECK(result.last_reply == Reply{250, "2.0.0", {"Ok: queued as Q1"}});
    REQUIRE(result.recipients.size() == 4);
    CHECK(result.recipients[0].status == RecipientStatus::kAccepted);
    CHECK(result.recipients[1].status == RecipientStatus::kRejected);
    CHECK(result.reply_of(1).enhanced == "5.1.1");
    CHECK(result.recipients[2].status == RecipientStatus::kDeferred);
    CHECK(result.reply_of(2).enhanced == "4.2.0");
    CHECK(result.recipients[3].status == RecipientStatus::kAccepted);
    CHECK(client.extensions().pipelining);
  }
}

TEST_CASE("when the server refuses every recipient no message is handed over") {
  FakePolicy policy;
  ServerSession server({.hostname = "mx.dest.example"}, policy);
  ClientSession client({.helo_name = "relay"}, {"a@s", {"nobody@dest.example"}}, kMessage);
  shuttle(client, server, 4096);
  CHECK(policy.messages.empty());
  CHECK(client.result().recipients[0].status == RecipientStatus::kRejected);
  CHECK_FALSE(client.result().message_sent);
}

TEST_CASE("a message over the server's size limit is refused at MAIL through SIZE") {
  FakePolicy policy;
  ServerSession server({.hostname = "mx.dest.example", .max_message_size = 20}, policy);
  ClientSession client({.helo_name = "relay"}, {"a@s", {"b@d"}}, kMessage);
  shuttle(client, server, 4096);
  CHECK(policy.messages.empty());
  CHECK(client.result().recipients[0].status == RecipientStatus::kRejected);
  CHECK(client.result().last_reply == Reply{552, "5.3.4", {"Message size exceeds fixed limit"}});
}

TEST_CASE("a server shutting down mid-session leaves the undecided recipients deferred") {
  FakePolicy policy;
  ServerSession server({.hostname = "mx.dest.example"}, policy);
  ClientSession client({.helo_name = "relay"},
                       {"a@s", {"nobody@dest.example", "shutdown@dest.example", "b@d"}}, kMessage);
  shuttle(client, server, 4096);
  CHECK(server.closed());
  CHECK(client.done());
  CHECK(policy.messages.empty());
  const ClientResult& result = client.result();
  CHECK(result.recipients[0].status == RecipientStatus::kRejected);
  CHECK(result.recipients[1].status == RecipientStatus::kDeferred);
  CHECK(result.reply_of(1).code == 421);
  CHECK(result.recipients[2].status == RecipientStatus::kDeferred);
  CHECK(result.reply_of(2).code == 421);
}

TEST_CASE("a client with credentials authenticates before a server that requires it") {
  const auto alice_only = [](const Credentials& c) { return c == Credentials{"alice", "s3cret"}; };
  for (const auto& [password, delivered] :
       {std::pair<std::string, bool>{"s3cret", true}, {"wrong", false}}) {
    INFO(password);
    FakePolicy policy;
    ServerSession server(
        {.hostname = "msa.src.example", .authenticate = alice_only, .require_auth = true}, policy);
    ClientSession client({.helo_name = "laptop", .auth = Credentials{"alice", password}},
                         {"alice@src.example", {"b@dest.example"}}, kMessage);
    shuttle(client, server, 4096);
    CHECK(policy.messages.size() == (delivered ? 1U : 0U));
    CHECK(client.result().message_sent == delivered);
    CHECK(client.result().recipients[0].status ==
          (delivered ? RecipientStatus::kAccepted : RecipientStatus::kRejected));
  }
}

TEST_CASE("several messages go over one connection, with RSET after a failed one") {
  FakePolicy policy;
  ServerSession server({.hostname = "mx.dest.example"}, policy);
  ClientSession client({.helo_name = "relay"});
  client.add_message({"a@s", {"nobody@dest.example"}}, std::make_shared<const Message>(kMessage));
  client.add_message({"a@s", {"b@dest.example"}}, std::make_shared<const Message>(kMessage));
  client.add_message(
      {"a@s", {"c@dest.example"}},
      std::make_shared<const Message>("Subject: big\r\n", MessageBody::synthetic(300'000, 8)));
  client.finish();
  shuttle(client, server, 4096);
  CHECK(client.done());
  CHECK(client.result(0).recipients[0].status == RecipientStatus::kRejected);
  CHECK(client.result(1).message_sent);
  CHECK(client.result(2).message_sent);
  REQUIRE(policy.messages.size() == 2);
  CHECK(policy.messages[0] == kMessage);
  CHECK(policy.messages[1].size() == 300'016);
  CHECK(policy.envelopes[1].rcpt_to == std::vector<std::string>{"c@dest.example"});
}

TEST_CASE("the DSN parameters reach the server's envelope") {
  FakePolicy policy;
  ServerSession server({.hostname = "mx.dest.example"}, policy);
  Envelope envelope{"a@src.example", {"b@dest.example"}};
  envelope.body = BodyType::k8BitMime;
  envelope.ret = DsnReturn::kHeaders;
  envelope.envid = "id with spaces+plus=equals";
  envelope.rcpt_options = {{kNotifyFailure | kNotifyDelay, "rfc822;bob@dest.example"}};
  ClientSession client({.helo_name = "relay"}, envelope, kMessage);
  shuttle(client, server, 4096);
  REQUIRE(policy.envelopes.size() == 1);
  CHECK(policy.envelopes[0] == envelope);
}

}  // namespace
}  // namespace mailsim::smtp
