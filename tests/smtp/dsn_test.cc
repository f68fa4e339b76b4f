// RFC 3464 bounces and delay warnings, field by field. dsn_structure_test.py checks the
// same messages with Python's email package.
#include "mailsim/smtp/dsn.h"

#include <memory>
#include <string>

#include "mailsim/smtp/headers.h"
#include "support/catch.h"

namespace mailsim::smtp {
namespace {

constexpr std::int64_t kArrival = 1795903261;  // Sat, 28 Nov 2026 22:01:01 +0000
constexpr std::int64_t kNow = kArrival + std::int64_t{5} * 3600;

const std::string kOriginal =
    "Received: from laptop.src.example (laptop.src.example [10.0.0.7])\r\n"
    "\tby relay.src.example (mailsim) with ESMTPA id 4F3A2B;\r\n"
    "\tSat, 28 Nov 2026 22:01:01 +0000\r\n"
    "From: a@src.example\r\n"
    "To: b@dest.example\r\n"
    "Subject: lunch\r\n"
    "Message-ID: <1@src.example>\r\n"
    "\r\n"
    "See you at noon.\r\n";

DsnRecipient user_unknown() {
  DsnRecipient r;
  r.address = "b@dest.example";
  r.orcpt = "rfc822;b@dest.example";
  r.action = DsnAction::kFailed;
  r.reply = make_reply(550, "5.1.1", "<b@dest.example>: Recipient address rejected: User unknown");
  r.remote_mta = "mx.dest.example";
  r.last_attempt = kNow;
  return r;
}

DsnReport bounce() {
  DsnReport report;
  report.kind = DsnKind::kBounce;
  report.reporting_mta = "relay.src.example";
  report.queue_id = "4F3A2B";
  report.message_id = "<20261129030101.9@relay.src.example>";
  report.date = kNow;
  report.arrival = kArrival;
  report.envelope = {"a@src.example", {"b@dest.example"}};
  report.envelope.envid = "QQ314159";
  report.original = std::make_shared<const Message>(kOriginal);
  report.recipients = {user_unknown()};
  return report;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_CASE("a bounce is addressed from MAILER-DAEMON to the sender, as Postfix's") {
  const std::string dsn = build_dsn(bounce());
  CHECK(
      dsn.starts_with("Date: Sun, 29 Nov 2026 03:01:01 +0000\r\n"
                      "From: Mail Delivery System <MAILER-DAEMON@relay.src.example>\r\n"
                      "To: a@src.example\r\n"
                      "Subject: Undelivered Mail Returned to Sender\r\n"
                      "Message-ID: <20261129030101.9@relay.src.example>\r\n"
                      "Auto-Submitted: auto-replied\r\n"
                      "MIME-Version: 1.0\r\n"
                      "Content-Type: multipart/report; report-type=delivery-status;\r\n"
                      "\tboundary=\"4F3A2B.1795921261/relay.src.example\"\r\n"
                      "Content-Transfer-Encoding: 7bit\r\n"
                      "\r\n"
                      "This is a MIME-encapsulated message.\r\n"));
  CHECK(dsn.ends_with("\r\n--4F3A2B.1795921261/relay.src.example--\r\n"));
}

TEST_CASE("the delivery report has the per-message fields, then one block per recipient") {
  CHECK(
      contains(build_dsn(bounce()),
               "Content-Description: Delivery report\r\n"
               "Content-Type: message/delivery-status\r\n"
               "\r\n"
               "Reporting-MTA: dns; relay.src.example\r\n"
               "Original-Envelope-Id: QQ314159\r\n"
               "Arrival-Date: Sat, 28 Nov 2026 22:01:01 +0000\r\n"
               "\r\n"
               "Final-Recipient: rfc822; b@dest.example\r\n"
               "Original-Recipient: rfc822;b@dest.example\r\n"
               "Action: failed\r\n"
               "Status: 5.1.1\r\n"
               "Remote-MTA: dns; mx.dest.example\r\n"
               "Diagnostic-Code: smtp; 550 5.1.1 <b@dest.example>: Recipient address rejected:\r\n"
               "    User unknown\r\n"
               "Last-Attempt-Date: Sun, 29 Nov 2026 03:01:01 +0000\r\n"
               "\r\n--"));
}

TEST_CASE("optional fields are left out when there is nothing to say") {
  DsnReport report = bounce();
  report.envelope.envid.clear();
  DsnRecipient& r = report.recipients[0];
  r.orcpt.clear();
  r.last_attempt = 0;
  const std::string dsn = build_dsn(report);
  CHECK_FALSE(contains(dsn, "Original-Envelope-Id:"));
  CHECK_FALSE(contains(dsn, "Original-Recipient:"));
  CHECK_FALSE(contains(dsn, "Last-Attempt-Date:"));
  CHECK_FALSE(contains(dsn, "Will-Retry-Until:"));
}

TEST_CASE("a failure of this MTA's own has no Remote-MTA and an X-mailsim diagnostic") {
  struct Row {
    Reply reply;
    std::string status;
    std::string diagnostic;
  };
  const Row rows[] = {
      {make_reply(451, "4.4.1", "connect to mx.dest.example:25: Connection refused"), "4.4.1",
       "Diagnostic-Code: X-mailsim; connect to mx.dest.example:25: Connection refused\r\n"},
      {make_reply(554, "", "mail for dest.example loops back to myself"), "5.0.0",
       "Diagnostic-Code: X-mailsim; mail for dest.example loops back to myself\r\n"},
  };
  for (const Row& row : rows) {
    DsnReport report = bounce();
    report.recipients[0].reply = row.reply;
    report.recipients[0].remote_mta.clear();
    const std::string dsn = build_dsn(report);
    CHECK(contains(dsn, "Status: " + row.status + "\r\n"));
    CHECK(contains(dsn, row.diagnostic));
    CHECK_FALSE(contains(dsn, "Remote-MTA:"));
  }
}

TEST_CASE("the notification tells people what happened, wrapped like Postfix's") {
  const std::string dsn = build_dsn(bounce());
  CHECK(contains(dsn,
                 "Content-Description: Notification\r\n"
                 "Content-Type: text/plain; charset=us-ascii\r\n"
                 "\r\n"
                 "This is the mail system at host relay.src.example.\r\n"));
  CHECK(contains(dsn,
                 "\r\n<b@dest.example>: host mx.dest.example said: 550 5.1.1 <b@dest.example>:\r\n"
                 "    Recipient address rejected: User unknown\r\n"));
}

TEST_CASE("what a DSN returns of the original depends on its kind, RET and size") {
  struct Row {
    const char* when;
    DsnKind kind;
    DsnReturn ret;
    std::int64_t return_limit;
    bool whole;
  };
  const Row rows[] = {
      {"bounce, RET unspecified", DsnKind::kBounce, DsnReturn::kUnspecified, 50000, true},
      {"bounce, RET=FULL", DsnKind::kBounce, DsnReturn::kFull, 50000, true},
      {"bounce, RET=HDRS", DsnKind::kBounce, DsnReturn::kHeaders, 50000, false},
      {"bounce over the size limit", DsnKind::kBounce, DsnReturn::kFull, 100, false},
      {"bounce with no size limit", DsnKind::kBounce, DsnReturn::kFull, 0, true},
      {"delay warning, RET=FULL", DsnKind::kDelayWarning, DsnReturn::kFull, 50000, false},
  };
  for (const Row& row : rows) {
    INFO(row.when);
    DsnReport report = bounce();
    report.kind = row.kind;
    report.envelope.ret = row.ret;
    report.return_limit = row.return_limit;
    const std::string dsn = build_dsn(report);
    const std::string boundary_end = "\r\n--4F3A2B.1795921261/relay.src.example--\r\n";
    if (row.whole) {
      CHECK(dsn.ends_with(
          "Content-Description: Undelivered Message\r\nContent-Type: message/rfc822\r\n\r\n" +
          kOriginal + boundary_end));
    } else {
      CHECK(
          dsn.ends_with("Content-Description: Undelivered Message Headers\r\n"
                        "Content-Type: text/rfc822-headers\r\n\r\n" +
                        std::string(split_message(kOriginal).header) + boundary_end));
    }
  }
}

TEST_CASE("a delay warning says delayed, until when, and how long it has been") {
  DsnReport report = bounce();
  report.kind = DsnKind::kDelayWarning;
  DsnRecipient& r = report.recipients[0];
  r.action = DsnAction::kDelayed;
  r.reply = make_reply(450, "4.2.0", "<b@dest.example>: Recipient address rejected: Greylisted");
  r.will_retry_until = kArrival + std::int64_t{5} * 86400;
  const std::string dsn = build_dsn(report);
  CHECK(contains(dsn, "\r\nSubject: Delayed Mail (still being retried)\r\n"));
  CHECK(contains(dsn, "Action: delayed\r\nStatus: 4.2.0\r\n"));
  CHECK(contains(dsn, "Will-Retry-Until: Thu, 03 Dec 2026 22:01:01 +0000\r\n"));
  CHECK(contains(dsn,
                 "Your message has waited 5 hour(s) without being delivered.\r\n"
                 "The mail system will keep trying until Thu, 03 Dec 2026 22:01:01 +0000.\r\n"));
  CHECK(contains(dsn, "\r\nThis is a warning only"));
}

TEST_CASE("an 8-bit original is returned as 8bit") {
  DsnReport report = bounce();
  report.original = std::make_shared<const Message>("Subject: caf\xc3\xa9\r\n\r\nol\xc3\xa9\r\n");
  const std::string dsn = build_dsn(report);
  CHECK(contains(dsn, "\r\nContent-Transfer-Encoding: 8bit\r\n\r\nThis is a MIME"));
  CHECK(contains(dsn, "Content-Type: message/rfc822\r\nContent-Transfer-Encoding: 8bit\r\n"));
}

TEST_CASE("the boundary changes when the returned content holds it") {
  DsnReport report = bounce();
  report.original = std::make_shared<const Message>(
      "Subject: tricky\r\n\r\n--4F3A2B.1795921261/relay.src.example\r\n");
  CHECK(contains(build_dsn(report), "boundary=\"4F3A2B.1795921261/relay.src.example=\""));
}

TEST_CASE("a synthetic original within the limit is returned whole") {
  DsnReport report = bounce();
  report.original =
      std::make_shared<const Message>("Subject: filler\r\n", MessageBody::synthetic(2000, 4));
  CHECK(contains(build_dsn(report), report.original->text()));
}

}  // namespace
}  // namespace mailsim::smtp
