// Routes from stubs (nodes whose usable links all lead to one neighbour), which the
// topology takes from the neighbour's shortest-path tree instead of a search of their own.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mailsim/core/random.h"
#include "mailsim/net/topology.h"
#include "random_topology.h"
#include "support/catch.h"

using mailsim::RandomStream;
using mailsim::net::LinkId;
using mailsim::net::NodeId;
using mailsim::net::Topology;
using mailsim::net::testing::add_core_with_hosts;
using mailsim::net::testing::AllPairs;
using mailsim::net::testing::mbps;
using mailsim::net::testing::ms;
using mailsim::net::testing::weight;

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

TEST_CASE("a host that becomes another's leaf is routed to over their link") {
  // s -- r -- c -- k,  r -- h,  s -- x -- r. With x--r down, x hangs off s alone, and s
  // routes as its upstream r does: s to x must then take their link, not go round by r.
  Topology t;
  const NodeId s = t.add_node("s");
  const NodeId r = t.add_node("r");
  const NodeId c = t.add_node("c");
  const NodeId h = t.add_node("h");
  const NodeId x = t.add_node("x");
  const NodeId k = t.add_node("k");
  t.add_link(s, r, mbps(100), ms(1));
  t.add_link(r, c, mbps(100), ms(1));
  t.add_link(c, k, mbps(100), ms(1));
  const LinkId rh = t.add_link(r, h, mbps(100), ms(1));
  const LinkId sx = t.add_link(s, x, mbps(100), ms(1));
  const LinkId xr = t.add_link(x, r, mbps(100), ms(1));
  CHECK(t.route(h, x)->links == std::vector{rh, xr});  // x not yet anyone's leaf
  t.set_link_up(xr, false);
  CHECK(t.route(s, x)->links == std::vector{sx});
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
  // Random graphs: a core with hosts (random_topology.h). Latencies
  // of 1-6 ms give many ties of latency and hops; where the shortest path is unique the
  // route must be it, elsewhere it must cost as much. Some nodes and links go down.
  int unique_checked = 0;
  int stubs = 0;
  for (std::uint64_t graph = 0; graph < 12; ++graph) {
    RandomStream rng(graph, 0, "topology-stub-test");
    Topology t;
    const auto latency = [&] { return ms(1 + static_cast<std::int64_t>(rng.uniform_int(6))); };
    std::vector<std::optional<NodeId>> hosts;
    const std::vector<NodeId> core = add_core_with_hosts(t, rng, latency, hosts);
    for (const auto& on : hosts) stubs += on ? 1 : 0;
    if (graph % 3 == 1) t.set_link_up(static_cast<LinkId>(rng.uniform_int(t.link_count())), false);
    if (graph % 3 == 2) t.set_node_up(core[rng.uniform_int(8)], false);
    const AllPairs best(t);
    for (NodeId from = 0; from < t.node_count(); ++from) {
      for (NodeId to = 0; to < t.node_count(); ++to) {
        const auto route = t.route(from, to);
        const bool reachable =
            t.node_up(from) && t.node_up(to) && best.at(from, to) < AllPairs::kInf;
        REQUIRE(route.has_value() == reachable);
        if (!route || from == to) continue;
        std::int64_t cost = 0;
        for (const LinkId l : route->links) cost += weight(t, l);
        CHECK(cost == best.at(from, to));
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
