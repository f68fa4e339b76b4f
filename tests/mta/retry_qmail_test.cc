// The qmail preset against reference §1, qmail row (qmail-send.c nextretry, pass_dochan).
#include <vector>

#include "mta/always_failing.h"
#include "support/catch.h"

using mailsim::Duration;
using mailsim::Time;
using namespace mailsim::mta;

TEST_CASE("qmail: remote attempts fall at ages 400 k^2 seconds") {
  // next = birth + (floor(sqrt(age)) + 20)^2, age taken when the attempt starts:
  //   age 0 -> (0 + 20)^2 = 400; age 400 -> (20 + 20)^2 = 1600; age 1600 -> 60^2 = 3600;
  //   age 400 k^2 -> (20 k + 20)^2 = 400 (k + 1)^2. Continuous: attempts at the due times.
  const FailingRun run = always_failing(QmailRetry{});
  CHECK(first(run, 15) == std::vector<std::int64_t>{0, 400, 1600, 3600, 6400, 10000, 14400, 19600,
                                                    25600, 32400, 40000, 48400, 57600, 67600,
                                                    78400});
}

TEST_CASE("qmail: after queuelifetime one last try turns a temporary failure permanent") {
  // Dying when the attempt starts more than 7 d (604800 s) after birth: 400 k^2 > 604800
  // first for k = 39 (k^2 = 1521 > 1512): the attempt at 608400 s is the last. The one
  // before, k = 38, started at 577600 s.
  const FailingRun run = always_failing(QmailRetry{});
  REQUIRE(run.attempts.size() == 40);
  CHECK(run.attempts[38] == 577600);
  CHECK(run.attempts[39] == 608400);
  CHECK(run.gave_up == Time::zero() + Duration::seconds(608400));
}

TEST_CASE("qmail: the schedule counts from the attempts' starts, not their ends") {
  // Attempts of 30 s change nothing but the end of the last one.
  const FailingRun run = always_failing(QmailRetry{}, Duration::seconds(30));
  CHECK(first(run, 5) == std::vector<std::int64_t>{0, 400, 1600, 3600, 6400});
  CHECK(run.gave_up == Time::zero() + Duration::seconds(608430));
}

TEST_CASE("qmail: no delay warnings") { CHECK(always_failing(QmailRetry{}).warnings.empty()); }
