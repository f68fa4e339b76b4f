#include "mailsim/bench/hold_model.h"

#include <cassert>
#include <charconv>
#include <chrono>
#include <iomanip>
#include <sstream>

#include "mailsim/core/random.h"
#include "mailsim/core/simulator.h"
#include "ns3_peer.h"

namespace mailsim::bench {

namespace {

// The population of the hold model on mailsim's engine. Each pending event is a
// `Successor`, one pointer, so it is stored inline in the simulator's slab.
class MailsimHold {
 public:
  explicit MailsimHold(Simulator& sim) : sim_(sim) {}

  void schedule_one() { sim_.schedule_in(delays_.next(), Successor{this}); }
  // Makes the next run() return after the handler that brings the count to `n`.
  void stop_after(std::uint64_t n) { stop_after_ = n; }
  std::uint64_t fired() const { return fired_; }

 private:
  struct Successor {
    MailsimHold* hold;
    void operator()() const { hold->fire(); }
  };

  void fire() {
    if (++fired_ == stop_after_) {
      sim_.stop();
    }
    schedule_one();
  }

  Simulator& sim_;
  HoldDelays delays_;
  std::uint64_t fired_ = 0;
  std::uint64_t stop_after_ = 0;
};

}  // namespace

HoldDelays::HoldDelays() {
  RandomStream rng(kHoldSeed, 0, kHoldStreamName);
  delays_.reserve(kHoldDelayCount);
  for (std::size_t i = 0; i < kHoldDelayCount; ++i) {
    delays_.push_back(rng.exponential(kHoldMeanDelay));
  }
}

HoldPlan default_hold_plan(std::size_t size) {
  constexpr std::size_t kLarge = 1'000'000;
  return HoldPlan{size, 100'000, size < kLarge ? 5'000'000 : std::uint64_t{size}};
}

HoldResult run_mailsim_hold(const HoldPlan& plan) {
  assert(plan.size > 0 && plan.timed_events > 0);
  Simulator sim;
  MailsimHold hold(sim);
  for (std::size_t i = 0; i < plan.size; ++i) {
    hold.schedule_one();
  }
  if (plan.warmup_events > 0) {
    hold.stop_after(plan.warmup_events);
    sim.run();
  }

  hold.stop_after(plan.warmup_events + plan.timed_events);
  const auto start = std::chrono::steady_clock::now();
  sim.run();
  const auto stop = std::chrono::steady_clock::now();
  assert(hold.fired() == plan.warmup_events + plan.timed_events);
  assert(sim.pending() == plan.size);
  return HoldResult{plan.timed_events, std::chrono::duration<double>(stop - start).count()};
}

std::string format_hold_line(std::string_view engine, std::string_view scheduler,
                             const HoldPlan& plan, const HoldResult& result) {
  std::ostringstream line;
  line << "hold engine=" << engine << " scheduler=" << scheduler << " size=" << plan.size
       << " warmup=" << plan.warmup_events << " events=" << result.events << std::fixed
       << std::setprecision(6) << " seconds=" << result.seconds << std::setprecision(0)
       << " events_per_s=" << result.events_per_second();
  return line.str();
}

std::optional<HoldResult> parse_hold_line(std::string_view line) {
  HoldResult result;
  if (!line.starts_with("hold ") || !parse_peer_field(line, "events", result.events) ||
      !parse_peer_field(line, "seconds", result.seconds)) {
    return std::nullopt;
  }
  parse_peer_field(line, "sim_end_ns", result.sim_end_ns);
  return result;
}

}  // namespace mailsim::bench
