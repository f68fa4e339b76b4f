#include "mailsim/faults/outage.h"

#include <memory>
#include <utility>

namespace mailsim::faults {

const char* to_string(OutageKind kind) {
  switch (kind) {
    case OutageKind::kHostDown:
      return "host_down";
    case OutageKind::kLinkDown:
      return "link_down";
    case OutageKind::kMtaDown:
      return "mta_down";
  }
  return "?";
}

void schedule_outages(Simulator& sim, const std::vector<Outage>& outages, ApplyOutage apply) {
  auto shared = std::make_shared<ApplyOutage>(std::move(apply));
  for (const Outage& o : outages) {
    sim.schedule_at(o.start, [shared, &o] { (*shared)(o, true); });
    sim.schedule_at(o.start + o.duration, [shared, &o] { (*shared)(o, false); });
  }
}

}  // namespace mailsim::faults
