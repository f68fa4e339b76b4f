// The client's AUTH PLAIN (RFC 4954) after EHLO, against scripted server replies.
#include <string>
#include <vector>

#include "mailsim/smtp/client_session.h"
#include "support/catch.h"

namespace mailsim::smtp {
namespace {

const std::string kData = "Subject: hi\r\n\r\nbody\r\n";
const std::string kAuthPlain = "AUTH PLAIN AGFsaWNlAHMzY3JldA==\r\n";  // "\0alice\0s3cret"

ClientSession make_client(bool with_credentials, std::vector<std::string> recipients = {"b@d"}) {
  ClientConfig config{.helo_name = "laptop.example"};
  if (with_credentials) config.auth = Credentials{"alice", "s3cret"};
  return ClientSession(std::move(config), {"alice@s", std::move(recipients)}, kData);
}

std::string ehlo_with(const std::string& keyword) {
  return "250-msa.example\r\n250-" + keyword + "\r\n250 8BITMIME\r\n";
}

// The bytes the client sends after the greeting and the given EHLO reply.
std::string after_ehlo(ClientSession& client, const std::string& ehlo_reply) {
  client.receive("220 msa.example ESMTP\r\n");
  client.take_output();
  client.receive(ehlo_reply);
  return client.take_output();
}

TEST_CASE("with credentials and AUTH PLAIN offered, AUTH goes with the initial response") {
  for (const std::string keyword :
       {"AUTH PLAIN LOGIN", "AUTH LOGIN PLAIN", "AUTH=PLAIN", "AUTH plain"}) {
    INFO(keyword);
    ClientSession client = make_client(true);
    CHECK(after_ehlo(client, ehlo_with(keyword)) == kAuthPlain);
    CHECK(client.stage() == ClientStage::kAuth);
  }
}

TEST_CASE("235 after AUTH goes on to MAIL") {
  ClientSession client = make_client(true);
  after_ehlo(client, ehlo_with("AUTH PLAIN LOGIN"));
  client.receive("235 2.7.0 Authentication successful\r\n");
  CHECK(client.take_output() == "MAIL FROM:<alice@s>\r\n");
}

TEST_CASE("a refused AUTH decides every recipient by its class and the client quits") {
  struct Row {
    std::string reply;
    RecipientStatus status;
  };
  const Row rows[] = {
      {"535 5.7.8 Error: authentication failed: bad password\r\n", RecipientStatus::kRejected},
      {"454 4.7.0 Temporary authentication failure\r\n", RecipientStatus::kDeferred},
      {"504 5.5.4 Unrecognized authentication type\r\n", RecipientStatus::kRejected},
  };
  for (const Row& row : rows) {
    INFO(row.reply);
    ClientSession client = make_client(true, {"b@d", "c@d"});
    after_ehlo(client, ehlo_with("AUTH PLAIN"));
    client.receive(row.reply);
    CHECK(client.take_output() == "QUIT\r\n");
    CHECK(client.done());
    const ClientResult& result = client.result();
    for (std::size_t i = 0; i < result.recipients.size(); ++i) {
      CHECK(result.recipients[i].status == row.status);
      CHECK(result.reply_of(i).code == std::stoi(row.reply.substr(0, 3)));
    }
  }
}

TEST_CASE("with credentials but no AUTH offered the client goes on without, like Postfix") {
  ClientSession client = make_client(true);
  CHECK(after_ehlo(client, ehlo_with("PIPELINING")) ==
        "MAIL FROM:<alice@s>\r\nRCPT TO:<b@d>\r\nDATA\r\n");
}

TEST_CASE("without credentials the client never sends AUTH, offered or not") {
  ClientSession client = make_client(false);
  CHECK(after_ehlo(client, ehlo_with("AUTH PLAIN LOGIN")) == "MAIL FROM:<alice@s>\r\n");
}

TEST_CASE("after a HELO fallback there is no AUTH, as HELO offers no extensions") {
  ClientSession client = make_client(true);
  client.receive("220 old.example\r\n");
  client.take_output();
  client.receive("502 5.5.2 Error: command not recognized\r\n");
  CHECK(client.take_output() == "HELO laptop.example\r\n");
  client.receive("250 old.example\r\n");
  CHECK(client.take_output() == "MAIL FROM:<alice@s>\r\n");
}

TEST_CASE("AUTH offered without PLAIN defers with 4.7.0 and the client quits") {
  ClientSession client = make_client(true);
  CHECK(after_ehlo(client, ehlo_with("AUTH LOGIN CRAM-MD5")) == "QUIT\r\n");
  CHECK(client.result().recipients[0].status == RecipientStatus::kDeferred);
  const Reply& reply = client.result().reply_of(0);
  CHECK(reply.code == 451);
  CHECK(reply.enhanced == "4.7.0");
}

TEST_CASE("a 334 challenge after the initial response is a protocol error") {
  ClientSession client = make_client(true);
  after_ehlo(client, ehlo_with("AUTH PLAIN"));
  client.receive("334 \r\n");
  CHECK(client.done());
  CHECK(client.take_output().empty());
  CHECK(client.result().recipients[0].status == RecipientStatus::kDeferred);
  CHECK(client.result().last_reply.enhanced == "4.5.0");
}

TEST_CASE("the transcript hides the credentials") {
  ClientSession client = make_client(true);
  after_ehlo(client, ehlo_with("AUTH PLAIN"));
  const std::vector<TranscriptLine> transcript = client.take_transcript();
  REQUIRE_FALSE(transcript.empty());
  CHECK(transcript.back() == TranscriptLine{'C', "AUTH PLAIN (credentials hidden)"});
}

TEST_CASE("a refused AUTH also decides messages queued after it") {
  ClientSession client({.helo_name = "laptop.example", .auth = Credentials{"alice", "wrong"}});
  client.add_message({"alice@s", {"b@d"}}, std::make_shared<const Message>(kData));
  after_ehlo(client, ehlo_with("AUTH PLAIN"));
  client.receive("535 5.7.8 Error: authentication failed\r\n");
  const std::size_t later =
      client.add_message({"alice@s", {"c@d"}}, std::make_shared<const Message>(kData));
  CHECK(client.result(later).complete);
  CHECK(client.result(later).recipients[0].status == RecipientStatus::kRejected);
  CHECK(client.result(later).reply_of(0).code == 535);
}

}  // namespace
}  // namespace mailsim::smtp
