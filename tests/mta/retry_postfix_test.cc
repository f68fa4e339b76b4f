// The Postfix preset against reference §1, Postfix row (qmgr_active.c).
#include <vector>

#include "mta/always_failing.h"
#include "support/catch.h"

using mailsim::Duration;
using mailsim::Time;
using namespace mailsim::mta;

namespace {
Time at_s(std::int64_t s) { return Time::zero() + Duration::seconds(s); }
}  // namespace

TEST_CASE("postfix: the first 15 attempts to a failing destination follow the message's age") {
  // Arrival 0; every attempt fails the instant it starts. After a failure the next time is
  // now + clamp(age, 300 s, 4000 s); the deferred queue is scanned at multiples of 300 s
  // and a scan picks the message when next <= scan + 1 s.
  //   fails at   age   gap                next    first scan with next <= scan + 1
  //          0      0   300 (minimum)       300    300
  //        300    300   300                 600    600
  //        600    600   600                1200   1200
  //       1200   1200  1200                2400   2400
  //       2400   2400  2400                4800   4800
  //       4800   4800  4000 (maximum)      8800   9000  (8700 + 1 < 8800)
  //       9000   9000  4000               13000  13200  (12900 + 1 < 13000)
  //      13200         4000               17200  17400  (17100 + 1 < 17200)
  // and so on, 4200 s apart: 4000 s rounded up to the 300 s scans.
  const FailingRun run = always_failing(PostfixRetry{});
  CHECK(first(run, 15) == std::vector<std::int64_t>{0, 300, 600, 1200, 2400, 4800, 9000, 13200,
                                                    17400, 21600, 25800, 30000, 34200, 38400,
                                                    42600});
}

TEST_CASE("postfix: a message expires after the first attempt at least 5 days after arrival") {
  // Checked after each attempt: now >= arrival + maximal_queue_lifetime (432000 s).
  // Attempts fall at 9000 + 4200 k; 9000 + 4200 k >= 432000 first for k = 101: 433200 s.
  // The one before, at 429000 s, was still inside the lifetime.
  const FailingRun run = always_failing(PostfixRetry{});
  CHECK(run.gave_up == at_s(433200));
  REQUIRE(run.attempts.size() >= 2);
  CHECK(run.attempts[run.attempts.size() - 2] == 429000);
}

TEST_CASE("postfix: no delay warning unless delay_warning_time is set, then exactly one") {
  CHECK(always_failing(PostfixRetry{}).warnings.empty());
  // delay_warning_time 4h: due once now >= arrival + 14400 - 1 s (qmgr's one-second slack).
  // The attempts around it are at 13200 and 17400 s: the warning goes after the latter.
  PostfixRetry law;
  law.delay_warning_time = Duration::hours(4);
  CHECK(always_failing(law).warnings == std::vector<std::int64_t>{17400});
}

TEST_CASE("postfix: a longer attempt counts the age at its end") {
  // Each attempt takes 30 s (a connect timeout). Fails at 30: age 30 -> gap 300 -> next 330,
  // scan 600. Fails at 630: age 630 -> next 1260, scan 1500 (1200 + 1 < 1260). Fails at
  // 1530 -> next 3060, scan 3300. Fails at 3330 -> next 6660, scan 6900.
  const FailingRun run = always_failing(PostfixRetry{}, Duration::seconds(30));
  CHECK(first(run, 5) == std::vector<std::int64_t>{0, 600, 1500, 3300, 6900});
}

TEST_CASE("postfix: overridden backoff times and scan interval") {
  // minimal 60 s, maximal 10 min, scans every 60 s: gaps 60, 60, 120, 240, 480, 600, 600.
  PostfixRetry law;
  law.minimal_backoff_time = Duration::seconds(60);
  law.maximal_backoff_time = Duration::minutes(10);
  law.queue_run_delay = Duration::seconds(60);
  CHECK(first(always_failing(law), 8) ==
        std::vector<std::int64_t>{0, 60, 120, 240, 480, 960, 1560, 2160});
}
