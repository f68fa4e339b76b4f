// The ESMTP parameters on MAIL and RCPT: sent when the server's EHLO offers the extension
// and the envelope asks for them, left out otherwise.
#include <cstdint>
#include <string>
#include <vector>

#include "mailsim/smtp/client_session.h"
#include "support/catch.h"

namespace mailsim::smtp {
namespace {

const std::string kData = "Subject: hi\r\n\r\nbody\r\n";  // 21 octets

// The commands the client pipelines after EHLO (the server offers PIPELINING and
// `keywords`), as lines without CRLF.
std::vector<std::string> commands_for(const Envelope& envelope, const std::string& keywords) {
  ClientSession client({.helo_name = "relay.example"}, envelope, kData);
  client.receive("220 mx\r\n");
  client.take_output();
  client.receive("250-mx\r\n250-PIPELINING\r\n" + keywords + "250 HELP\r\n");
  std::vector<std::string> lines;
  std::string output = client.take_output();
  for (std::size_t end; (end = output.find("\r\n")) != std::string::npos;) {
    lines.push_back(output.substr(0, end));
    output.erase(0, end + 2);
  }
  return lines;
}

Envelope dsn_envelope() {
  Envelope envelope{"a@s", {"b@d", "c@d", "e@d"}};
  envelope.body = BodyType::k8BitMime;
  envelope.ret = DsnReturn::kHeaders;
  envelope.envid = "QQ314159";
  envelope.rcpt_options = {
      {kNotifySuccess | kNotifyFailure, "rfc822;b@d"}, {kNotifyNever, ""}, {0, "rfc822;e@d"}};
  return envelope;
}

TEST_CASE("an envelope without its recipients keeps the sender and the DSN parameters") {
  Envelope e{.mail_from = "a@x.example",
             .rcpt_to = {"b@y.example"},
             .rcpt_options = {RecipientOptions{}},
             .body = BodyType::k8BitMime,
             .ret = DsnReturn::kHeaders,
             .envid = "id1"};
  const Envelope next = e.without_recipients();
  e.rcpt_to.clear();
  e.rcpt_options.clear();
  CHECK(next == e);
}

TEST_CASE("a cleared envelope equals a new one") {
  Envelope e{.mail_from = "a@s",
             .rcpt_to = {"b@d", "c@d"},
             .rcpt_options = {{kNotifySuccess, "rfc822;b@d"}, {}},
             .body = BodyType::k8BitMime,
             .ret = DsnReturn::kHeaders,
             .envid = "id1"};
  e.clear();
  CHECK(e == Envelope{});
}

TEST_CASE("MAIL carries SIZE, BODY and the DSN parameters only when each is offered") {
  struct Row {
    std::string keywords;
    std::string mail;
  };
  const Row rows[] = {
      {"", "MAIL FROM:<a@s>"},
      {"250-SIZE 10240000\r\n", "MAIL FROM:<a@s> SIZE=21"},
      {"250-SIZE\r\n", "MAIL FROM:<a@s> SIZE=21"},
      {"250-8BITMIME\r\n", "MAIL FROM:<a@s> BODY=8BITMIME"},
      {"250-DSN\r\n", "MAIL FROM:<a@s> ENVID=QQ314159 RET=HDRS"},
      {"250-SIZE 1000\r\n250-8BITMIME\r\n250-DSN\r\n",
       "MAIL FROM:<a@s> SIZE=21 BODY=8BITMIME ENVID=QQ314159 RET=HDRS"},
  };
  for (const Row& row : rows) {
    INFO(row.keywords);
    CHECK(commands_for(dsn_envelope(), row.keywords).front() == row.mail);
  }
}

TEST_CASE("RCPT carries NOTIFY and ORCPT only when DSN is offered") {
  CHECK(commands_for(dsn_envelope(), "250-DSN\r\n") ==
        std::vector<std::string>{"MAIL FROM:<a@s> ENVID=QQ314159 RET=HDRS",
                                 "RCPT TO:<b@d> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b@d",
                                 "RCPT TO:<c@d> NOTIFY=NEVER", "RCPT TO:<e@d> ORCPT=rfc822;e@d",
                                 "DATA"});
  CHECK(commands_for(dsn_envelope(), "250-SIZE\r\n") ==
        std::vector<std::string>{"MAIL FROM:<a@s> SIZE=21", "RCPT TO:<b@d>", "RCPT TO:<c@d>",
                                 "RCPT TO:<e@d>", "DATA"});
}

TEST_CASE("BODY and RET take the envelope's values, and are absent when unspecified") {
  struct Row {
    BodyType body;
    DsnReturn ret;
    std::string mail;
  };
  const Row rows[] = {
      {BodyType::kUnspecified, DsnReturn::kUnspecified, "MAIL FROM:<a@s>"},
      {BodyType::k7Bit, DsnReturn::kUnspecified, "MAIL FROM:<a@s> BODY=7BIT"},
      {BodyType::k8BitMime, DsnReturn::kUnspecified, "MAIL FROM:<a@s> BODY=8BITMIME"},
      {BodyType::kUnspecified, DsnReturn::kFull, "MAIL FROM:<a@s> RET=FULL"},
      {BodyType::kUnspecified, DsnReturn::kHeaders, "MAIL FROM:<a@s> RET=HDRS"},
  };
  for (const Row& row : rows) {
    INFO(row.mail);
    Envelope envelope{"a@s", {"b@d"}};
    envelope.body = row.body;
    envelope.ret = row.ret;
    CHECK(commands_for(envelope, "250-8BITMIME\r\n250-DSN\r\n").front() == row.mail);
  }
}

TEST_CASE("ENVID and ORCPT values are xtext-encoded (RFC 3461 4)") {
  struct Row {
    std::string value;
    std::string xtext;
  };
  const Row rows[] = {
      {"plain.id-42", "plain.id-42"}, {"a+b=c", "a+2Bb+3Dc"},       {"two words", "two+20words"},
      {"tab\there", "tab+09here"},    {"caf\xc3\xa9", "caf+C3+A9"}, {"~!", "~!"},
  };
  for (const Row& row : rows) {
    INFO(row.value);
    Envelope envelope{"a@s", {"b@d"}};
    envelope.envid = row.value;
    envelope.rcpt_options = {{0, "rfc822;" + row.value}};
    const std::vector<std::string> commands = commands_for(envelope, "250-DSN\r\n");
    CHECK(commands[0] == "MAIL FROM:<a@s> ENVID=" + row.xtext);
    CHECK(commands[1] == "RCPT TO:<b@d> ORCPT=rfc822;" + row.xtext);
  }
}

TEST_CASE("the EHLO reply's AUTH mechanisms are read from every AUTH line, in any case") {
  const Extensions extensions = parse_extensions(
      Reply{250, "", {"mx", "AUTH login PLAIN", "AUTH=LOGIN CRAM-MD5", "PIPELINING"}});
  CHECK(extensions.auth);
  CHECK(extensions.auth_mechanisms == std::vector<std::string>{"LOGIN", "PLAIN", "CRAM-MD5"});
  CHECK(extensions.offers_auth("PLAIN"));
  CHECK_FALSE(extensions.offers_auth("XOAUTH2"));
  CHECK(extensions.pipelining);
  CHECK_FALSE(parse_extensions(Reply{250, "", {"mx", "PIPELINING"}}).auth);
}

// parse_extensions() keeps the extensions of recent EHLO texts; what it gives must be each
// reply's own whatever it read before: a limit N announced as "SIZE N" reads back as N in
// two rounds over more distinct texts than it keeps, and the same keywords under another
// server name, or no keyword lines at all, read as themselves.
TEST_CASE("each EHLO reply's extensions are its own, whatever replies were read before") {
  for (int round = 0; round < 2; ++round) {
    for (std::int64_t limit = 1; limit <= 40; ++limit) {
      const Extensions extensions =
          parse_extensions(Reply{250, "", {"mx", "SIZE " + std::to_string(limit)}});
      CHECK(extensions.size_limit == limit);
      CHECK_FALSE(extensions.pipelining);
    }
  }
  CHECK(parse_extensions(Reply{250, "", {"other.example", "SIZE 7", "DSN"}}).size_limit == 7);
  CHECK(parse_extensions(Reply{250, "", {"other.example", "SIZE 7", "DSN"}}).dsn);
  CHECK_FALSE(parse_extensions(Reply{250, "", {"mx", "SIZE 7"}}).dsn);
  CHECK_FALSE(parse_extensions(Reply{250, "", {"PIPELINING"}}).pipelining);  // the name line
  CHECK_FALSE(parse_extensions(Reply{250, "", {"mx", ""}}).size);
  CHECK_FALSE(parse_extensions(Reply{250, "", {}}).size);
}

}  // namespace
}  // namespace mailsim::smtp
