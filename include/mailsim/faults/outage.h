// Things going wrong over time: a host down, a link cut, an MTA's service stopped, the DNS
// resolver failing, an MTA answering a command with a degraded reply. A fault is down over windows:
// once (a start and a duration), repeating (every period, a number of times or until the end of the
// run), or at random (up and down times drawn from exponential distributions with means MTBF and
// MTTR, from the fault's own named random stream). The faults layer only schedules the changes; the
// world says what "down" means for each target.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "mailsim/core/random.h"
#include "mailsim/core/simulator.h"

namespace mailsim::faults {

enum class OutageKind { kHostDown, kLinkDown, kMtaDown, kDnsDown, kDegradedReply };

inline constexpr int kUntilEnd = 0;  // Outage::count: no limit but the end of the run

struct Outage {
  OutageKind kind = OutageKind::kHostDown;
  std::string target;  // a host, an MTA, a link as "a--b", or "dns" for the resolver
  Time start;          // the first window's start; for random faults when the clock starts
  Duration duration;   // each window's length (not for random faults)
  Duration every;      // zero: once; else a window starts every this from `start`
  int count = 1;       // windows in all, or kUntilEnd
  Duration mtbf;       // > 0: random: mean up time before each failure
  Duration mttr;       // random: mean down time of each failure
  // kDegradedReply: which of the target MTA's degraded replies (MtaConfig::receive.degraded)
  // is in force during the windows.
  std::size_t degraded_reply = 0;
};

// "host_down", "link_down", "mta_down", "dns_down", "degraded_reply"
const char* to_string(OutageKind kind);

struct Window {
  Time start;
  Time end;
};

// The windows of one outage in time order. A random outage's first failure comes after
// an up time drawn from `rng` from `start`, each failure lasts a drawn down time, and the
// next up time counts from its end.
class WindowSequence {
 public:
  WindowSequence(const Outage& outage, RandomStream rng);
  // The next window, or nothing when the outage has no more.
  std::optional<Window> next();

 private:
  const Outage* outage_;
  RandomStream rng_;
  int produced_ = 0;
  Time up_since_;  // random: when the last window ended
};

// The name of outage i's random stream: "fault:KIND:TARGET", with "#n" added for the
// n-th (n >= 2) outage of the same kind and target, so that adding a fault elsewhere
// leaves its draws unchanged.
std::string stream_name(const std::vector<Outage>& outages, std::size_t i);

// Every window of outage i that starts before `until`, as a run with (seed, run) has them.
// REQUIRES: `until` is finite or the outage has a count.
std::vector<Window> windows_before(const std::vector<Outage>& outages, std::size_t i,
                                   std::uint64_t seed, std::uint64_t run, Time until);

// Calls apply(outage, true) at each window's start and apply(outage, false) at its end,
// drawing random windows one at a time as the run reaches them.
using ApplyOutage = std::function<void(const Outage&, bool down)>;
void schedule_outages(Simulator& sim, const std::vector<Outage>& outages, std::uint64_t seed,
                      std::uint64_t run, ApplyOutage apply);

}  // namespace mailsim::faults
