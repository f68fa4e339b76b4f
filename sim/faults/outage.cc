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
    case OutageKind::kDnsDown:
      return "dns_down";
    case OutageKind::kDegradedReply:
      return "degraded_reply";
  }
  return "?";
}

WindowSequence::WindowSequence(const Outage& outage, RandomStream rng)
    : outage_(&outage), rng_(rng), up_since_(outage.start) {}

std::optional<Window> WindowSequence::next() {
  const Outage& o = *outage_;
  if (o.count != kUntilEnd && produced_ >= o.count) return std::nullopt;
  Window w;
  if (o.mtbf > Duration{}) {
    w.start = up_since_ + rng_.exponential(o.mtbf);
    w.end = w.start + rng_.exponential(o.mttr);
    up_since_ = w.end;
  } else {
    if (produced_ > 0 && o.every <= Duration{}) return std::nullopt;
    w.start = o.start + o.every * produced_;
    w.end = w.start + o.duration;
  }
  ++produced_;
  return w;
}

std::string stream_name(const std::vector<Outage>& outages, std::size_t i) {
  int same = 0;
  for (std::size_t j = 0; j <= i; ++j) {
    same += outages[j].kind == outages[i].kind && outages[j].target == outages[i].target;
  }
  std::string name = std::string("fault:") + to_string(outages[i].kind) + ":" + outages[i].target;
  return same > 1 ? name + "#" + std::to_string(same) : name;
}

std::vector<Window> windows_before(const std::vector<Outage>& outages, std::size_t i,
                                   std::uint64_t seed, std::uint64_t run, Time until) {
  WindowSequence seq(outages[i], RandomStream(seed, run, stream_name(outages, i)));
  std::vector<Window> out;
  while (const auto w = seq.next()) {
    if (w->start >= until) break;
    out.push_back(*w);
  }
  return out;
}

namespace {

// One outage's windows as a chain of events: each window's end schedules the next one.
struct Chain {
  Simulator& sim;
  const Outage& outage;
  WindowSequence windows;
  std::shared_ptr<ApplyOutage> apply;

  static void schedule_next(const std::shared_ptr<Chain>& chain) {
    const auto w = chain->windows.next();
    if (!w) return;
    chain->sim.schedule_at(w->start, [chain] { (*chain->apply)(chain->outage, true); });
    chain->sim.schedule_at(w->end, [chain] {
      (*chain->apply)(chain->outage, false);
      schedule_next(chain);
    });
  }
};

}  // namespace

void schedule_outages(Simulator& sim, const std::vector<Outage>& outages, std::uint64_t seed,
                      std::uint64_t run, ApplyOutage apply) {
  auto shared = std::make_shared<ApplyOutage>(std::move(apply));
  for (std::size_t i = 0; i < outages.size(); ++i) {
    auto chain = std::make_shared<Chain>(Chain{
        sim, outages[i],
        WindowSequence(outages[i], RandomStream(seed, run, stream_name(outages, i))), shared});
    Chain::schedule_next(chain);
  }
}

}  // namespace mailsim::faults
