// The client against scripted server replies.
#include "mailsim/smtp/client_session.h"

#include <string>
#include <vector>

#include "support/catch.h"

namespace mailsim::smtp {
namespace {

const std::string kData = "Subject: hi\r\n\r\nbody\r\n";  // 21 octets
const std::string kEhloPlain = "250-mx.dest.example\r\n250 8BITMIME\r\n";
const std::string kEhloSize = "250-mx.dest.example\r\n250 SIZE 1000\r\n";
const std::string kEhloPipelining =
    "250-mx.dest.example\r\n250-PIPELINING\r\n250 SIZE 10240000\r\n";

ClientSession make_client(std::vector<std::string> recipients = {"b@dest.example"}) {
  return ClientSession({.helo_name = "relay.example"}, {"a@src.example", std::move(recipients)},
                       kData);
}

// Feeds `reply` and returns what the client sends in answer.
std::string answer(ClientSession& client, const std::string& reply) {
  client.receive(reply);
  return client.take_output();
}

TEST_CASE("the client walks greeting, EHLO, MAIL, RCPT, DATA and the dot one step at a time") {
  ClientSession client = make_client({"b@dest.example", "c@dest.example"});
  CHECK(client.take_output().empty());
  CHECK(client.stage() == ClientStage::kGreeting);
  CHECK(answer(client, "220 mx.dest.example ESMTP\r\n") == "EHLO relay.example\r\n");
  CHECK(client.stage() == ClientStage::kEhlo);
  CHECK(answer(client, kEhloPlain) == "MAIL FROM:<a@src.example>\r\n");
  CHECK(client.stage() == ClientStage::kMail);
  CHECK(answer(client, "250 2.1.0 Ok\r\n") == "RCPT TO:<b@dest.example>\r\n");
  CHECK(client.stage() == ClientStage::kRcpt);
  CHECK(answer(client, "250 2.1.5 Ok\r\n") == "RCPT TO:<c@dest.example>\r\n");
  CHECK(answer(client, "250 2.1.5 Ok\r\n") == "DATA\r\n");
  CHECK(client.stage() == ClientStage::kData);
  CHECK(answer(client, "354 End data with <CR><LF>.<CR><LF>\r\n") == kData + ".\r\n");
  CHECK(client.stage() == ClientStage::kDataBody);
  CHECK_FALSE(client.done());
  CHECK(answer(client, "250 2.0.0 Ok: queued as 4F3A\r\n") == "QUIT\r\n");
  CHECK(client.done());
  CHECK(client.stage() == ClientStage::kQuit);
  const ClientResult& result = client.result();
  CHECK(result.message_sent);
  CHECK(result.last_reply == Reply{250, "2.0.0", {"Ok: queued as 4F3A"}});
  REQUIRE(result.recipients.size() == 2);
  for (std::size_t i = 0; i < result.recipients.size(); ++i) {
    CHECK(result.recipients[i].status == RecipientStatus::kAccepted);
    CHECK(result.reply_of(i).code == 250);
  }
  client.receive("221 2.0.0 Bye\r\n");
  CHECK(client.stage() == ClientStage::kDone);
}

TEST_CASE("the message is dot-stuffed on the wire") {
  ClientSession client({.helo_name = "relay.example"}, {"a@s", {"b@d"}}, ".hidden\r\nx\r\n.\r\n");
  client.receive("220 mx\r\n" + kEhloPlain + "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n");
  client.take_output();
  CHECK(answer(client, "354 go\r\n") == "..hidden\r\nx\r\n..\r\n.\r\n");
}

TEST_CASE("MAIL declares the message size when the server offers SIZE") {
  ClientSession client = make_client();
  client.receive("220 mx\r\n");
  client.take_output();
  CHECK(answer(client, kEhloSize) == "MAIL FROM:<a@src.example> SIZE=21\r\n");
  CHECK(client.extensions().size);
  CHECK(client.extensions().size_limit == 1000);
}

TEST_CASE("the client falls back to HELO when EHLO gets 502") {
  ClientSession client = make_client();
  client.receive("220 old.example SMTP\r\n");
  client.take_output();
  CHECK(answer(client, "502 5.5.2 Error: command not recognized\r\n") == "HELO relay.example\r\n");
  CHECK(client.stage() == ClientStage::kHelo);
  CHECK(answer(client, "250 old.example\r\n") == "MAIL FROM:<a@src.example>\r\n");
}

TEST_CASE("a refused greeting decides every recipient and the client quits") {
  ClientSession client = make_client({"b@d", "c@d"});
  CHECK(answer(client, "554 5.7.1 No service for you\r\n") == "QUIT\r\n");
  CHECK(client.done());
  CHECK_FALSE(client.result().message_sent);
  const ClientResult& result = client.result();
  for (std::size_t i = 0; i < result.recipients.size(); ++i) {
    CHECK(result.recipients[i].status == RecipientStatus::kRejected);
    CHECK(result.reply_of(i).code == 554);
  }
  CHECK(client.result().last_reply.code == 554);
}

TEST_CASE("a 4xx to EHLO defers every recipient") {
  ClientSession client = make_client();
  client.receive("220 mx\r\n");
  client.take_output();
  CHECK(answer(client, "451 4.3.0 Try later\r\n") == "QUIT\r\n");
  CHECK(client.result().recipients[0].status == RecipientStatus::kDeferred);
}

TEST_CASE("a refused sender decides every recipient") {
  ClientSession client = make_client({"b@d", "c@d"});
  client.receive("220 mx\r\n" + kEhloPlain);
  client.take_output();
  CHECK(answer(client, "553 5.7.1 Sender address rejected\r\n") == "QUIT\r\n");
  for (const RecipientResult& recipient : client.result().recipients) {
    CHECK(recipient.status == RecipientStatus::kRejected);
  }
}

TEST_CASE("recipients refused at RCPT keep their own reply and the rest are delivered") {
  ClientSession client = make_client({"nobody@d", "b@d", "grey@d"});
  client.receive("220 mx\r\n" + kEhloPlain + "250 2.1.0 Ok\r\n");
  client.receive("550 5.1.1 User unknown\r\n250 2.1.5 Ok\r\n450 4.2.0 Greylisted\r\n");
  CHECK(client.take_output().ends_with("DATA\r\n"));
  client.receive("354 go\r\n250 2.0.0 Ok: queued as X\r\n");
  const ClientResult& result = client.result();
  CHECK(result.message_sent);
  CHECK(result.recipients[0].status == RecipientStatus::kRejected);
  CHECK(result.reply_of(0) == Reply{550, "5.1.1", {"User unknown"}});
  CHECK(result.recipients[1].status == RecipientStatus::kAccepted);
  CHECK(result.reply_of(1).text() == "2.0.0 Ok: queued as X");
  CHECK(result.recipients[2].status == RecipientStatus::kDeferred);
  CHECK(result.reply_of(2).code == 450);
}

TEST_CASE("recipients the end of data decided read its reply, of which they hold no copy") {
  ClientSession client = make_client({"nobody@d", "b@d"});
  client.receive("220 mx\r\n" + kEhloPlain + "250 2.1.0 Ok\r\n");
  client.receive("550 5.1.1 User unknown\r\n250 2.1.5 Ok\r\n354 go\r\n");
  CHECK(client.result().reply_of(0).code == 550);
  CHECK(client.result().reply_of(1).code == 0);  // undecided until the reply to "."
  client.receive("250 2.0.0 Ok: queued as X\r\n");
  const ClientResult& result = client.result();
  CHECK(result.reply_of(0) == Reply{550, "5.1.1", {"User unknown"}});
  CHECK(result.reply_of(1) == result.last_reply);
  CHECK(result.recipients[1].own_reply.code == 0);
}

TEST_CASE("when no recipient is accepted the client quits without DATA or RSET") {
  ClientSession client = make_client({"nobody@d", "grey@d"});
  client.receive("220 mx\r\n" + kEhloPlain + "250 2.1.0 Ok\r\n");
  client.take_output();
  CHECK(answer(client, "550 5.1.1 User unknown\r\n") == "RCPT TO:<grey@d>\r\n");
  CHECK(answer(client, "450 4.2.0 Greylisted\r\n") == "QUIT\r\n");
  CHECK(client.done());
  CHECK_FALSE(client.result().message_sent);
  CHECK(client.result().last_reply.code == 450);
}

TEST_CASE("a failure after DATA or after the dot decides the accepted recipients") {
  struct Row {
    std::string replies;
    RecipientStatus status;
    int code;
  };
  const Row rows[] = {
      {"554 5.5.1 Error: no valid recipients\r\n", RecipientStatus::kRejected, 554},
      {"354 go\r\n452 4.3.1 Insufficient system storage\r\n", RecipientStatus::kDeferred, 452},
      {"354 go\r\n554 5.7.1 Spam\r\n", RecipientStatus::kRejected, 554}};
  for (const Row& row : rows) {
    ClientSession client = make_client({"nobody@d", "b@d"});
    client.receive("220 mx\r\n" + kEhloPlain + "250 2.1.0 Ok\r\n550 5.1.1 No\r\n250 2.1.5 Ok\r\n");
    client.receive(row.replies);
    CHECK(client.take_output().ends_with("QUIT\r\n"));
    CHECK_FALSE(client.result().message_sent);
    CHECK(client.result().reply_of(0).code == 550);
    CHECK(client.result().recipients[1].status == row.status);
    CHECK(client.result().reply_of(1).code == row.code);
    CHECK(client.result().last_reply.code == row.code);
  }
}

TEST_CASE("a 421 mid-session defers every undecided recipient and ends without QUIT") {
  ClientSession client = make_client({"nobody@d", "b@d", "c@d"});
  client.receive("220 mx\r\n" + kEhloPlain + "250 2.1.0 Ok\r\n550 5.1.1 No\r\n250 2.1.5 Ok\r\n");
  client.take_output();
  client.receive("421 4.3.2 mx Service shutting down\r\n");
  CHECK(client.take_output().empty());
  CHECK(client.done());
  CHECK(client.stage() == ClientStage::kDone);
  const ClientResult& result = client.result();
  CHECK(result.recipients[0].status == RecipientStatus::kRejected);
  CHECK(result.recipients[1].status == RecipientStatus::kDeferred);
  CHECK(result.reply_of(1).code == 421);
  CHECK(result.recipients[2].status == RecipientStatus::kDeferred);
  CHECK(result.last_reply == Reply{421, "4.3.2", {"mx Service shutting down"}});
}

TEST_CASE("a connection lost before the reply to the dot defers with 451 4.4.2") {
  ClientSession client = make_client();
  client.receive("220 mx\r\n" + kEhloPlain + "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n");
  client.take_output();
  REQUIRE(client.stage() == ClientStage::kDataBody);
  client.connection_lost();
  CHECK(client.done());
  CHECK(client.stage() == ClientStage::kDone);
  CHECK_FALSE(client.result().message_sent);
  CHECK(client.result().recipients[0].status == RecipientStatus::kDeferred);
  CHECK(client.result().last_reply == Reply{451, "4.4.2", {"Connection lost"}});
}

TEST_CASE("a connection lost after the reply to the dot changes nothing") {
  ClientSession client = make_client();
  client.receive("220 mx\r\n" + kEhloPlain +
                 "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n"
                 "250 2.0.0 Ok: queued as X\r\n");
  client.connection_lost();
  CHECK(client.result().message_sent);
  CHECK(client.result().recipients[0].status == RecipientStatus::kAccepted);
  CHECK(client.result().last_reply.code == 250);
  CHECK(client.stage() == ClientStage::kDone);
}

TEST_CASE("a timeout defers with 451 4.4.2 naming what the client waited for") {
  ClientSession client = make_client();
  client.receive("220 mx\r\n" + kEhloPlain);
  REQUIRE(client.stage() == ClientStage::kMail);
  client.timed_out();
  CHECK(client.done());
  CHECK(client.result().recipients[0].status == RecipientStatus::kDeferred);
  CHECK(client.result().last_reply ==
        Reply{451, "4.4.2", {"Timed out waiting for the reply to MAIL FROM"}});
}

TEST_CASE("a malformed reply is a protocol error that defers") {
  ClientSession client = make_client();
  client.receive("220 mx\r\n");
  client.take_output();
  client.receive("hello there\r\n");
  CHECK(client.done());
  CHECK(client.take_output().empty());
  CHECK(client.result().recipients[0].status == RecipientStatus::kDeferred);
  CHECK(client.result().last_reply ==
        Reply{451, "4.5.0", {"Protocol error: malformed reply from server"}});
}

TEST_CASE("a reply of the wrong class for the stage is a protocol error") {
  ClientSession client = make_client();
  client.receive("220 mx\r\n" + kEhloPlain + "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n");
  client.receive("250 2.0.0 Ok\r\n");  // DATA wants 354
  CHECK(client.done());
  CHECK(client.result().recipients[0].status == RecipientStatus::kDeferred);
  CHECK(client.result().last_reply.enhanced == "4.5.0");
  CHECK(client.result().last_reply.text().find("the reply to DATA") != std::string::npos);
}

// ClientConfig::transcript only decides whether lines are kept: the same server bytes give
// the same client bytes and outcome, and the untranscribed session's transcript is empty.
TEST_CASE("a session that keeps no transcript sends the same and decides the same") {
  ClientSession kept = make_client({"b@dest.example", "c@dest.example"});
  ClientSession bare({.helo_name = "relay.example", .transcript = false},
                     {"a@src.example", {"b@dest.example", "c@dest.example"}}, kData);
  for (const std::string& reply :
       {std::string("220 mx.dest.example ESMTP\r\n"), kEhloPipelining,
        std::string("250 2.1.0 Ok\r\n550 5.1.1 No such user\r\n250 2.1.5 Ok\r\n354 Go\r\n"),
        std::string("250 2.0.0 Ok: queued as 4F3A\r\n"), std::string("221 2.0.0 Bye\r\n")}) {
    CHECK(answer(bare, reply) == answer(kept, reply));
  }
  CHECK(bare.done());
  CHECK(bare.result().message_sent);
  CHECK(bare.result().last_reply == kept.result().last_reply);
  REQUIRE(bare.result().recipients.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(bare.result().recipients[i].status == kept.result().recipients[i].status);
    CHECK(bare.result().reply_of(i) == kept.result().reply_of(i));
  }
  CHECK(bare.result().reply_of(0) == Reply{550, "5.1.1", {"No such user"}});
  CHECK(bare.result().recipients[1].status == RecipientStatus::kAccepted);
  // EHLO, MAIL, 2 RCPT, DATA, QUIT, the data line and "."; 10 reply lines.
  CHECK(kept.take_transcript().size() == 18);
  CHECK(bare.take_transcript().empty());
}

}  // namespace
}  // namespace mailsim::smtp
