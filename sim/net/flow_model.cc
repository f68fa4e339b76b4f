#include "mailsim/net/flow_model.h"

#include <algorithm>
#include <cmath>
#include <limits>
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

std::vector<FlowModel::FlowId> FlowModel::component(const std::vector<LinkId>& seed) {
  ++epoch_;
  if (link_mark_.size() < on_link_.size()) link_mark_.resize(on_link_.size());
  if (flow_mark_.size() < flows_.size()) flow_mark_.resize(flows_.size());
  std::vector<LinkId> pending;
  for (const LinkId l : seed) {
    if (link_mark_[l] != epoch_) {
      link_mark_[l] = epoch_;
      pending.push_back(l);
    }
  }
  // Breadth-first over links and flows; the order depends only on the history of starts
  // and ends, so it is reproducible.
  std::vector<FlowId> out;
  for (std::size_t next = 0; next < pending.size(); ++next) {
    for (const FlowId f : on_link_[pending[next]]) {
      if (flow_mark_[f] == epoch_) continue;
      flow_mark_[f] = epoch_;
      out.push_back(f);
      for (const LinkId l : flows_[f].links) {
        if (link_mark_[l] != epoch_) {
          link_mark_[l] = epoch_;
          pending.push_back(l);
        }
      }
    }
  }
  component_links_ = std::move(pending);
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
// wait in min-heaps keyed by the level at which they would freeze. REQUIRES: `flows` is
// what component() just returned.
std::vector<double> FlowModel::fair_rates(const std::vector<FlowId>& flows) {
  const std::vector<LinkId>& links = component_links_;
  if (slot_of_link_.size() < on_link_.size()) slot_of_link_.resize(on_link_.size());
  if (slot_of_flow_.size() < flows_.size()) slot_of_flow_.resize(flows_.size());
  for (std::size_t i = 0; i < links.size(); ++i) slot_of_link_[links[i]] = i;
  for (std::size_t k = 0; k < flows.size(); ++k) slot_of_flow_[flows[k]] = k;
  std::vector<double> room(links.size());
  std::vector<std::size_t> unfrozen_on(links.size());
  std::vector<double> level_of(links.size());  // share of the unfrozen flows; inf when none
  constexpr double kNone = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < links.size(); ++i) {
    room[i] = static_cast<double>(topology_.link(links[i]).bandwidth.bps());
    unfrozen_on[i] = on_link_[links[i]].size();
    level_of[i] = unfrozen_on[i] > 0 ? room[i] / static_cast<double>(unfrozen_on[i]) : kNone;
  }
  // An indexed binary min-heap of links by level: freezing a flow only raises the levels of
  // its links ((room - x) / (n - 1) >= room / n when x <= room / n), so entries sift down.
  std::vector<std::size_t> heap(links.size());
  std::vector<std::size_t> where(links.size());
  auto before = [&](std::size_t x, std::size_t y) {
    return level_of[x] < level_of[y] || (level_of[x] == level_of[y] && x < y);
  };
  auto sift_down = [&](std::size_t pos) {
    const std::size_t n = heap.size();
    for (;;) {
      std::size_t best = pos;
      for (std::size_t c = 2 * pos + 1; c <= 2 * pos + 2 && c < n; ++c) {
        if (before(heap[c], heap[best])) best = c;
      }
      if (best == pos) return;
      std::swap(heap[pos], heap[best]);
      where[heap[pos]] = pos;
      where[heap[best]] = best;
      pos = best;
    }
  };
  for (std::size_t i = 0; i < links.size(); ++i) heap[i] = i;
  std::sort(heap.begin(), heap.end(), before);  // a sorted array is a heap
  for (std::size_t pos = 0; pos < heap.size(); ++pos) where[heap[pos]] = pos;

  using Key = std::pair<double, std::size_t>;
  std::priority_queue<Key, std::vector<Key>, std::greater<>> cap_heap;
  for (std::size_t k = 0; k < flows.size(); ++k) {
    if (flows_[flows[k]].cap_bps > 0) cap_heap.emplace(flows_[flows[k]].cap_bps, k);
  }
  std::vector<double> rate(flows.size(), -1);
  auto freeze = [&](std::size_t k, double level) {
    rate[k] = level;
    for (const LinkId l : flows_[flows[k]].links) {
      const std::size_t i = slot_of_link_[l];
      room[i] = std::max(0.0, room[i] - level);
      --unfrozen_on[i];
      level_of[i] = unfrozen_on[i] > 0 ? room[i] / static_cast<double>(unfrozen_on[i]) : kNone;
      sift_down(where[i]);
    }
  };
  std::size_t left = flows.size();
  while (left > 0) {
    while (!cap_heap.empty() && rate[cap_heap.top().second] >= 0) cap_heap.pop();
    const std::size_t i = heap.front();
    const double level = level_of[i];
    if (!cap_heap.empty() && cap_heap.top().first < level) {
      freeze(cap_heap.top().second, cap_heap.top().first);
      --left;
      continue;
    }
    for (const FlowId f : on_link_[links[i]]) {
      const std::size_t k = slot_of_flow_[f];
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
