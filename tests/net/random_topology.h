// What the topology tests on random graphs share: the graphs' common part (a core with
// hosts on it) and an all-pairs reference that knows nothing of Dijkstra.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mailsim/core/random.h"
#include "mailsim/net/topology.h"

namespace mailsim::net::testing {

inline DataRate mbps(std::int64_t n) { return DataRate::bits_per_second(n * 1'000'000); }
inline Duration ms(std::int64_t n) { return Duration::milliseconds(n); }

// A link's weight in the order topology.h promises: latency first, then the fewest hops
// (a path's weight is its latency * 2^16 + its hops).
inline std::int64_t weight(const Topology& t, LinkId l) {
  return t.link(l).latency.ns() * 65536 + 1;
}

// A core of 8 nodes, a random tree of them plus up to 7 more links, and 16 hosts on it:
// each on one core node, a quarter of them by two parallel links, one in eight also on a
// second core node. Returns the core nodes; `hosts` gets, per host, the one core node it
// hangs off, or nullopt for a host on two.
template <typename Latency>
std::vector<NodeId> add_core_with_hosts(Topology& t, RandomStream& rng, Latency latency,
                                        std::vector<std::optional<NodeId>>& hosts) {
  const DataRate core_rate = mbps(100);
  const DataRate host_rate = mbps(10);
  std::vector<NodeId> core;
  for (int i = 0; i < 8; ++i) core.push_back(t.add_node("core" + std::to_string(i)));
  for (int i = 1; i < 8; ++i) t.add_link(core[i], core[rng.uniform_int(i)], core_rate, latency());
  for (int i = 0; i < 7; ++i) {
    const NodeId a = core[rng.uniform_int(8)];
    const NodeId b = core[rng.uniform_int(8)];
    if (a != b) t.add_link(a, b, core_rate, latency());
  }
  for (int i = 0; i < 16; ++i) {
    const NodeId host = t.add_node("host" + std::to_string(i));
    const NodeId on = core[rng.uniform_int(8)];
    t.add_link(host, on, host_rate, latency());
    if (rng.uniform_int(4) == 0) t.add_link(host, on, host_rate, latency());
    const NodeId also = core[rng.uniform_int(8)];
    if (rng.uniform_int(8) == 0 && also != on) {
      t.add_link(host, also, host_rate, latency());
      hosts.push_back(std::nullopt);
    } else {
      hosts.push_back(on);
    }
  }
  return core;
}

// All-pairs shortest path weights by Floyd-Warshall over what is up.
struct AllPairs {
  static constexpr std::int64_t kInf = std::numeric_limits<std::int64_t>::max() / 4;

  explicit AllPairs(const Topology& topology) : t(topology), n(topology.node_count()) {
    cost.assign(n * n, kInf);
    for (NodeId v = 0; v < n; ++v) cost[v * n + v] = 0;
    for (LinkId l = 0; l < t.link_count(); ++l) {
      if (!usable(l)) continue;
      const auto& link = t.link(l);
      cost[link.a * n + link.b] = std::min(cost[link.a * n + link.b], weight(t, l));
      cost[link.b * n + link.a] = std::min(cost[link.b * n + link.a], weight(t, l));
    }
    for (NodeId k = 0; k < n; ++k) {
      for (NodeId i = 0; i < n; ++i) {
        for (NodeId j = 0; j < n; ++j) {
          cost[i * n + j] = std::min(cost[i * n + j], cost[i * n + k] + cost[k * n + j]);
        }
      }
    }
  }

  bool usable(LinkId l) const {
    const auto& link = t.link(l);
    return link.up && t.node_up(link.a) && t.node_up(link.b);
  }
  std::int64_t at(NodeId a, NodeId b) const { return cost[a * n + b]; }

  // v's neighbours on shortest paths from `from` to v, with their weights from `from`,
  // nearest first; parallel links count once.
  std::vector<std::pair<std::int64_t, NodeId>> tight(NodeId from, NodeId v) const {
    std::vector<std::pair<std::int64_t, NodeId>> out;
    for (LinkId l = 0; l < t.link_count(); ++l) {
      const auto& link = t.link(l);
      if (!usable(l) || (link.a != v && link.b != v)) continue;
      const NodeId u = link.a == v ? link.b : link.a;
      if (at(from, u) + weight(t, l) == at(from, v)) out.emplace_back(at(from, u), u);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  // The one shortest path's links from `from` to `to`; nullopt when another path is as
  // short (then any of them is right). Of parallel links, the lowest latency, the first
  // added among equals.
  std::optional<std::vector<LinkId>> unique_path(NodeId from, NodeId to) const {
    std::vector<LinkId> back;
    for (NodeId v = to; v != from;) {
      const auto before = tight(from, v);
      if (before.size() != 1) return std::nullopt;
      const NodeId u = before.front().second;
      std::optional<LinkId> via;
      for (LinkId l = 0; l < t.link_count(); ++l) {
        const auto& link = t.link(l);
        const bool joins = (link.a == v && link.b == u) || (link.b == v && link.a == u);
        if (!joins || !usable(l) || at(from, u) + weight(t, l) != at(from, v)) continue;
        if (!via || link.latency < t.link(*via).latency) via = l;
      }
      back.push_back(*via);
      v = u;
    }
    return std::vector<LinkId>(back.rbegin(), back.rend());
  }

  const Topology& t;
  std::size_t n;
  std::vector<std::int64_t> cost;
};

}  // namespace mailsim::net::testing
