#include "scenario/load_faults.h"

#include <algorithm>

#include "scenario/load_receive.h"
#include "scenario/references.h"

namespace mailsim::scenario {

namespace {

Duration positive_duration(const Yaml& y) {
  const Duration d = y.as_duration();
  if (d <= Duration{}) y.fail("this duration must be positive", "for example 2h");
  return d;
}

// When a fault is down: once (start, duration), repeating (and every, count) or at random
// (mtbf, mttr, and optionally start and count).
void read_when(const Yaml& f, faults::Outage& o) {
  if (f.has("count")) o.count = static_cast<int>(f["count"].as_int(1, 1'000'000));
  if (f.has("mtbf") || f.has("mttr")) {
    if (!f.has("mtbf") || !f.has("mttr")) {
      f.fail("a random fault needs both mtbf and mttr",
             "for example: {type: host_down, target: b, mtbf: 3d, mttr: 2h}");
    }
    for (const char* key : {"duration", "every"}) {
      if (f.has(key)) {
        f[key].fail(std::string("a random fault draws its windows; it takes no ") + key,
                    "give mtbf and mttr, or start and duration without them");
      }
    }
    o.mtbf = positive_duration(f["mtbf"]);
    o.mttr = positive_duration(f["mttr"]);
    if (!f.has("count")) o.count = faults::kUntilEnd;
    if (f.has("start")) o.start = Time::zero() + f["start"].as_duration();
    return;
  }
  if (!f.has("start") || !f.has("duration")) {
    f.fail("a fault needs start and duration (or mtbf and mttr)",
           "for example: {type: host_down, target: department, start: 0s, duration: 2h}");
  }
  o.start = Time::zero() + f["start"].as_duration();
  o.duration = positive_duration(f["duration"]);
  if (f.has("every")) {
    o.every = positive_duration(f["every"]);
    if (o.duration >= o.every) {
      f["duration"].fail("a repeating fault's duration " + to_string(o.duration) +
                             " must be shorter than its period " + to_string(o.every),
                         "shorten duration or lengthen every");
    }
    if (!f.has("count")) o.count = faults::kUntilEnd;
  } else if (f.has("count") && o.count > 1) {
    f["count"].fail("a fault that happens more than once needs every",
                    "for example: every: 1d, count: 3");
  }
}

}  // namespace

void read_faults(const Yaml& list, ScenarioConfig& c) {
  list.expect_sequence();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Yaml f = list.at(i).expect_map();
    const bool degraded = f.has("type") && f["type"].as_string() == "degraded_reply";
    if (degraded) {
      f.allow_only({"type", "target", "command", "reply", "start", "duration", "every", "count",
                    "mtbf", "mttr"});
    } else {
      f.allow_only(
          {"type", "target", "between", "start", "duration", "every", "count", "mtbf", "mttr"});
    }
    if (!f.has("type")) {
      f.fail("a fault needs a type",
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
    else if (type == "dns_down")
      o.kind = faults::OutageKind::kDnsDown;
    else if (degraded)
      o.kind = faults::OutageKind::kDegradedReply;
    else
      f["type"].fail("unknown fault type '" + type + "'",
                     "use host_down, mta_down, link_down, dns_down or degraded_reply");
    if (o.kind == faults::OutageKind::kDegradedReply) {
      o.degraded_reply = read_degraded_reply(f, c);
      o.target = f["target"].as_string();
    } else if (o.kind == faults::OutageKind::kDnsDown) {
      if (f.has("target") || f.has("between")) {
        f.fail("a dns_down fault stops the one resolver every MTA uses; it takes no target",
               "write {type: dns_down, start: 1h, duration: 30m}");
      }
      o.target = "dns";
    } else if (o.kind == faults::OutageKind::kLinkDown) {
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
    read_when(f, o);
    c.outages.push_back(std::move(o));
  }
}

}  // namespace mailsim::scenario
