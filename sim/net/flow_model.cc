#include "mailsim/net/flow_model.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace mailsim::net {

namespace {
constexpr double kNoLevel = std::numeric_limits<double>::infinity();
}  // namespace

FlowModel::FlowModel(Simulator& sim, const Topology& topology)
    : sim_(sim), topology_(topology), changed_level_(kNoLevel) {}

FlowModel::FlowId FlowModel::start(const std::vector<LinkId>& links, std::int64_t bytes,
                                   double cap_bps, std::function<void()> done) {
  if (on_link_.size() < topology_.link_count()) {
    on_link_.resize(topology_.link_count());
    link_bps_.resize(on_link_.size());
    for (LinkId l = 0; l < link_bps_.size(); ++l) {
      link_bps_[l] = static_cast<double>(topology_.link(l).bandwidth.bps());
    }
  }
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
  f.fresh = true;
  for (const LinkId l : links) on_link_[l].push_back(id);
  ++active_;
  fresh_.push_back(id);
  reshare(links);
  return id;
}

// The filling is unchanged below the lower of the old rate and the new cap: up to there
// the flow rose with the others either way.
void FlowModel::set_cap(FlowId id, double cap_bps) {
  if (!active(id) || flows_[id].cap_bps == cap_bps) return;
  Flow& f = flows_[id];
  f.cap_bps = cap_bps;
  if (!f.fresh) {
    changed_level_ = std::min({changed_level_, f.rate_bps, cap_bps > 0 ? cap_bps : kNoLevel});
  }
  reshare(f.links);
}

void FlowModel::abort(FlowId id) {
  if (!active(id)) return;
  remove(id);
  reshare(flows_[id].links);  // a removed flow keeps its links until its slot is reused
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

// A flow that leaves was frozen at its rate by the first of its links to fill (or its
// cap): no link of its path filled below that level, so the filling is the same up to it.
void FlowModel::remove(FlowId id) {
  Flow& f = flows_[id];
  if (!f.fresh) changed_level_ = std::min(changed_level_, f.rate_bps);
  for (const LinkId l : f.links) std::erase(on_link_[l], id);
  finishing_.erase(id);
  f.finish = -1;
  f.active = false;
  f.fresh = false;
  f.done = nullptr;
  free_.push_back(id);
  --active_;
}

// A minimum, so the links are taken in any order, each once.
double FlowModel::first_changed_level() {
  double level = changed_level_;
  ++epoch_;
  if (link_mark_.size() < on_link_.size()) link_mark_.resize(on_link_.size());
  for (const FlowId id : fresh_) {
    const Flow& f = flows_[id];
    if (!f.active || !f.fresh) continue;
    if (f.cap_bps > 0) level = std::min(level, f.cap_bps);
    for (const LinkId l : f.links) {
      if (link_mark_[l].epoch == epoch_) continue;
      link_mark_[l].epoch = epoch_;
      level = std::min(level, saturation_level(l));
    }
  }
  return level;
}

// With the solved flows at their rates r_i (sorted) and k fresh flows, the link carries
// sum(min(r_i, x)) + k x at level x; the first x at which that reaches the bandwidth. A
// hair lower, so that rounding cannot leave out a flow frozen exactly there.
double FlowModel::saturation_level(LinkId link) {
  std::vector<double>& rates = scratch_rates_;
  rates.clear();
  std::size_t fresh = 0;
  for (const FlowId f : on_link_[link]) {
    if (flows_[f].fresh) {
      ++fresh;
    } else {
      rates.push_back(flows_[f].rate_bps);
    }
  }
  std::sort(rates.begin(), rates.end());
  const double bandwidth = link_bps_[link];
  double below = 0;  // sum of the rates under the level
  double level = 0;
  for (std::size_t i = 0;; ++i) {
    level = (bandwidth - below) / static_cast<double>(rates.size() - i + fresh);
    if (i == rates.size() || level <= rates[i]) break;
    below += rates[i];
  }
  return level * (1 - 1e-9);
}

const std::vector<FlowModel::FlowId>& FlowModel::affected(const std::vector<LinkId>& seed,
                                                          double level) {
  ++epoch_;
  if (link_mark_.size() < on_link_.size()) link_mark_.resize(on_link_.size());
  if (flow_mark_.size() < flows_.size()) flow_mark_.resize(flows_.size());
  std::vector<ComponentLink>& links = component_;
  links.clear();
  auto visit = [&](LinkId l) {
    if (link_mark_[l].epoch == epoch_) return;
    link_mark_[l] = {epoch_, static_cast<std::uint32_t>(links.size())};
    links.push_back({l, 0, link_bps_[l]});
  };
  for (const LinkId l : seed) visit(l);
  // Breadth-first over links and flows; the order depends only on the history of starts
  // and ends, so it is reproducible.
  std::vector<FlowId>& out = component_flows_;
  out.clear();
  for (std::size_t next = 0; next < links.size(); ++next) {
    for (const FlowId f : on_link_[links[next].link]) {
      const Flow& flow = flows_[f];
      if (!flow.fresh && flow.rate_bps < level) {  // its rate stands
        links[next].room = std::max(0.0, links[next].room - flow.rate_bps);
        continue;
      }
      ++links[next].unfrozen;
      if (flow_mark_[f] == epoch_) continue;
      flow_mark_[f] = epoch_;
      out.push_back(f);
      for (const LinkId l : flow.links) visit(l);
    }
  }
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
  std::vector<LinkId>& seed_links = seed_links_;
  seed_links.clear();
  seed_links.swap(dirty_);
  std::sort(seed_links.begin(), seed_links.end());
  seed_links.erase(std::unique(seed_links.begin(), seed_links.end()), seed_links.end());
  const double level = first_changed_level();
  fresh_.clear();
  changed_level_ = kNoLevel;
  const std::vector<FlowId>& flows = affected(seed_links, level);
  const std::vector<double>& rates = fair_rates(flows);
  for (std::size_t k = 0; k < flows.size(); ++k) {
    Flow& f = flows_[flows[k]];
    f.fresh = false;
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
// wait in min-heaps keyed by the level at which they would freeze; freezing a flow only
// raises the levels of its links ((room - x) / (n - 1) >= room / n when x <= room / n).
const std::vector<double>& FlowModel::fair_rates(const std::vector<FlowId>& flows) {
  std::vector<ComponentLink>& links = component_;
  if (slot_of_flow_.size() < flows_.size()) slot_of_flow_.resize(flows_.size());
  for (std::size_t k = 0; k < flows.size(); ++k) slot_of_flow_[flows[k]] = k;
  auto level_of = [&](std::size_t i) {
    const ComponentLink& c = links[i];
    return c.unfrozen > 0 ? c.room / static_cast<double>(c.unfrozen) : kNoLevel;
  };
  if (flows.empty()) {  // an end or cap change that left no rate to change
    flow_rates_.clear();
    return flow_rates_;
  }
  if (flows.size() == 1) {  // the usual case, in short: the filling below freezes the flow
    // at its cap if that is below every link's level, else at the lowest level
    double lowest = kNoLevel;
    for (std::size_t i = 0; i < links.size(); ++i) lowest = std::min(lowest, level_of(i));
    const double cap = flows_[flows[0]].cap_bps;
    flow_rates_.assign(1, cap > 0 && cap < lowest ? cap : lowest);
    return flow_rates_;
  }
  std::vector<double>& levels = link_levels_;
  levels.resize(links.size());
  for (std::size_t i = 0; i < links.size(); ++i) levels[i] = level_of(i);
  link_heap_.assign(levels);

  // Capped flows by cap, lowest on top: a min-heap kept with push_heap/pop_heap.
  std::vector<std::pair<double, std::size_t>>& cap_heap = cap_heap_;
  cap_heap.clear();
  for (std::size_t k = 0; k < flows.size(); ++k) {
    if (flows_[flows[k]].cap_bps > 0) {
      cap_heap.emplace_back(flows_[flows[k]].cap_bps, k);
      std::push_heap(cap_heap.begin(), cap_heap.end(), std::greater<>{});
    }
  }
  std::vector<double>& rate = flow_rates_;
  rate.assign(flows.size(), -1);
  auto freeze = [&](std::size_t k, double level) {
    rate[k] = level;
    for (const LinkId l : flows_[flows[k]].links) {
      const std::size_t i = link_mark_[l].slot;
      links[i].room = std::max(0.0, links[i].room - level);
      --links[i].unfrozen;
      link_heap_.set(i, level_of(i));
    }
  };
  std::size_t left = flows.size();
  while (left > 0) {
    while (!cap_heap.empty() && rate[cap_heap.front().second] >= 0) {
      std::pop_heap(cap_heap.begin(), cap_heap.end(), std::greater<>{});
      cap_heap.pop_back();
    }
    const std::size_t i = link_heap_.top();
    const double level = link_heap_.key(i);
    if (!cap_heap.empty() && cap_heap.front().first < level) {
      freeze(cap_heap.front().second, cap_heap.front().first);
      --left;
      continue;
    }
    for (const FlowId f : on_link_[links[i].link]) {
      if (flow_mark_[f] != epoch_) continue;  // a flow whose rate stands
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
  f.finish = -1;
  if (f.rate_bps <= 0) {  // stalled until a link frees up
    finishing_.erase(id);
    return;
  }
  const double ns = std::ceil(f.remaining_bytes * 8e9 / f.rate_bps);
  f.finish = sim_.now().ns() + static_cast<std::int64_t>(ns);
  finishing_.set(id, f.finish);
}

void FlowModel::arm() {
  if (!dirty_.empty()) return;  // resolve() arms once the rates are known
  const std::int64_t at = finishing_.empty() ? -1 : finishing_.key(finishing_.top());
  if (at == next_at_) return;
  sim_.cancel(next_);
  next_at_ = at;
  if (at >= 0) next_ = sim_.schedule_at(Time::from_ns(at), [this] { on_finish(); });
}

void FlowModel::on_finish() {
  next_at_ = -1;
  // Flows finishing now, one at a time: each completion may change the others' rates.
  while (!finishing_.empty() && finishing_.key(finishing_.top()) <= sim_.now().ns()) {
    const auto id = static_cast<FlowId>(finishing_.top());
    std::function<void()> done = std::move(flows_[id].done);
    remove(id);
    reshare(flows_[id].links);  // a removed flow keeps its links until its slot is reused
    if (done) done();
  }
  arm();
}

}  // namespace mailsim::net
