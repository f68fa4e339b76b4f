#include "mailsim/bench/hold_model.h"

#include <cmath>

#include "support/catch.h"

using namespace mailsim::bench;

TEST_CASE("the hold model's delays are exponential with the stated mean") {
  HoldDelays delays;
  double sum = 0;
  double sum2 = 0;
  for (std::size_t i = 0; i < kHoldDelayCount; ++i) {
    const double d = delays.next().seconds();
    sum += d;
    sum2 += d * d;
  }
  const double n = static_cast<double>(kHoldDelayCount);
  const double mean = sum / n;
  CHECK(mean == Approx(kHoldMeanDelay.seconds()).epsilon(0.02));
  CHECK(std::sqrt(sum2 / n - mean * mean) == Approx(mean).epsilon(0.03));  // sd = mean
}

TEST_CASE("a hold line prints and parses back") {
  const HoldPlan plan{10000, 100000, 1000000};
  const std::string line = format_hold_line("ns-3", "ns3::MapScheduler", plan, {1000000, 0.25});
  CHECK(line ==
        "hold engine=ns-3 scheduler=ns3::MapScheduler size=10000 warmup=100000 events=1000000 "
        "seconds=0.250000 events_per_s=4000000");
  const auto parsed = parse_hold_line(line);
  REQUIRE(parsed);
  CHECK(parsed->events == 1000000);
  CHECK(parsed->seconds == 0.25);
  CHECK_FALSE(parse_hold_line("something else"));
}
