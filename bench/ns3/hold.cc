// mailsim-ns3-hold SIZE WARMUP EVENTS: the hold model of mailsim/bench/hold_model.h on
// ns-3's default scheduler (MapScheduler in ns-3 3.37), the peer that `mailsim bench
// engine` measures mailsim against. Prints one hold line on stdout.
//
// Only the scheduler differs from mailsim's side: the delays come from the same
// mailsim::bench::HoldDelays (drawn before timing), so both engines see the same event
// times and neither pays for random numbers in the timed loop. Events are scheduled the idiomatic
// ns-3 way, Simulator::Schedule(delay, &method, object), which allocates one EventImpl each.
#include <ns3/global-value.h>
#include <ns3/nstime.h>
#include <ns3/simulator.h>
#include <ns3/type-id.h>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "mailsim/bench/hold_model.h"

namespace {

using mailsim::bench::HoldPlan;
using mailsim::bench::HoldResult;

class Ns3Hold {
 public:
  void schedule_one() {
    ns3::Simulator::Schedule(ns3::NanoSeconds(delays_.next().ns()), &Ns3Hold::fire, this);
  }
  void stop_after(std::uint64_t n) { stop_after_ = n; }
  std::uint64_t fired() const { return fired_; }

 private:
  void fire() {
    if (++fired_ == stop_after_) {
      ns3::Simulator::Stop();
    }
    schedule_one();
  }

  mailsim::bench::HoldDelays delays_;
  std::uint64_t fired_ = 0;
  std::uint64_t stop_after_ = 0;
};

std::string scheduler_name() {
  ns3::TypeIdValue type;
  ns3::GlobalValue::GetValueByName("SchedulerType", type);
  return type.Get().GetName();
}

bool parse_count(std::string_view text, std::uint64_t& value) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

int main(int argc, char** argv) {
  HoldPlan plan;
  std::uint64_t size = 0;
  if (argc != 4 || !parse_count(argv[1], size) || !parse_count(argv[2], plan.warmup_events) ||
      !parse_count(argv[3], plan.timed_events) || size == 0 || plan.timed_events == 0) {
    std::fprintf(stderr, "usage: %s SIZE WARMUP EVENTS (SIZE, EVENTS > 0)\n", argv[0]);
    return 2;
  }
  plan.size = size;

  Ns3Hold hold;
  for (std::uint64_t i = 0; i < size; ++i) {
    hold.schedule_one();
  }
  if (plan.warmup_events > 0) {
    hold.stop_after(plan.warmup_events);
    ns3::Simulator::Run();
  }

  const std::uint64_t total = plan.warmup_events + plan.timed_events;
  hold.stop_after(total);
  const auto start = std::chrono::steady_clock::now();
  ns3::Simulator::Run();
  const auto stop = std::chrono::steady_clock::now();
  if (hold.fired() != total) {
    std::fprintf(stderr, "%s: ran %llu events, expected %llu\n", argv[0],
                 static_cast<unsigned long long>(hold.fired()),
                 static_cast<unsigned long long>(total));
    return 1;
  }
  const HoldResult result{plan.timed_events, std::chrono::duration<double>(stop - start).count()};
  std::printf("%s\n",
              mailsim::bench::format_hold_line("ns-3", scheduler_name(), plan, result).c_str());
  ns3::Simulator::Destroy();
  return 0;
}
