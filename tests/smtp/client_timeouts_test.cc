// The client's per-stage timeouts per MTA family, against the rows of
// ../shared/reference/mta-behaviour.md section 3, and the limit for each client stage.
#include <optional>

#include "mailsim/smtp/timeouts.h"
#include "support/catch.h"

namespace mailsim::smtp {
namespace {

using std::nullopt;

constexpr std::optional<Duration> s(std::int64_t seconds) { return Duration::seconds(seconds); }

static_assert(client_timeouts(MtaFamily::kPostfix).data_init == Duration::seconds(120),
              "the table is usable at compile time");

TEST_CASE("each family's client timeouts are the reference table's section 3 column") {
  struct Row {
    MtaFamily family;
    const char* name;
    // connect, greeting, EHLO, MAIL, RCPT, DATA -> 354, data block, "." -> reply
    std::optional<Duration> column[8];
  };
  const Row rows[] = {
      {MtaFamily::kRfc5321,
       "RFC 5321 min",
       {nullopt, s(300), nullopt, s(300), s(300), s(120), s(180), s(600)}},
      {MtaFamily::kPostfix,
       "Postfix",
       {s(30), s(300), s(300), s(300), s(300), s(120), s(180), s(600)}},
      {MtaFamily::kExim, "Exim", {s(300), s(300), s(300), s(300), s(300), s(300), s(300), s(600)}},
      {MtaFamily::kSendmail,
       "sendmail",
       {nullopt, s(300), s(300), s(600), s(3600), s(300), s(3600), s(3600)}},
      {MtaFamily::kQmail,
       "qmail",
       {s(60), s(1200), s(1200), s(1200), s(1200), s(1200), s(1200), s(1200)}},
      {MtaFamily::kOpenSmtpd,
       "OpenSMTPD",
       {s(300), s(300), s(300), s(300), s(300), s(300), s(300), s(300)}},
  };
  for (const Row& row : rows) {
    INFO(row.name);
    const ClientTimeouts& t = client_timeouts(row.family);
    CHECK(t.connect == row.column[0]);
    CHECK(t.greeting == row.column[1]);
    CHECK(t.ehlo == row.column[2]);
    CHECK(t.mail == row.column[3]);
    CHECK(t.rcpt == row.column[4]);
    CHECK(t.data_init == row.column[5]);
    CHECK(t.data_block == row.column[6]);
    CHECK(t.data_done == row.column[7]);
  }
}

TEST_CASE("RSET and QUIT follow each family's own source; zero means it does not wait") {
  struct Row {
    MtaFamily family;
    const char* name;
    std::optional<Duration> rset;
    std::optional<Duration> quit;
  };
  const Row rows[] = {
      {MtaFamily::kRfc5321, "RFC 5321 min", nullopt, nullopt},
      {MtaFamily::kPostfix, "Postfix", s(20), s(0)},
      {MtaFamily::kExim, "Exim", s(300), s(1)},
      {MtaFamily::kSendmail, "sendmail", s(300), s(120)},
      {MtaFamily::kQmail, "qmail", nullopt, s(0)},
      {MtaFamily::kOpenSmtpd, "OpenSMTPD", s(300), s(300)},
  };
  for (const Row& row : rows) {
    INFO(row.name);
    CHECK(client_timeouts(row.family).rset == row.rset);
    CHECK(client_timeouts(row.family).quit == row.quit);
  }
}

TEST_CASE("the limit for each client stage is the matching row of the table") {
  const ClientTimeouts& postfix = client_timeouts(MtaFamily::kPostfix);
  struct Row {
    ClientStage stage;
    std::optional<Duration> limit;
  };
  const Row rows[] = {
      {ClientStage::kGreeting, s(300)}, {ClientStage::kEhlo, s(300)},
      {ClientStage::kHelo, s(300)},     {ClientStage::kAuth, s(300)},
      {ClientStage::kMail, s(300)},     {ClientStage::kRcpt, s(300)},
      {ClientStage::kData, s(120)},     {ClientStage::kSendingData, s(180)},
      {ClientStage::kDataBody, s(600)}, {ClientStage::kRset, s(20)},
      {ClientStage::kQuit, s(0)},       {ClientStage::kIdle, nullopt},
      {ClientStage::kDone, nullopt},
  };
  for (const Row& row : rows) {
    INFO(static_cast<int>(row.stage));
    CHECK(timeout_for(postfix, row.stage) == row.limit);
  }
}

TEST_CASE("a session's stage picks its limit as it goes") {
  const ClientTimeouts& exim = client_timeouts(MtaFamily::kExim);
  ClientSession client({.helo_name = "relay.example"}, {"a@s", {"b@d"}}, "Subject: x\r\n\r\nx\r\n");
  CHECK(timeout_for(exim, client.stage()) == s(300));
  client.receive("220 mx\r\n250 mx\r\n250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n");
  CHECK(timeout_for(exim, client.stage()) == s(300));  // sending the data
  client.take_output();
  CHECK(timeout_for(exim, client.stage()) == s(600));  // waiting for the reply to "."
}

}  // namespace
}  // namespace mailsim::smtp
