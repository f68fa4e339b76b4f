// What an MTA puts in its bounces and delay warnings (sim/mta/bounce.h): who hears of
// which recipient (RFC 3461 NOTIFY, never the null sender), each recipient's block, and
// the DSN message from the null sender to the original sender.
#include "mta/bounce.h"

#include <memory>
#include <string>
#include <vector>

#include "mailsim/smtp/headers.h"
#include "support/catch.h"

using mailsim::Duration;
using mailsim::Time;
using namespace mailsim::mta;
namespace smtp = mailsim::smtp;

namespace {

constexpr std::int64_t kEpoch = 1'767'254'400;  // Thu, 01 Jan 2026 08:00:00 +0000

Time at_s(std::int64_t s) { return Time::zero() + Duration::seconds(s); }

QueuedRecipient recipient(const std::string& address, std::uint8_t notify = 0) {
  QueuedRecipient r;
  r.address = address;
  r.options.notify = notify;
  return r;
}

// x@a.example's message to nobody@b.example, queued at 0 as 0000000001; b's MX answered
// 550 5.1.1 at 100 s.
QueueEntry refused_entry() {
  QueueEntry entry;
  entry.queue_id = "0000000001";
  entry.envelope.mail_from = "x@a.example";
  entry.message = std::make_shared<const smtp::Message>(
      "From: <x@a.example>\r\nMessage-ID: <1@a.example>\r\n\r\nThe body.\r\n");
  QueuedRecipient r = recipient("nobody@b.example");
  r.last_reply = smtp::make_reply(550, "5.1.1", "<nobody@b.example>: User unknown");
  r.remote_mta = "mail.b.example";
  r.last_attempt = at_s(100);
  entry.rcpts.push_back(r);
  return entry;
}

Notification bounce_of(const QueueEntry& entry) {
  std::vector<smtp::DsnRecipient> failed;
  for (const QueuedRecipient& r : entry.rcpts) {
    failed.push_back(dsn_recipient(r, smtp::DsnAction::kFailed, kEpoch));
  }
  return make_notification(smtp::DsnKind::kBounce, entry, std::move(failed),
                           {"mail.a.example", "0000000002", at_s(100), kEpoch});
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("a bounce goes from the null sender to the original sender") {
  const Notification n = bounce_of(refused_entry());
  CHECK(n.envelope.mail_from.empty());
  CHECK(n.envelope.rcpt_to == std::vector<std::string>{"x@a.example"});
  // Unique in the run: the date, the bounce's own queue id and the reporting host.
  CHECK(n.message_id == "1767254500.0000000002@mail.a.example");
  const std::string header(n.message->header());
  CHECK(smtp::header_value(header, "From") ==
        "Mail Delivery System <MAILER-DAEMON@mail.a.example>");
  CHECK(smtp::header_value(header, "To") == "x@a.example");
  CHECK(smtp::header_value(header, "Message-ID") == "<" + n.message_id + ">");
  CHECK(smtp::header_value(header, "Content-Type")
            ->starts_with("multipart/report; report-type=delivery-status;"));
}

TEST_CASE("a recipient refused by the next hop is reported with that host and its reply") {
  const std::string text = bounce_of(refused_entry()).message->text();
  CHECK(contains(text, "Reporting-MTA: dns; mail.a.example\r\n"));
  CHECK(contains(text, "Arrival-Date: Thu, 01 Jan 2026 08:00:00 +0000\r\n"));
  CHECK(contains(text,
                 "Final-Recipient: rfc822; nobody@b.example\r\n"
                 "Action: failed\r\n"
                 "Status: 5.1.1\r\n"
                 "Remote-MTA: dns; mail.b.example\r\n"
                 "Diagnostic-Code: smtp; 550 5.1.1 <nobody@b.example>: User unknown\r\n"
                 "Last-Attempt-Date: Thu, 01 Jan 2026 08:01:40 +0000\r\n"));
  // Without RET the whole original comes back.
  CHECK(contains(text, "Content-Type: message/rfc822\r\n\r\nFrom: <x@a.example>\r\n"));
  CHECK(contains(text, "The body.\r\n"));
}

TEST_CASE("a failure of the reporting MTA's own has no Remote-MTA") {
  QueueEntry entry = refused_entry();
  entry.rcpts[0].remote_mta.clear();
  entry.rcpts[0].last_reply =
      smtp::make_reply(550, "5.4.4", "Host or domain name not found for name=b.example");
  const std::string text = bounce_of(entry).message->text();
  CHECK_FALSE(contains(text, "Remote-MTA:"));
  CHECK(contains(text,
                 "Status: 5.4.4\r\n"
                 "Diagnostic-Code: X-mailsim; Host or domain name not found for "
                 "name=b.example\r\n"));
}

TEST_CASE("a recipient that expired without any reply is reported as delivery time expired") {
  QueuedRecipient r = recipient("bob@b.example");
  const smtp::DsnRecipient d = dsn_recipient(r, smtp::DsnAction::kFailed, kEpoch);
  CHECK(d.reply.code == 451);
  CHECK(d.reply.enhanced == "4.4.7");
  CHECK(d.remote_mta.empty());
  CHECK(d.last_attempt == 0);  // never tried: no Last-Attempt-Date
}

TEST_CASE("RET=HDRS gets only the original's header back") {
  QueueEntry entry = refused_entry();
  entry.envelope.ret = smtp::DsnReturn::kHeaders;
  const std::string text = bounce_of(entry).message->text();
  CHECK(contains(text, "Content-Type: text/rfc822-headers\r\n\r\nFrom: <x@a.example>\r\n"));
  CHECK_FALSE(contains(text, "The body."));
}

TEST_CASE("NOTIFY says which notices a recipient's sender gets") {
  QueueEntry entry = refused_entry();
  struct Row {
    std::uint8_t notify;
    bool failure, delay, success;
  };
  // RFC 3461 4.1: no NOTIFY means FAILURE,DELAY; NEVER means none.
  const Row rows[] = {
      {0, true, true, false},
      {smtp::kNotifyNever, false, false, false},
      {smtp::kNotifySuccess, false, false, true},
      {smtp::kNotifyFailure, true, false, false},
      {smtp::kNotifyDelay, false, true, false},
      {smtp::kNotifyFailure | smtp::kNotifyDelay, true, true, false},
  };
  for (const Row& row : rows) {
    INFO("notify " << int{row.notify});
    const QueuedRecipient r = recipient("bob@b.example", row.notify);
    CHECK(wants_dsn(entry, r, smtp::kNotifyFailure) == row.failure);
    CHECK(wants_dsn(entry, r, smtp::kNotifyDelay) == row.delay);
    CHECK(wants_dsn(entry, r, smtp::kNotifySuccess) == row.success);
  }
}

TEST_CASE("a bounce is never bounced: the null sender hears of nothing") {
  QueueEntry bounce = refused_entry();
  bounce.envelope.mail_from.clear();
  CHECK_FALSE(wants_dsn(bounce, bounce.rcpts[0], smtp::kNotifyFailure));
  CHECK_FALSE(wants_dsn(bounce, bounce.rcpts[0], smtp::kNotifyDelay));
  bounce.rcpts[0].done = false;
  CHECK(delayed_recipients(bounce, at_s(432000), kEpoch).empty());
}

TEST_CASE("a delay warning lists the recipients still queued that asked for delay notices") {
  QueueEntry entry = refused_entry();
  entry.rcpts.clear();
  QueuedRecipient done = recipient("done@b.example");
  done.done = true;
  QueuedRecipient waiting = recipient("bob@b.example");
  waiting.last_reply =
      smtp::make_reply(451, "4.4.1", "connect to mail.b.example:25: Connection timed out");
  waiting.last_attempt = at_s(14400);
  entry.rcpts = {done, recipient("quiet@b.example", smtp::kNotifyFailure), waiting};
  const std::vector<smtp::DsnRecipient> delayed = delayed_recipients(entry, at_s(432000), kEpoch);
  REQUIRE(delayed.size() == 1);
  CHECK(delayed[0].address == "bob@b.example");
  CHECK(delayed[0].action == smtp::DsnAction::kDelayed);
  CHECK(delayed[0].will_retry_until == kEpoch + 432000);

  const Notification n = make_notification(smtp::DsnKind::kDelayWarning, entry, delayed,
                                           {"mail.a.example", "0000000003", at_s(14400), kEpoch});
  const std::string text = n.message->text();
  CHECK(smtp::header_value(n.message->header(), "Subject") == "Delayed Mail (still being retried)");
  CHECK(contains(text, "Action: delayed\r\nStatus: 4.4.1\r\n"));
  CHECK(contains(text, "Will-Retry-Until: Tue, 06 Jan 2026 08:00:00 +0000\r\n"));
  CHECK(contains(text, "Content-Type: text/rfc822-headers\r\n"));  // a warning: headers only
}

TEST_CASE("no Will-Retry-Until when the law never gives up on its own") {
  QueueEntry entry = refused_entry();
  entry.rcpts[0].last_reply = smtp::make_reply(451, "4.4.1", "timed out");
  const std::vector<smtp::DsnRecipient> delayed = delayed_recipients(entry, Time::max(), kEpoch);
  REQUIRE(delayed.size() == 1);
  CHECK(delayed[0].will_retry_until == 0);
}
