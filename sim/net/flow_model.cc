#include "mailsim/net/flow_model.h"

#include <algorithm>
#include <cmath>
#include <queue>
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
  f.finish = -1;
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

double FlowModel::rate_bps(FlowId id) {
  if (!dirty_.empty()) resolve();
  return flows_[id].rate_bps;
}

double FlowModel::remaining_bytes(FlowId id) {
  if (!dirty_.empty()) resolve();
  return std::max(0.0, flows_[id].remaining_bytes - sent_since_update(flows_[id]));
}

double FlowModel::sent_since_update(const Flow& f) const {
  return f.rate_bps * static_cast<double>((sim_.now() - f.updated).ns()) / 8e9;
}

void FlowModel::remove(FlowId id) {
  Flow& f = flows_[id];
  for (const LinkId l : f.links) std::erase(on_link_[l], id);
  if (f.finish >= 0) finishing_.erase({f.finish, id});
  f.finish = -1;
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

void FlowModel::reshare(const std::vector<LinkId>& links) {
  dirty_.insert(dirty_.end(), links.begin(), links.end());
  if (!sim_.is_pending(resolve_event_)) {
    resolve_event_ = sim_.schedule_in(Duration{}, [this] { resolve(); });
  }
}

void FlowModel::resolve() {
  sim_.cancel(resolve_event_);
  std::vector<LinkId> seed_links;
  seed_links.swap(dirty_);
  std::sort(seed_links.begin(), seed_links.end());
  seed_links.erase(std::unique(seed_links.begin(), seed_links.end()), seed_links.end());
  const std::vector<FlowId> flows = component(seed_links);
  const std::vector<double> rates = fair_rates(flows);
  for (std::size_t k = 0; k < flows.size(); ++k) {
    Flow& f = flows_[flows[k]];
    if (rates[k] == f.rate_bps && f.finish >= 0) continue;  // its finish time stands
    // Account for what was sent at the old rate, then finish at the new one.
    f.remaining_bytes = std::max(0.0, f.remaining_bytes - sent_since_update(f));
    f.updated = sim_.now();
    f.rate_bps = rates[k];
    set_finish(flows[k]);
  }
  arm();
}

// Progressive filling: raise all unfrozen flows' rates together until a link is full or a
// flow reaches its cap, freeze those flows at that level, repeat. Links and capped flows
// wait in min-heaps keyed by the level at which they would freeze; stale link entries are
// skipped when popped.
std::vector<double> FlowModel::fair_rates(const std::vector<FlowId>& flows) const {
  std::vector<LinkId> links;
  for (const FlowId id : flows) {
    links.insert(links.end(), flows_[id].links.begin(), flows_[id].links.end());
  }
  std::sort(links.begin(), links.end());
  links.erase(std::unique(links.begin(), links.end()), links.end());
  auto index_of = [&links](LinkId l) {
    return static_cast<std::size_t>(std::lower_bound(links.begin(), links.end(), l) -
                                    links.begin());
  };
  std::vector<double> room(links.size());
  std::vector<std::size_t> unfrozen_on(links.size());
  std::vector<std::vector<std::size_t>> crossing(links.size());  // flow indices per link
  for (std::size_t k = 0; k < flows.size(); ++k) {
    for (const LinkId l : flows_[flows[k]].links) crossing[index_of(l)].push_back(k);
  }
  using Key = std::pair<double, std::size_t>;
  std::priority_queue<Key, std::vector<Key>, std::greater<>> link_heap;
  std::priority_queue<Key, std::vector<Key>, std::greater<>> cap_heap;
  auto share = [&](std::size_t i) { return room[i] / static_cast<double>(unfrozen_on[i]); };
  for (std::size_t i = 0; i < links.size(); ++i) {
    room[i] = static_cast<double>(topology_.link(links[i]).bandwidth.bps());
    unfrozen_on[i] = crossing[i].size();
    link_heap.emplace(share(i), i);
  }
  for (std::size_t k = 0; k < flows.size(); ++k) {
    if (flows_[flows[k]].cap_bps > 0) cap_heap.emplace(flows_[flows[k]].cap_bps, k);
  }
  std::vector<double> rate(flows.size(), -1);
  auto freeze = [&](std::size_t k, double level) {
    rate[k] = level;
    for (const LinkId l : flows_[flows[k]].links) {
      const std::size_t i = index_of(l);
      room[i] = std::max(0.0, room[i] - level);
      if (--unfrozen_on[i] > 0) link_heap.emplace(share(i), i);
    }
  };
  std::size_t left = flows.size();
  while (left > 0) {
    while (!cap_heap.empty() && rate[cap_heap.top().second] >= 0) cap_heap.pop();
    while (unfrozen_on[link_heap.top().second] == 0 ||
           link_heap.top().first != share(link_heap.top().second)) {
      link_heap.pop();  // stale
    }
    const auto [level, i] = link_heap.top();
    if (!cap_heap.empty() && cap_heap.top().first < level) {
      freeze(cap_heap.top().second, cap_heap.top().first);
      --left;
      continue;
    }
    link_heap.pop();
    for (const std::size_t k : crossing[i]) {
      if (rate[k] < 0) {
        freeze(k, level);
        --left;
      }
    }
  }
  return rate;
}

void FlowModel::set_finish(FlowId id) {
  Flow& f = flows_[id];
  if (f.finish >= 0) finishing_.erase({f.finish, id});
  f.finish = -1;
  if (f.rate_bps <= 0) return;  // stalled until a link frees up
  const double ns = std::ceil(f.remaining_bytes * 8e9 / f.rate_bps);
  f.finish = sim_.now().ns() + static_cast<std::int64_t>(ns);
  finishing_.emplace(f.finish, id);
}

void FlowModel::arm() {
  if (!dirty_.empty()) return;  // resolve() arms once the rates are known
  const std::int64_t at = finishing_.empty() ? -1 : finishing_.begin()->first;
  if (at == next_at_) return;
  sim_.cancel(next_);
  next_at_ = at;
  if (at >= 0) next_ = sim_.schedule_at(Time::from_ns(at), [this] { on_finish(); });
}

void FlowModel::on_finish() {
  next_at_ = -1;
  // Flows finishing now, one at a time: each completion may change the others' rates.
  while (!finishing_.empty() && finishing_.begin()->first <= sim_.now().ns()) {
    const FlowId id = finishing_.begin()->second;
    std::function<void()> done = std::move(flows_[id].done);
    const std::vector<LinkId> links = flows_[id].links;
    remove(id);
    reshare(links);
    if (done) done();
  }
  arm();
}

}  // namespace mailsim::net
