#include "mailsim/net/flow_model.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace mailsim::net {

FlowModel::FlowModel(Simulator& sim, const Topology& topology) : sim_(sim), topology_(topology) {}

FlowModel::FlowId FlowModel::start(const std::vector<LinkId>& links, std::int64_t bytes,
                                   double cap_bps, std::function<void()> done) {
  if (on_link_.size() < topology_.link_count()) on_link_.resize(topology_.link_count());
  FlowId id;
  if (!free_.empty()) {
    id = free_.back();
    free_.pop_back();
  } else {
    id = static_cast<FlowId>(flows_.size());
    flows_.emplace_back();
  }
  Flow& f = flows_[id];
  f.links = links;
  f.remaining_bytes = static_cast<double>(bytes);
  f.rate_bps = 0;
  f.cap_bps = cap_bps;
  f.updated = sim_.now();
  f.done = std::move(done);
  f.active = true;
  for (const LinkId l : links) on_link_[l].push_back(id);
  ++active_;
  reshare(links);
  return id;
}

void FlowModel::set_cap(FlowId id, double cap_bps) {
  if (!active(id) || flows_[id].cap_bps == cap_bps) return;
  flows_[id].cap_bps = cap_bps;
  reshare(std::vector<LinkId>(flows_[id].links));
}

void FlowModel::abort(FlowId id) {
  if (!active(id)) return;
  std::vector<LinkId> links = flows_[id].links;
  remove(id);
  reshare(links);
}

bool FlowModel::active(FlowId id) const { return id < flows_.size() && flows_[id].active; }

double FlowModel::rate_bps(FlowId id) const { return flows_[id].rate_bps; }

void FlowModel::remove(FlowId id) {
  Flow& f = flows_[id];
  for (const LinkId l : f.links) std::erase(on_link_[l], id);
  sim_.cancel(f.completion);
  f.active = false;
  f.done = nullptr;
  free_.push_back(id);
  --active_;
}

std::vector<FlowModel::FlowId> FlowModel::component(const std::vector<LinkId>& seed) const {
  std::vector<bool> link_seen(on_link_.size());
  std::vector<bool> flow_seen(flows_.size());
  std::vector<LinkId> pending(seed.begin(), seed.end());
  for (const LinkId l : seed) link_seen[l] = true;
  std::vector<FlowId> out;
  while (!pending.empty()) {
    const LinkId l = pending.back();
    pending.pop_back();
    for (const FlowId f : on_link_[l]) {
      if (flow_seen[f]) continue;
      flow_seen[f] = true;
      out.push_back(f);
      for (const LinkId next : flows_[f].links) {
        if (!link_seen[next]) {
          link_seen[next] = true;
          pending.push_back(next);
        }
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

void FlowModel::reshare(const std::vector<LinkId>& seed_links) {
  const std::vector<FlowId> flows = component(seed_links);
  for (const FlowId id : flows) {  // account for what was sent at the old rates
    Flow& f = flows_[id];
    const double sent = f.rate_bps * static_cast<double>((sim_.now() - f.updated).ns()) / 8e9;
    f.remaining_bytes = std::max(0.0, f.remaining_bytes - sent);
    f.updated = sim_.now();
  }
  assign_rates(flows);
  for (const FlowId id : flows) schedule_completion(id);
}

// Progressive filling: raise every unfrozen flow's rate together until a link is full or
// a flow reaches its cap; freeze those flows at that level; repeat.
void FlowModel::assign_rates(const std::vector<FlowId>& flows) {
  std::vector<LinkId> links;
  for (const FlowId id : flows)
    links.insert(links.end(), flows_[id].links.begin(), flows_[id].links.end());
  std::sort(links.begin(), links.end());
  links.erase(std::unique(links.begin(), links.end()), links.end());
  std::vector<double> room(links.size());
  std::vector<std::size_t> unfrozen_on(links.size());
  auto index_of = [&links](LinkId l) {
    return static_cast<std::size_t>(std::lower_bound(links.begin(), links.end(), l) -
                                    links.begin());
  };
  for (std::size_t i = 0; i < links.size(); ++i) {
    room[i] = static_cast<double>(topology_.link(links[i]).bandwidth.bps());
    unfrozen_on[i] = on_link_[links[i]].size();
  }
  std::vector<bool> frozen(flows.size());
  std::size_t left = flows.size();
  while (left > 0) {
    double level = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < links.size(); ++i) {
      if (unfrozen_on[i] > 0)
        level = std::min(level, room[i] / static_cast<double>(unfrozen_on[i]));
    }
    for (std::size_t k = 0; k < flows.size(); ++k) {
      const double cap = flows_[flows[k]].cap_bps;
      if (!frozen[k] && cap > 0) level = std::min(level, cap);
    }
    std::vector<std::size_t> freeze;
    for (std::size_t k = 0; k < flows.size(); ++k) {
      if (frozen[k]) continue;
      const Flow& f = flows_[flows[k]];
      bool at_limit = f.cap_bps > 0 && f.cap_bps <= level;
      for (const LinkId l : f.links) {
        const std::size_t i = index_of(l);
        at_limit = at_limit || room[i] / static_cast<double>(unfrozen_on[i]) <= level;
      }
      if (at_limit) freeze.push_back(k);
    }
    for (const std::size_t k : freeze) {
      Flow& f = flows_[flows[k]];
      f.rate_bps = level;
      frozen[k] = true;
      --left;
      for (const LinkId l : f.links) {
        const std::size_t i = index_of(l);
        room[i] = std::max(0.0, room[i] - level);
        --unfrozen_on[i];
      }
    }
  }
}

void FlowModel::schedule_completion(FlowId id) {
  Flow& f = flows_[id];
  sim_.cancel(f.completion);
  if (f.rate_bps <= 0) return;  // stalled until a link frees up
  const double ns = std::ceil(f.remaining_bytes * 8e9 / f.rate_bps);
  f.completion = sim_.schedule_in(Duration::nanoseconds(static_cast<std::int64_t>(ns)),
                                  [this, id] { complete(id); });
}

void FlowModel::complete(FlowId id) {
  std::function<void()> done = std::move(flows_[id].done);
  const std::vector<LinkId> links = flows_[id].links;
  remove(id);
  reshare(links);
  if (done) done();
}

}  // namespace mailsim::net
