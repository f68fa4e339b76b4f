// The queue schedulers that turn a due time into an attempt (reference §1, "Scheduler
// granularity" column).
#include "mailsim/mta/retry.h"
#include "support/catch.h"

using mailsim::Duration;
using mailsim::Time;
using namespace mailsim::mta;

namespace {
Time at_s(double s) { return Time::zero() + Duration::from_seconds(s); }
}  // namespace

TEST_CASE("a postfix scan picks a message due within one second after it") {
  // Scans at multiples of 300 s; picked when next <= scan + 1.
  const QueueScheduler postfix = queue_scheduler(PostfixRetry{});
  CHECK(postfix.pick_after(Time::zero(), at_s(10), at_s(600)) == at_s(600));
  CHECK(postfix.pick_after(Time::zero(), at_s(10), at_s(601)) == at_s(600));
  CHECK(postfix.pick_after(Time::zero(), at_s(10), at_s(601.5)) == at_s(900));
}

TEST_CASE("a scan at the failure's instant has passed the message by") {
  // sendmail tries everything at every run; a job failing during the run at 1800 s waits
  // for the next one even though it is due at once.
  const QueueScheduler sendmail = queue_scheduler(SendmailRetry{});
  CHECK(sendmail.pick_after(Time::zero(), at_s(1800), at_s(1800)) == at_s(3600));
  CHECK(sendmail.pick_after(Time::zero(), at_s(1830), at_s(1800)) == at_s(3600));
}

TEST_CASE("periodic scans count from the MTA's last start, which scans at once") {
  // An MTA restarted at 1000 s: Exim's runs at 1000, 2800, 4600, ...
  const QueueScheduler exim = queue_scheduler(EximRetry{});
  CHECK(exim.pick_at_start(at_s(1000), at_s(500)) == at_s(1000));
  CHECK(exim.pick_at_start(at_s(1000), at_s(1001)) == at_s(2800));
  CHECK(exim.pick_after(at_s(1000), at_s(2800), at_s(2900)) == at_s(4600));
}

TEST_CASE("continuous schedulers attempt at the due time, or at once when it has passed") {
  const QueueScheduler qmail = queue_scheduler(QmailRetry{});
  CHECK(qmail.period == Duration{});
  CHECK(qmail.pick_after(Time::zero(), at_s(30), at_s(400)) == at_s(400));
  CHECK(qmail.pick_after(Time::zero(), at_s(500), at_s(400)) == at_s(500));
}

TEST_CASE("the deadline wins over a later pick") {
  // OpenSMTPD's queue ttl: 4 d after arrival, with or without an attempt.
  const Time deadline = at_s(4 * 86400);
  CHECK(next_look(OpenSmtpdRetry{}, Time::zero(), Time::zero(), at_s(336400), at_s(360000),
                  false) == deadline);
}
