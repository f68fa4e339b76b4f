// Routes from stubs (nodes whose usable links all lead to one neighbour), which the
// topology takes from the neighbour's shortest-path tree instead of a search of their own.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mailsim/core/random.h"
#include "mailsim/net/topology.h"
#include "support/catch.h"

using mailsim::DataRate;
using mailsim::Duration;
using mailsim::RandomStream;
using mailsim::net::LinkId;
using mailsim::net::NodeId;
using mailsim::net::Topology;

namespace {

DataRate mbps(std::int64_t n) { return DataRate::bits_per_second(n * 1'000'000); }
Duration ms(std::int64_t n) { return Duration::milliseconds(n); }

// All-pairs shortest paths by Floyd-Warshall over what is up, with the topology's order:
// latency first, then hops (a path's cost is latency * 2^16 + hops, as topology.h
// promises "among equal latencies the fewest hops win").
struct BruteForce {
  static constexpr std::int64_t kInf = std::numeric_limits<std::int64_t>::max() / 4;
  explicit BruteForce(const Topology& topology) : t(topology), n(topology.node_count()) {
    cost.assign(n * n, kInf);
    for (NodeId v = 0; v < n; ++v) cost[v * n + v] = 0;
    for (LinkId l = 0; l < t.link_count(); ++l) {
      const auto& link = t.link(l);
      if (!usable(l)) continue;
      const std::int64_t w = edge_cost(l);
      for (auto [a, b] : {std::pair{link.a, link.b}, std::pair{link.b, link.a}}) {
        cost[a * n + b] = std::min(cost[a * n + b], w);
      }
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
  std::int64_t edge_cost(LinkId l) const { return t.link(l).latency.ns() * 65536 + 1; }
  // The one shortest path's links from `from` to `to`, walking back from `to`; nullopt
  // when another path is as short (then any of them is right).
  std::optional<std::vector<LinkId>> unique_path(NodeId from, NodeId to) const {
    std::vector<LinkId> back;
    for (NodeId v = to; v != from;) {
      std::optional<NodeId> before;
      std::optional<LinkId> via;
      for (LinkId l = 0; l < t.link_count(); ++l) {
        const auto& link = t.link(l);
        if (!usable(l) || (link.a != v && link.b != v)) continue;
        const NodeId u = link.a == v ? link.b : link.a;
        if (cost[from * n + u] + edge_cost(l) != cost[from * n + v]) continue;
        if (before && *before != u) return std::nullopt;
        // Parallel links of the same latency: the first one added.
        if (!via || t.link(l).latency < t.link(*via).latency) via = l;
        before = u;
      }
      back.push_back(*via);
      v = *before;
    }
    return std::vector<LinkId>(back.rbegin(), back.rend());
  }
  const Topology& t;
  std::size_t n;
  std::vector<std::int64_t> cost;
};

}  // namespace

TEST_CASE("a host on one router routes through it, as the router's tree goes on") {
  // s =(4ms, 2ms)= r --5ms-- a --5ms-- x,  r --3ms-- b --10ms-- x,  r --1ms-- h
  // s to x: the 2 ms link (the lower latency of the parallel two), then r-a-x (10 ms)
  // rather than r-b-x (13 ms): 12 ms in all. s to h: 2 + 1 = 3 ms.
  Topology t;
  const NodeId s = t.add_node("s");
  const NodeId r = t.add_node("r");
  const NodeId a = t.add_node("a");
  const NodeId b = t.add_node("b");
  const NodeId x = t.add_node("x");
  const NodeId h = t.add_node("h");
  t.add_link(s, r, mbps(100), ms(4));
  const LinkId sr = t.add_link(s, r, mbps(10), ms(2));
  const LinkId ra = t.add_link(r, a, mbps(1000), ms(5));
  const LinkId ax = t.add_link(a, x, mbps(1000), ms(5));
  t.add_link(r, b, mbps(1000), ms(3));
  t.add_link(b, x, mbps(1000), ms(10));
  const LinkId rh = t.add_link(r, h, mbps(1000), ms(1));
  auto route = t.route(s, x);
  REQUIRE(route);
  CHECK(route->links == std::vector{sr, ra, ax});
  CHECK(route->latency == ms(12));
  CHECK(route->bottleneck == mbps(10));
  CHECK(t.route(s, r)->links == std::vector{sr});
  CHECK(t.route(s, h)->links == std::vector{sr, rh});
  CHECK(t.route(h, s)->links == std::vector{rh, sr});

  SECTION("its first link down, it takes the other one") {
    t.set_link_up(sr, false);
    route = t.route(s, x);
    REQUIRE(route);
    CHECK(route->latency == ms(14));
  }
  SECTION("its router down, it reaches nothing") {
    t.set_node_up(r, false);
    CHECK_FALSE(t.route(s, x));
    CHECK_FALSE(t.route(s, h));
  }
}

TEST_CASE("two nodes linked only to each other route to each other") {
  Topology t;
  const NodeId a = t.add_node("a");
  const NodeId b = t.add_node("b");
  const NodeId c = t.add_node("c");
  const LinkId ab = t.add_link(a, b, mbps(10), ms(1));
  CHECK(t.route(a, b)->links == std::vector{ab});
  CHECK(t.route(b, a)->links == std::vector{ab});
  CHECK_FALSE(t.route(a, c));
}

TEST_CASE("routes from every node are shortest paths, checked against Floyd-Warshall") {
  // Random graphs: a core of 8 nodes with 14 links, then 16 hosts each on one core node
  // (a quarter of them by two parallel links, one in eight on two core nodes). Latencies
  // of 1-6 ms give many ties of latency and hops; where the shortest path is unique the
  // route must be it, elsewhere it must cost as much. Some nodes and links go down.
  int unique_checked = 0;
  int stubs = 0;
  for (std::uint64_t graph = 0; graph < 12; ++graph) {
    RandomStream rng(graph, 0, "topology-stub-test");
    Topology t;
    const auto latency = [&] { return ms(1 + static_cast<std::int64_t>(rng.uniform_int(6))); };
    std::vector<NodeId> core;
    for (int i = 0; i < 8; ++i) core.push_back(t.add_node("core" + std::to_string(i)));
    for (int i = 1; i < 8; ++i) t.add_link(core[i], core[rng.uniform_int(i)], mbps(100), latency());
    for (int i = 0; i < 7; ++i) {
      const NodeId a = core[rng.uniform_int(8)];
      const NodeId b = core[rng.uniform_int(8)];
      if (a != b) t.add_link(a, b, mbps(100), latency());
    }
    for (int i = 0; i < 16; ++i) {
      const NodeId host = t.add_node("host" + std::to_string(i));
      const NodeId on = core[rng.uniform_int(8)];
      t.add_link(host, on, mbps(10), latency());
      if (rng.uniform_int(4) == 0) t.add_link(host, on, mbps(10), latency());
      const NodeId also = core[rng.uniform_int(8)];
      if (rng.uniform_int(8) == 0 && also != on) {
        t.add_link(host, also, mbps(10), latency());
      } else {
        ++stubs;
      }
    }
    if (graph % 3 == 1) t.set_link_up(static_cast<LinkId>(rng.uniform_int(t.link_count())), false);
    if (graph % 3 == 2) t.set_node_up(core[rng.uniform_int(8)], false);
    const BruteForce best(t);
    for (NodeId from = 0; from < t.node_count(); ++from) {
      for (NodeId to = 0; to < t.node_count(); ++to) {
        const auto route = t.route(from, to);
        const bool reachable =
            t.node_up(from) && t.node_up(to) && best.cost[from * best.n + to] < BruteForce::kInf;
        REQUIRE(route.has_value() == reachable);
        if (!route || from == to) continue;
        std::int64_t cost = 0;
        for (const LinkId l : route->links) cost += best.edge_cost(l);
        CHECK(cost == best.cost[from * best.n + to]);
        NodeId at = from;  // the links join up from `from` to `to`
        for (const LinkId l : route->links) {
          REQUIRE((t.link(l).a == at || t.link(l).b == at));
          at = t.link(l).a == at ? t.link(l).b : t.link(l).a;
        }
        CHECK(at == to);
        if (const auto path = best.unique_path(from, to)) {
          CHECK(route->links == *path);
          ++unique_checked;
        }
      }
    }
  }
  // The check ran over many unique paths, and most hosts were stubs.
  CHECK(unique_checked > 3000);
  CHECK(stubs > 12 * 16 * 3 / 4);
}
