// The sendmail preset against reference §1, sendmail row (queue.c, envelope.c).
#include <vector>

#include "mta/always_failing.h"
#include "support/catch.h"

using mailsim::Duration;
using mailsim::Time;
using namespace mailsim::mta;

TEST_CASE("sendmail: a failing job is tried at every queue run") {
  // No backoff by default: the job fails at the run that tries it and is due at once, so
  // the next run (-q30m, every 1800 s from 0) tries it again: 1800 k.
  const FailingRun run = always_failing(SendmailRetry{});
  CHECK(first(run, 15) == std::vector<std::int64_t>{0, 1800, 3600, 5400, 7200, 9000, 10800, 12600,
                                                    14400, 16200, 18000, 19800, 21600, 23400,
                                                    25200});
}

TEST_CASE("sendmail: the job is returned after the attempt at Timeout.queuereturn") {
  // dropenvelope(): now >= ctime + 5 d (432000 s) after an attempt; 432000 = 240 runs, so
  // the run at exactly 432000 s is the last.
  const FailingRun run = always_failing(SendmailRetry{});
  CHECK(run.attempts.back() == 432000);
  CHECK(run.gave_up == Time::zero() + Duration::days(5));
}

TEST_CASE("sendmail: one delay warning at Timeout.queuewarn") {
  // now >= ctime + 4 h first after the run at 14400 s.
  CHECK(always_failing(SendmailRetry{}).warnings == std::vector<std::int64_t>{14400});
}

TEST_CASE("sendmail: MaxQueueAge doubles the gaps up to its value") {
  // gatherq(): too young while now - lasttry < min(lasttry - ctime, MaxQueueAge = 4 h).
  //   last try   delay                 due     run
  //          0   min(0, 4h) = 0          0     1800 (the next run)
  //       1800   1800                  3600    3600
  //       3600   3600                  7200    7200
  //       7200   7200                 14400   14400
  //      14400   14400 (= 4 h)        28800   28800, then every 4 h
  SendmailRetry law;
  law.max_queue_age = Duration::hours(4);
  CHECK(first(always_failing(law), 15) ==
        std::vector<std::int64_t>{0, 1800, 3600, 7200, 14400, 28800, 43200, 57600, 72000, 86400,
                                  100800, 115200, 129600, 144000, 158400});
}

TEST_CASE("sendmail: MinQueueAge skips jobs tried less than that ago") {
  // MinQueueAge 1 h: a job tried at t is too young at the run at t + 30 min.
  SendmailRetry law;
  law.min_queue_age = Duration::hours(1);
  CHECK(first(always_failing(law), 4) == std::vector<std::int64_t>{0, 3600, 7200, 10800});
}
