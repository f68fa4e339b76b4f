// Bandwidth shared flow by flow, as SimGrid's flow models do: every transfer in progress is
// a flow along its route, and concurrent flows get max-min fair rates (progressive
// filling over the links they cross, each flow also bounded by its own cap, which the
// connection uses for TCP slow start). Rates are recomputed when flows start, end or
// change their cap, once per instant of simulated time however many flows changed in it
// (as SimGrid solves once per step): the recomputation is an event at the current time,
// run earlier when a rate is asked for. It touches only the flows whose rate can change:
// those sharing a link with a changed flow, directly or through others, and whose rate is
// at least the lowest level at which the filling can differ from the last one (flows
// frozen below it keep their rates). A flow is done when its last byte has left the
// sender; the caller adds the path's latency. Owned by the Network; not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "mailsim/core/indexed_heap.h"
#include "mailsim/core/simulator.h"
#include "mailsim/net/topology.h"

namespace mailsim::net {

class FlowModel {
 public:
  using FlowId = std::uint32_t;

  FlowModel(Simulator& sim, const Topology& topology);

  // Starts sending `bytes` along `links` (a route's links, REQUIRES: not empty). `cap` bounds
  // the rate (0: no bound). `done` runs once, when the last byte has left.
  FlowId start(const std::vector<LinkId>& links, std::int64_t bytes, double cap_bps,
               std::function<void()> done);
  // Changes a flow's cap (0: none) and recomputes the rates it affects.
  void set_cap(FlowId flow, double cap_bps);
  // Stops a flow without calling its `done`; its share goes to the others.
  void abort(FlowId flow);

  bool active(FlowId flow) const;
  double rate_bps(FlowId flow);  // REQUIRES: active(flow)
  // Bytes still to send, as of now. REQUIRES: active(flow)
  double remaining_bytes(FlowId flow);
  std::size_t active_count() const { return active_; }

 private:
  struct Flow {
    std::vector<LinkId> links;
    double remaining_bytes = 0;
    double rate_bps = 0;
    double cap_bps = 0;
    Time updated;              // remaining_bytes is as of this time
    std::int64_t finish = -1;  // ns; the key in finishing_, -1 while stalled
    std::function<void()> done;
    bool active = false;
    bool fresh = false;  // started since the last recomputation: no rate yet
  };

  void remove(FlowId id);
  // The rates of the flows frozen below this level in the last filling stand.
  double first_changed_level();
  // The level at which `link` would fill if the flows it carries kept their rates and the
  // fresh ones rose together from zero.
  double saturation_level(LinkId link);
  // The flows that share a link with `seed`, transitively through flows whose rate may
  // change (fresh, or at least `level`); their links are left in component_, with the
  // capacity the standing flows leave and the others' count.
  // Returns component_flows_.
  const std::vector<FlowId>& affected(const std::vector<LinkId>& seed_links, double level);
  // Marks the rates of the flows on `links` for recomputation at this instant.
  void reshare(const std::vector<LinkId>& links);
  void resolve();
  double sent_since_update(const Flow& f) const;
  // Max-min fair rates for `flows`, by progressive filling. REQUIRES: `flows` is what
  // affected() just returned. Returns flow_rates_, a rate per flow of `flows`.
  const std::vector<double>& fair_rates(const std::vector<FlowId>& flows);
  void set_finish(FlowId id);
  void arm();  // one simulator event, for the earliest finish
  void on_finish();

  Simulator& sim_;
  const Topology& topology_;
  std::vector<Flow> flows_;
  std::vector<FlowId> free_;
  std::vector<std::vector<FlowId>> on_link_;  // active flows crossing each link
  // Each link's bandwidth as a double, read once when the links are first seen (a link's
  // bandwidth never changes; going down breaks its connections instead).
  std::vector<double> link_bps_;
  IndexedHeap<std::int64_t> finishing_;  // flow -> finish ns
  EventId next_;
  std::int64_t next_at_ = -1;
  std::vector<LinkId> dirty_;  // links whose flows' rates are out of date
  std::vector<FlowId> fresh_;  // flows started since the last recomputation
  double changed_level_;       // lowest level of an end or cap change since then
  // Scratch space of resolve() and what it calls, kept to avoid allocating per change;
  // each is filled afresh where it is used.
  std::uint32_t epoch_ = 0;
  struct LinkMark {
    std::uint32_t epoch = 0;
    std::uint32_t slot = 0;  // in component_, when marked by affected()
  };
  std::vector<LinkMark> link_mark_;
  std::vector<std::uint32_t> flow_mark_;
  struct ComponentLink {
    LinkId link;
    std::size_t unfrozen;  // flows whose rate may change
    double room;           // bandwidth the others leave
  };
  std::vector<ComponentLink> component_;
  std::vector<double> scratch_rates_;
  std::vector<LinkId> seed_links_;
  std::vector<FlowId> component_flows_;
  std::vector<double> link_levels_;
  std::vector<double> flow_rates_;
  std::vector<std::pair<double, std::size_t>> cap_heap_;
  IndexedHeap<double> link_heap_;  // link slot -> level at which it would fill
  std::vector<std::size_t> slot_of_flow_;
  EventId resolve_event_;
  std::size_t active_ = 0;
};

}  // namespace mailsim::net
