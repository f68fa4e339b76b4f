// Routes among tied shortest paths: the topology shares a router's shortest-path tree with
// the hosts hanging off it, and must pick the very paths Boost's Dijkstra run from each
// host itself picks (what it did before sharing trees), ties and all, so that results
// do not depend on the sharing.
#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
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

namespace {

// Dijkstra from each node by itself, over the graph the topology's Boost search sees (the
// nodes and links in the order added, a path's weight latency * 2^16 + hops), walking the
// predecessors back and taking the lowest-latency link (first added among equals) of
// each hop.
struct PerSourceDijkstra {
  struct Edge {
    LinkId link = 0;
    std::int64_t weight = 0;
  };
  using Graph =
      boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property, Edge>;
  struct Usable {
    const Topology* t = nullptr;
    const Graph* g = nullptr;
    bool operator()(const Graph::edge_descriptor& e) const {
      const auto& link = t->link((*g)[e].link);
      return link.up && t->node_up(link.a) && t->node_up(link.b);
    }
  };

  explicit PerSourceDijkstra(const Topology& topology) : t(topology), g(topology.node_count()) {
    for (LinkId l = 0; l < t.link_count(); ++l) {
      boost::add_edge(t.link(l).a, t.link(l).b, Edge{l, weight(t, l)}, g);
    }
  }
  std::optional<std::vector<LinkId>> route(NodeId from, NodeId to) const {
    if (!t.node_up(from) || !t.node_up(to)) return std::nullopt;
    const boost::filtered_graph<Graph, Usable> usable(g, Usable{&t, &g});
    std::vector<std::int64_t> distance(t.node_count());
    std::vector<std::size_t> predecessor(t.node_count());
    boost::dijkstra_shortest_paths(usable, from,
                                   boost::weight_map(boost::get(&Edge::weight, g))
                                       .distance_map(distance.data())
                                       .predecessor_map(predecessor.data())
                                       .distance_inf(INT64_MAX));
    if (distance[to] == INT64_MAX) return std::nullopt;
    std::vector<LinkId> back;
    for (NodeId v = to; v != from; v = static_cast<NodeId>(predecessor[v])) {
      std::optional<LinkId> best;
      for (LinkId l = 0; l < t.link_count(); ++l) {
        const auto& link = t.link(l);
        const bool joins =
            (link.a == v && link.b == predecessor[v]) || (link.b == v && link.a == predecessor[v]);
        if (!joins || !link.up) continue;
        if (!best || link.latency < t.link(*best).latency) best = l;
      }
      back.push_back(*best);
    }
    return std::vector<LinkId>(back.rbegin(), back.rend());
  }

  const Topology& t;
  Graph g;
};

}  // namespace

TEST_CASE("every route is the one Dijkstra from its own source takes, ties included") {
  // Random graphs: a core with hosts (random_topology.h), 4 routers on it with 0-3 hosts each, two
  // small separate components, some nodes or links down. Latencies of 1-3 ms
  // tie paths everywhere; 1-12 ms leave ties decided by distance alone (two neighbours
  // on shortest paths, one nearer the source: any Dijkstra takes that one), which the
  // topology may share between a host and its router.
  int tied = 0;         // routes with another path as short
  int tied_shared = 0;  // of those, from a node hanging off a core node whose tree the heap
                        // did not decide
  for (std::uint64_t graph = 0; graph < 48; ++graph) {
    RandomStream rng(graph, 0, "topology-ties-test");
    const std::int64_t spread = graph % 2 == 0 ? 3 : 12;
    const auto latency = [&] {
      return ms(1 + static_cast<std::int64_t>(rng.uniform_int(static_cast<std::uint64_t>(spread))));
    };
    Topology t;
    // By node: the core node it hangs off.
    std::vector<std::optional<NodeId>> router(8);
    const std::vector<NodeId> core = add_core_with_hosts(t, rng, latency, router);
    for (int i = 0; i < 4; ++i) {  // routers with hosts of their own, on one core node
      const NodeId college = t.add_node("college" + std::to_string(i));
      const NodeId on = core[rng.uniform_int(8)];
      t.add_link(college, on, mbps(100), latency());
      if (rng.uniform_int(4) == 0) t.add_link(college, on, mbps(100), latency());
      router.push_back(on);
      const auto departments = rng.uniform_int(4);
      for (std::uint64_t k = 0; k < departments; ++k) {
        const NodeId department =
            t.add_node("college" + std::to_string(i) + "-" + std::to_string(k));
        t.add_link(department, college, mbps(10), latency());
        if (rng.uniform_int(4) == 0) t.add_link(department, college, mbps(10), latency());
        router.push_back(on);
      }
    }
    // Apart from the rest: x - a - b - y (a and b each other's one neighbour that is not a
    // leaf) and c - d.
    const NodeId x = t.add_node("x");
    const NodeId a = t.add_node("a");
    const NodeId b = t.add_node("b");
    const NodeId y = t.add_node("y");
    t.add_link(x, a, mbps(10), latency());
    t.add_link(a, b, mbps(10), latency());
    t.add_link(b, y, mbps(10), latency());
    t.add_link(t.add_node("c"), t.add_node("d"), mbps(10), latency());
    router.resize(t.node_count());
    if (graph % 3 == 1) t.set_link_up(static_cast<LinkId>(rng.uniform_int(t.link_count())), false);
    if (graph % 3 == 2) t.set_node_up(core[rng.uniform_int(8)], false);
    const PerSourceDijkstra reference(t);
    const AllPairs costs(t);
    // A router's tree is left to the heap when some node has two neighbours on shortest
    // paths equally near the router.
    const auto heap_decides = [&](NodeId r) {
      for (NodeId v = 0; v < t.node_count(); ++v) {
        const auto near = costs.tight(r, v);
        if (v != r && near.size() > 1 && near[0].first == near[1].first) return true;
      }
      return false;
    };
    for (NodeId from = 0; from < t.node_count(); ++from) {
      for (NodeId to = 0; to < t.node_count(); ++to) {
        const auto route = t.route(from, to);
        const auto expected = reference.route(from, to);
        REQUIRE(route.has_value() == expected.has_value());
        if (!route) continue;
        CHECK(route->links == *expected);
        if (from == to) continue;
        bool tie = false;  // a node on a shortest path has two neighbours on shortest paths
        for (NodeId v = 0; v < t.node_count(); ++v) {
          if (costs.at(from, v) + costs.at(v, to) == costs.at(from, to)) {
            tie = tie || costs.tight(from, v).size() > 1;
          }
        }
        if (!tie) continue;
        ++tied;
        if (router[from] && t.node_up(*router[from]) && !heap_decides(*router[from])) {
          ++tied_shared;
        }
      }
    }
  }
  // Many routes had ties, and many of those were shared from a router's tree.
  CHECK(tied > 700);
  CHECK(tied_shared > 150);
}
