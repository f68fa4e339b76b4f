// Custom laws (fixed, exponential, list) and the rfc5321 preset, which is a list.
#include <vector>

#include "mta/always_failing.h"
#include "support/catch.h"

using mailsim::Duration;
using mailsim::Time;
using namespace mailsim::mta;

namespace {
CustomRetry custom(decltype(CustomRetry::gaps) gaps) {
  CustomRetry law;
  law.gaps = std::move(gaps);
  return law;
}
Time at_s(std::int64_t s) { return Time::zero() + Duration::seconds(s); }
}  // namespace

TEST_CASE("rfc5321: two attempts in the first hour, then every 2 hours, for 5 days") {
  // Reference §1, RFC 5321 row, as read in retry_preset(): 30 min after the first
  // failure, then 2 h: 0, 1800, 9000, 16200, ... = 1800 + 7200 m.
  const FailingRun run = always_failing(*retry_preset("rfc5321"));
  CHECK(first(run, 15) == std::vector<std::int64_t>{0, 1800, 9000, 16200, 23400, 30600, 37800,
                                                    45000, 52200, 59400, 66600, 73800, 81000, 88200,
                                                    95400});
  // Given up after the first attempt at or past 5 d: 1800 + 7200 m >= 432000 for m = 60.
  CHECK(run.gave_up == at_s(433800));
  CHECK(run.warnings.empty());
}

TEST_CASE("custom fixed: one interval between attempts") {
  const FailingRun run = always_failing(custom(FixedGaps{Duration::minutes(30)}));
  CHECK(first(run, 15) == std::vector<std::int64_t>{0, 1800, 3600, 5400, 7200, 9000, 10800, 12600,
                                                    14400, 16200, 18000, 19800, 21600, 23400,
                                                    25200});
  CHECK(run.gave_up == at_s(432000));  // 240 * 1800: the attempt at 5 d is the last
}

TEST_CASE("custom exponential: gaps grow by the factor up to the maximum") {
  // 5m, factor 2, at most 4h: gaps 300, 600, 1200, 2400, 4800, 9600, then 14400 (not 19200).
  const FailingRun run =
      always_failing(custom(ExponentialGaps{Duration::minutes(5), 2000, Duration::hours(4)}));
  CHECK(first(run, 15) == std::vector<std::int64_t>{0, 300, 900, 2100, 4500, 9300, 18900, 33300,
                                                    47700, 62100, 76500, 90900, 105300, 119700,
                                                    134100});
  // 18900 + 14400 m >= 432000 first for m = 29.
  CHECK(run.gave_up == at_s(436500));
}

TEST_CASE("custom list: the gaps in order, the last one repeating") {
  // [2m, 5m, 10m, 1h]: 0, 120, 420, 1020, then every 3600 s.
  const FailingRun run = always_failing(custom(ListGaps{
      {Duration::minutes(2), Duration::minutes(5), Duration::minutes(10), Duration::hours(1)}}));
  CHECK(first(run, 15) == std::vector<std::int64_t>{0, 120, 420, 1020, 4620, 8220, 11820, 15420,
                                                    19020, 22620, 26220, 29820, 33420, 37020,
                                                    40620});
  CHECK(run.gave_up == at_s(433020));  // 1020 + 3600 m >= 432000 for m = 120
}

TEST_CASE("custom laws can wait for queue runs and warn once") {
  // Fixed 20 min with runs every 30 min: due 1200 after 0 -> run 1800, and so on.
  CustomRetry law = custom(FixedGaps{Duration::minutes(20)});
  law.queue_run_interval = Duration::minutes(30);
  law.delay_warning = Duration::hours(1);
  const FailingRun run = always_failing(law);
  CHECK(first(run, 4) == std::vector<std::int64_t>{0, 1800, 3600, 5400});
  CHECK(run.warnings == std::vector<std::int64_t>{3600});
}
