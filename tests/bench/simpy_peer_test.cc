// The SimPy peer runs the same hold model as mailsim: with the same delay cycle, its last
// event falls at the same simulated time as in a reference hold model on a binary heap.
// (Which of two events at the same time takes the next delay cannot change the pending
// times, since the events are interchangeable, so the end time depends on nothing else.)
#include "bench/simpy_peer.h"

#include <functional>
#include <queue>
#include <vector>

#include "support/catch.h"

using namespace mailsim::bench;

namespace {

std::int64_t reference_end_ns(const HoldPlan& plan) {
  HoldDelays delays;
  std::priority_queue<std::int64_t, std::vector<std::int64_t>, std::greater<>> pending;
  for (std::size_t i = 0; i < plan.size; ++i) pending.push(delays.next().ns());
  std::int64_t now = 0;
  for (std::uint64_t i = 0; i < plan.warmup_events + plan.timed_events; ++i) {
    now = pending.top();
    pending.pop();
    pending.push(now + delays.next().ns());
  }
  return now;
}

}  // namespace

TEST_CASE("the SimPy peer's hold model ends at the reference's simulated time") {
  std::string why;
  const auto script = find_simpy_hold_script(why);
  INFO(why);
  REQUIRE(script);
  for (const HoldPlan plan :
       {HoldPlan{1, 0, 10}, HoldPlan{100, 1000, 5000}, HoldPlan{3000, 0, 70000}}) {
    CAPTURE(plan.size, plan.warmup_events, plan.timed_events);
    std::string error;
    const auto result = run_simpy_hold(*script, plan, error);
    INFO(error);
    REQUIRE(result);
    CHECK(result->events == plan.timed_events);
    CHECK(result->sim_end_ns == reference_end_ns(plan));
  }
}
