#include "scenario/load_faults.h"

#include <algorithm>

#include "scenario/load_receive.h"
#include "scenario/references.h"

namespace mailsim::scenario {

void read_faults(const Yaml& list, ScenarioConfig& c) {
  list.expect_sequence();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Yaml f = list.at(i).expect_map();
    if (f.has("type") && f["type"].as_string() == "degraded_reply") {
      read_degraded_reply(f, c);
      continue;
    }
    f.allow_only({"type", "target", "between", "start", "duration"});
    if (!f.has("type") || !f.has("start") || !f.has("duration")) {
      f.fail("a fault needs type, start and duration",
             "for example: {type: host_down, target: department, start: 0s, duration: 2h}");
    }
    faults::Outage o;
    const std::string type = f["type"].as_string();
    if (type == "host_down")
      o.kind = faults::OutageKind::kHostDown;
    else if (type == "mta_down")
      o.kind = faults::OutageKind::kMtaDown;
    else if (type == "link_down")
      o.kind = faults::OutageKind::kLinkDown;
    else
      f["type"].fail("unknown fault type '" + type + "'",
                     "use host_down, mta_down, link_down or degraded_reply");
    if (o.kind == faults::OutageKind::kLinkDown) {
      if (!f.has("between")) f.fail("a link_down fault names its link", "write between: [a, b]");
      const auto ends = f["between"].as_string_list();
      const bool found =
          ends.size() == 2 && std::any_of(c.links.begin(), c.links.end(), [&](const LinkConfig& l) {
            return (l.a == ends[0] && l.b == ends[1]) || (l.a == ends[1] && l.b == ends[0]);
          });
      if (!found)
        f["between"].fail("no link between these hosts",
                          "name the two ends of a link under links:");
      o.target = ends[0] + "--" + ends[1];
    } else {
      if (!f.has("target")) f.fail("a " + type + " fault needs a target");
      o.target = f["target"].as_string();
      if (o.kind == faults::OutageKind::kHostDown) check_host(c, f["target"], o.target);
      if (o.kind == faults::OutageKind::kMtaDown &&
          std::none_of(c.mtas.begin(), c.mtas.end(),
                       [&](const MtaEntry& e) { return e.mta.name == o.target; })) {
        f["target"].fail("no MTA named '" + o.target + "'");
      }
    }
    o.start = Time::zero() + f["start"].as_duration();
    o.duration = f["duration"].as_duration();
    c.outages.push_back(std::move(o));
  }
}

}  // namespace mailsim::scenario
