// The hold model, the classic benchmark of event queues (Vaucher and Duval, 1975): `size`
// events are pending; each handler, when it runs, schedules one successor an exponential
// delay later, so the queue stays at `size`. One run builds the queue, runs `warmup_events`
// untimed, then times `timed_events` on a steady clock. Every engine under comparison
// (mailsim here, ns-3 in bench/ns3/hold.cc) takes its delays from the same HoldDelays, so
// both see the same event times and neither pays for random numbers in the timed loop:
// the event queue is what is measured.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailsim/core/time.h"

namespace mailsim::bench {

inline constexpr Duration kHoldMeanDelay = Duration::milliseconds(1);
inline constexpr std::uint64_t kHoldSeed = 1;
inline constexpr std::string_view kHoldStreamName = "bench:hold";

// A cycle of kHoldDelayCount exponential delays (mean kHoldMeanDelay) drawn in advance
// from mailsim::RandomStream(kHoldSeed, 0, kHoldStreamName). A draw costs about as much as
// a queue operation (log1p), so drawing inside the handler would hide the queue's cost.
inline constexpr std::size_t kHoldDelayCount = std::size_t{1} << 16;  // 512 KiB
class HoldDelays {
 public:
  HoldDelays();
  Duration next() {
    const Duration d = delays_[next_];
    next_ = (next_ + 1) & (kHoldDelayCount - 1);
    return d;
  }

 private:
  std::vector<Duration> delays_;
  std::size_t next_ = 0;
};

struct HoldPlan {
  std::size_t size = 10'000;
  std::uint64_t warmup_events = 0;
  std::uint64_t timed_events = 0;
};

// The plan `run_engine_bench` uses for a queue of `size`: 100,000 warm-up events (the
// delays are exponential, so the initial queue is already in its steady state and the
// warm-up only warms caches and allocators), then 5,000,000 timed events below a million
// pending (mailsim runs a million events at N = 100 in about 25 ms, short enough for one
// preemption to decide the best of three), and `size` from there on, so that a large
// queue turns over once while timed (ns-3 takes seconds per million events there).
HoldPlan default_hold_plan(std::size_t size);

struct HoldResult {
  std::uint64_t events = 0;  // timed events
  double seconds = 0;        // wall-clock time they took
  // The simulated time of the last event, in ns, when a peer's line gives it (sim_end_ns=);
  // else -1. Every engine that runs the same plan must end at the same time.
  std::int64_t sim_end_ns = -1;
  double events_per_second() const {
    return seconds > 0 ? static_cast<double>(events) / seconds : 0;
  }
};

// Runs the plan on a fresh mailsim::Simulator. REQUIRES: size > 0 and timed_events > 0
// (the queue never empties, so only the event count ends a run).
HoldResult run_mailsim_hold(const HoldPlan& plan);

// The one line a hold run prints, machine-readable as space-separated key=value pairs:
// "hold engine=ns-3 scheduler=ns3::MapScheduler size=100 warmup=100000 events=2000000
// seconds=0.1234 events_per_s=16207455". `engine` and `scheduler` must not contain spaces.
std::string format_hold_line(std::string_view engine, std::string_view scheduler,
                             const HoldPlan& plan, const HoldResult& result);
// Reads `events`, `seconds` and, when there, `sim_end_ns` back from such a line; nullopt
// when it is not one.
std::optional<HoldResult> parse_hold_line(std::string_view line);

}  // namespace mailsim::bench
