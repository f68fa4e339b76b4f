// The OpenSMTPD preset against reference §1, OpenSMTPD row (scheduler_ramqueue.c).
#include <vector>

#include "mta/always_failing.h"
#include "support/catch.h"

using mailsim::Duration;
using mailsim::Time;
using namespace mailsim::mta;

TEST_CASE("opensmtpd: relay attempts at ctime + 400 k^2 with k the retry count") {
  // After the k-th failure, next = ctime + 400 k^2 (k raised while that is not in the
  // future; with instant failures it never needs raising): 0, 400, 1600, 3600, ...
  const FailingRun run = always_failing(OpenSmtpdRetry{});
  CHECK(first(run, 15) == std::vector<std::int64_t>{0, 400, 1600, 3600, 6400, 10000, 14400, 19600,
                                                    25600, 32400, 40000, 48400, 57600, 67600,
                                                    78400});
}

TEST_CASE("opensmtpd: the envelope bounces at exactly ctime + 4 d, without an attempt") {
  // 400 k^2 < 345600 up to k = 29 (336400 s); the next, k = 30, would be 360000 s, after
  // the ttl, so the scheduler expires the envelope at 345600 s.
  const FailingRun run = always_failing(OpenSmtpdRetry{});
  CHECK(run.attempts.back() == 336400);
  CHECK(run.gave_up == Time::zero() + Duration::days(4));
}

TEST_CASE("opensmtpd: a late failure raises k until the next time is in the future") {
  // Attempts of 500 s: the first fails at 500 > 400, so k goes from 1 to 2: next 1600.
  // The second fails at 2100: k = 2 -> 1600 is past, 3 -> 3600.
  const FailingRun run = always_failing(OpenSmtpdRetry{}, Duration::seconds(500));
  CHECK(first(run, 4) == std::vector<std::int64_t>{0, 1600, 3600, 6400});
}

TEST_CASE("opensmtpd: one delay warning at 4 hours") {
  // Due at 14400 s; the attempt at 14400 s notices it.
  CHECK(always_failing(OpenSmtpdRetry{}).warnings == std::vector<std::int64_t>{14400});
}
