// The network graph: nodes (hosts and routers) joined by links with a bandwidth and a
// one-way latency, each of which can be up or down. Routes are lowest-total-latency paths
// over what is up, cached until a node or link changes state. Owned by the world; not
// thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailsim/core/time.h"
#include "mailsim/core/units.h"

namespace mailsim::net {

using NodeId = std::uint32_t;
using LinkId = std::uint32_t;

enum class NodeKind { kHost, kRouter };

struct Link {
  NodeId a = 0;
  NodeId b = 0;
  DataRate bandwidth;  // each direction
  Duration latency;    // one way
  bool up = true;
};

struct Route {
  std::vector<LinkId> links;  // in order from source to destination; empty on one node
  Duration latency;           // sum of one-way latencies
  DataRate bottleneck;        // lowest bandwidth on the path (0 for an empty route)
};

// The longest one-way latency a link may have (the path weights need the room).
inline constexpr Duration kMaxLinkLatency = Duration::hours(24);

class Topology {
 public:
  Topology();
  ~Topology();
  Topology(const Topology&) = delete;
  Topology& operator=(const Topology&) = delete;

  // REQUIRES: the name is not taken.
  NodeId add_node(std::string name, NodeKind kind = NodeKind::kHost);
  // REQUIRES: a != b, both exist, bandwidth > 0, 0 <= latency <= kMaxLinkLatency.
  LinkId add_link(NodeId a, NodeId b, DataRate bandwidth, Duration latency);

  std::optional<NodeId> find(std::string_view name) const;
  const std::string& name(NodeId n) const;
  NodeKind kind(NodeId n) const;
  std::size_t node_count() const;
  std::size_t link_count() const;
  const Link& link(LinkId l) const;

  bool node_up(NodeId n) const;
  void set_node_up(NodeId n, bool up);
  void set_link_up(LinkId l, bool up);

  // The lowest-latency path over nodes and links that are up, or nullopt when there is
  // none (including when either end is down). Among equal latencies the fewest hops win;
  // remaining ties depend only on the order nodes and links were added.
  std::optional<Route> route(NodeId from, NodeId to) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mailsim::net
