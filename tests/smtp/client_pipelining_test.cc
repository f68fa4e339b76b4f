// The client with a server that offers PIPELINING (RFC 2920), and its transcript.
#include <string>
#include <vector>

#include "mailsim/smtp/client_session.h"
#include "support/catch.h"

namespace mailsim::smtp {
namespace {

const std::string kData = "Subject: hi\r\n\r\nbody\r\n";  // 21 octets
const std::string kEhloPipelining = "250-mx\r\n250-PIPELINING\r\n250 SIZE 10240000\r\n";

ClientSession make_client(std::vector<std::string> recipients) {
  return ClientSession({.helo_name = "relay.example"}, {"a@s", std::move(recipients)}, kData);
}

TEST_CASE("with PIPELINING, MAIL, every RCPT and DATA go in one group") {
  ClientSession client = make_client({"b@d", "c@d"});
  client.receive("220 mx\r\n");
  client.take_output();
  client.receive(kEhloPipelining);
  CHECK(client.take_output() ==
        "MAIL FROM:<a@s> SIZE=21\r\nRCPT TO:<b@d>\r\nRCPT TO:<c@d>\r\nDATA\r\n");
  CHECK(client.stage() == ClientStage::kMail);
  client.receive("250 2.1.0 Ok\r\n");
  CHECK(client.stage() == ClientStage::kRcpt);
  CHECK(client.take_output().empty());
  client.receive("250 2.1.5 Ok\r\n550 5.1.1 No\r\n");
  CHECK(client.stage() == ClientStage::kData);
  client.receive("354 go\r\n");
  CHECK(client.take_output() == kData + ".\r\n");
  client.receive("250 2.0.0 Ok: queued as P\r\n");
  CHECK(client.take_output() == "QUIT\r\n");
  const ClientResult& result = client.result();
  CHECK(result.message_sent);
  CHECK(result.recipients[0].status == RecipientStatus::kAccepted);
  CHECK(result.recipients[1].status == RecipientStatus::kRejected);
  CHECK(result.reply_of(1).code == 550);
}

TEST_CASE("with PIPELINING a refused MAIL ends the transaction and later replies are only logged") {
  ClientSession client = make_client({"b@d"});
  client.receive("220 mx\r\n" + kEhloPipelining);
  client.take_output();
  client.take_transcript();
  client.receive("452 4.3.1 Insufficient system storage\r\n");
  CHECK(client.take_output() == "QUIT\r\n");
  CHECK(client.done());
  client.receive(
      "503 5.5.1 Error: need MAIL command\r\n554 5.5.1 Error: no valid recipients\r\n"
      "221 2.0.0 Bye\r\n");
  CHECK(client.result().recipients[0].status == RecipientStatus::kDeferred);
  CHECK(client.result().last_reply.code == 452);
  CHECK(client.stage() == ClientStage::kDone);
  CHECK(client.take_transcript() ==
        std::vector<TranscriptLine>{{'S', "452 4.3.1 Insufficient system storage"},
                                    {'C', "QUIT"},
                                    {'S', "503 5.5.1 Error: need MAIL command"},
                                    {'S', "554 5.5.1 Error: no valid recipients"},
                                    {'S', "221 2.0.0 Bye"}});
}

TEST_CASE("with PIPELINING and every RCPT refused the client waits for the DATA reply") {
  ClientSession client = make_client({"b@d", "c@d"});
  client.receive("220 mx\r\n" + kEhloPipelining);
  client.take_output();
  client.receive("250 2.1.0 Ok\r\n550 5.1.1 No\r\n450 4.2.0 Greylisted\r\n");
  CHECK_FALSE(client.done());
  CHECK(client.take_output().empty());
  client.receive("554 5.5.1 Error: no valid recipients\r\n");
  CHECK(client.take_output() == "QUIT\r\n");
  CHECK(client.result().recipients[0].status == RecipientStatus::kRejected);
  CHECK(client.result().recipients[1].status == RecipientStatus::kDeferred);
  CHECK(client.result().last_reply.code == 450);
}

TEST_CASE("with PIPELINING a 354 despite no accepted recipient gets an empty message") {
  ClientSession client = make_client({"b@d"});
  client.receive("220 mx\r\n" + kEhloPipelining);
  client.take_output();
  client.receive("250 2.1.0 Ok\r\n550 5.1.1 No\r\n354 go\r\n");
  CHECK(client.take_output() == ".\r\nQUIT\r\n");
  CHECK_FALSE(client.result().message_sent);
  CHECK(client.result().recipients[0].status == RecipientStatus::kRejected);
}

TEST_CASE("the transcript has every command and reply line, with the data summarised") {
  ClientSession client = make_client({"b@d"});
  client.receive("220 mx ESMTP\r\n");
  client.receive("250-mx\r\n250 8BITMIME\r\n");
  client.receive("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data\r\n250 2.0.0 Ok: queued as Z\r\n");
  client.receive("221 2.0.0 Bye\r\n");
  const std::vector<TranscriptLine> expected = {{'S', "220 mx ESMTP"},
                                                {'C', "EHLO relay.example"},
                                                {'S', "250-mx"},
                                                {'S', "250 8BITMIME"},
                                                {'C', "MAIL FROM:<a@s>"},
                                                {'S', "250 2.1.0 Ok"},
                                                {'C', "RCPT TO:<b@d>"},
                                                {'S', "250 2.1.5 Ok"},
                                                {'C', "DATA"},
                                                {'S', "354 End data"},
                                                {'C', "(message data, 21 bytes)"},
                                                {'C', "."},
                                                {'S', "250 2.0.0 Ok: queued as Z"},
                                                {'C', "QUIT"},
                                                {'S', "221 2.0.0 Bye"}};
  CHECK(client.take_transcript() == expected);
  CHECK(client.take_transcript().empty());
}

TEST_CASE("a malformed line shows in the transcript") {
  ClientSession client = make_client({"b@d"});
  client.receive("220-mx\r\nbroken\r\n");
  CHECK(client.take_transcript() == std::vector<TranscriptLine>{{'S', "220-mx"}, {'S', "broken"}});
}

}  // namespace
}  // namespace mailsim::smtp
