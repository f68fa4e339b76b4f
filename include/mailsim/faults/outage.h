// Things going wrong over time: a host down, a link cut, an MTA's service stopped, for a
// duration from a start time. The faults layer only schedules the changes; the world
// says what "down" means for each target.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "mailsim/core/simulator.h"

namespace mailsim::faults {

enum class OutageKind { kHostDown, kLinkDown, kMtaDown };

struct Outage {
  OutageKind kind = OutageKind::kHostDown;
  std::string target;  // a host, an MTA, or a link as "a--b"
  Time start;
  Duration duration;
};

const char* to_string(OutageKind kind);  // "host_down", "link_down", "mta_down"

// Calls apply(outage, true) at the start and apply(outage, false) at the end.
using ApplyOutage = std::function<void(const Outage&, bool down)>;
void schedule_outages(Simulator& sim, const std::vector<Outage>& outages, ApplyOutage apply);

}  // namespace mailsim::faults
