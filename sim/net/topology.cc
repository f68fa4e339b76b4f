#include "mailsim/net/topology.h"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <cassert>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace mailsim::net {

namespace {

// Path weight: latency in the high bits, one per hop in the low 16, so that among paths
// of equal latency the one with fewer hops wins; what ties remain go to the order in which
// links were added (Boost's Dijkstra is deterministic for a given graph).
constexpr int kHopBits = 16;

struct EdgeData {
  LinkId link = 0;
  std::int64_t weight = 0;
};
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS,
                                    boost::no_property, EdgeData>;
using Edge = boost::graph_traits<Graph>::edge_descriptor;

struct NodeData {
  std::string name;
  NodeKind kind;
};

}  // namespace

// The lowest-latency paths from one node to every node, as one Dijkstra run leaves them:
// for each node reached, the node before it and the link taken from there.
struct ShortestPathTree {
  static constexpr LinkId kUnreached = UINT32_MAX;
  // Side by side, so that each step of a route walked back reads one cache line, not two.
  struct Step {
    NodeId predecessor = 0;
    LinkId via = kUnreached;  // kUnreached for nodes without a path, and for the source
  };
  std::vector<Step> steps;  // by node
  // No predecessor was left to the order of Dijkstra's heap. A node's predecessor is the
  // first of its neighbours on a shortest path to be taken off the heap, and the heap
  // gives them up nearest first; only between neighbours as near as each other does its
  // inner order decide. When no node has two such, every run of Boost's Dijkstra over
  // the same shortest paths picks the same predecessors, whatever else its heap holds.
  bool heap_free = true;
};

// How a node routes: by a tree of its own, or as its upstream neighbour does after the
// first hop. A node's leaves are the neighbours whose usable links all lead to it (hosts
// on their router); its upstream is its one other neighbour, when it has just one (a host
// hanging off its router, or a router whose other links lead to its own hosts). Every
// path from the node to what is not its leaf starts with the hop upstream, and no
// shortest path from upstream comes back through the node but to its leaves, so there
// the node's distances are upstream's plus that hop and each node has the same
// neighbours on shortest paths. When upstream's tree is heap_free, Dijkstra from the node
// picks the same predecessors (its heap lacks only the node and its leaves); otherwise
// the node gets a tree of its own.
struct SourceRoutes {
  std::optional<NodeId> upstream;  // routes as upstream does after `first`, or by `own`
  LinkId first = 0;
  std::unique_ptr<const ShortestPathTree> own;
};

struct Topology::Impl {
  Graph graph;
  std::vector<NodeData> nodes;
  // Apart from the names, so that the flags that every connect and route reads share a few
  // cache lines.
  std::vector<std::uint8_t> node_up;
  std::vector<Link> links;
  std::map<std::string, NodeId, std::less<>> by_name;
  // By source node, made when it first routes; a Dijkstra run finds the paths to all
  // nodes at once. Dropped when a node or link changes state. In place, not behind a
  // pointer: one cold load less at each step of a route. Sized once, before any is made,
  // so that a reference to one stays valid while routes() makes another.
  mutable std::vector<std::optional<SourceRoutes>> sources;
  mutable std::vector<std::int64_t> distance;  // compute()'s scratch space
  mutable std::vector<NodeId> predecessor;     // compute()'s scratch space
  mutable std::vector<LinkId> path;            // route()'s scratch space
  // Each node's sole_neighbor(), kNoNeighbor for none: route() asks it of every
  // destination, whose links it would otherwise walk, cold, at every connect. Made for all
  // nodes when first asked; dropped with the routes.
  static constexpr NodeId kNoNeighbor = UINT32_MAX;
  mutable std::vector<NodeId> sole_neighbors;

  // Only what is up carries traffic.
  struct UsableEdge {
    const Impl* impl = nullptr;
    bool operator()(const Edge& e) const {
      const Link& l = impl->links[impl->graph[e].link];
      return l.up && impl->node_up[l.a] && impl->node_up[l.b];
    }
  };

  const SourceRoutes& routes(NodeId from) const;
  bool heap_free(NodeId from) const;  // of the tree `from` routes by
  std::unique_ptr<const ShortestPathTree> compute(NodeId from) const;
  std::optional<LinkId> best_link(NodeId v, NodeId u) const;
  std::optional<NodeId> sole_neighbor(NodeId v) const;  // over usable links
  NodeId cached_sole_neighbor(NodeId v) const;          // or kNoNeighbor
  std::optional<NodeId> upstream(NodeId v) const;
  void changed() {
    sources.clear();
    sole_neighbors.clear();
  }
};

const SourceRoutes& Topology::Impl::routes(NodeId from) const {
  if (sources.size() < nodes.size()) sources.resize(nodes.size());
  if (sources[from]) return *sources[from];
  SourceRoutes r;
  const std::optional<NodeId> up = upstream(from);
  // Two nodes each other's upstream (all else hangs off them) route by trees of their own.
  if (up && upstream(*up) != from && heap_free(*up)) {
    r.upstream = up;
    r.first = *best_link(*up, from);
  } else {
    r.own = compute(from);
  }
  sources[from] = std::move(r);
  return *sources[from];
}

// Follows upstreams to a tree, which it reaches: they never come round, since on a cycle
// of three or more nodes each would have two neighbours that are not its leaves, and two
// nodes each other's upstream route by trees of their own (routes()).
bool Topology::Impl::heap_free(NodeId from) const {
  const SourceRoutes& r = routes(from);
  return r.own ? r.own->heap_free : heap_free(*r.upstream);
}

std::optional<NodeId> Topology::Impl::sole_neighbor(NodeId v) const {
  std::optional<NodeId> neighbor;
  for (auto [e, end] = boost::out_edges(v, graph); e != end; ++e) {
    if (!UsableEdge{this}(*e)) continue;
    const auto u = static_cast<NodeId>(boost::target(*e, graph));
    if (neighbor && *neighbor != u) return std::nullopt;
    neighbor = u;
  }
  return neighbor;
}

NodeId Topology::Impl::cached_sole_neighbor(NodeId v) const {
  if (sole_neighbors.empty()) {
    sole_neighbors.resize(nodes.size());
    for (NodeId n = 0; n < nodes.size(); ++n) {
      sole_neighbors[n] = sole_neighbor(n).value_or(kNoNeighbor);
    }
  }
  return sole_neighbors[v];
}

// v's one neighbour over usable links that is not its leaf, if it has just one.
std::optional<NodeId> Topology::Impl::upstream(NodeId v) const {
  std::optional<NodeId> up;
  for (auto [e, end] = boost::out_edges(v, graph); e != end; ++e) {
    const auto u = static_cast<NodeId>(boost::target(*e, graph));
    if (up == u || !UsableEdge{this}(*e) || sole_neighbor(u) == v) continue;
    if (up) return std::nullopt;
    up = u;
  }
  return up;
}

// Among parallel usable links between v and u, the one of lowest latency (the first
// added among equals).
std::optional<LinkId> Topology::Impl::best_link(NodeId v, NodeId u) const {
  std::optional<LinkId> best;
  for (auto [e, end] = boost::out_edges(v, graph); e != end; ++e) {
    if (boost::target(*e, graph) != u || !UsableEdge{this}(*e)) continue;
    const LinkId l = graph[*e].link;
    if (!best || links[l].latency < links[*best].latency) best = l;
  }
  return best;
}

std::unique_ptr<const ShortestPathTree> Topology::Impl::compute(NodeId from) const {
  const boost::filtered_graph<Graph, UsableEdge> usable(graph, UsableEdge{this});
  const std::size_t n = nodes.size();
  distance.resize(n);
  predecessor.resize(n);
  auto tree = std::make_unique<ShortestPathTree>();
  tree->steps.assign(n, {});
  boost::dijkstra_shortest_paths(usable, from,
                                 boost::weight_map(boost::get(&EdgeData::weight, graph))
                                     .distance_map(distance.data())
                                     .predecessor_map(predecessor.data())
                                     .distance_inf(INT64_MAX));
  for (NodeId v = 0; v < n; ++v) {
    if (v == from || distance[v] == INT64_MAX) continue;
    const NodeId before = predecessor[v];
    tree->steps[v] = {before, *best_link(v, before)};
    // Another neighbour on a path as short and as near the source as `before`: Dijkstra's
    // heap order chose between them. (Weights are positive, so one nearer the source
    // would have been taken off the heap first, and one farther comes too late.)
    for (auto [e, end] = boost::out_edges(v, graph); e != end && tree->heap_free; ++e) {
      const auto u = static_cast<NodeId>(boost::target(*e, graph));
      if (u == before || distance[u] != distance[before] || !UsableEdge{this}(*e)) continue;
      if (distance[u] == distance[v] - graph[*e].weight) tree->heap_free = false;
    }
  }
  return tree;
}

Topology::Topology() : impl_(std::make_unique<Impl>()) {}
Topology::~Topology() = default;

NodeId Topology::add_node(std::string name, NodeKind kind) {
  assert(!impl_->by_name.contains(name));
  const auto id = static_cast<NodeId>(boost::add_vertex(impl_->graph));
  impl_->by_name.emplace(name, id);
  impl_->nodes.push_back({std::move(name), kind});
  impl_->node_up.push_back(1);
  impl_->changed();
  return id;
}

LinkId Topology::add_link(NodeId a, NodeId b, DataRate bandwidth, Duration latency) {
  assert(a != b && a < impl_->nodes.size() && b < impl_->nodes.size() && bandwidth.bps() > 0);
  assert(latency >= Duration{} && latency <= kMaxLinkLatency);
  const auto id = static_cast<LinkId>(impl_->links.size());
  impl_->links.push_back({a, b, bandwidth, latency, true});
  boost::add_edge(a, b, EdgeData{id, latency.ns() * (std::int64_t{1} << kHopBits) + 1},
                  impl_->graph);
  impl_->changed();
  return id;
}

std::optional<NodeId> Topology::find(std::string_view name) const {
  const auto it = impl_->by_name.find(name);
  if (it == impl_->by_name.end()) return std::nullopt;
  return it->second;
}

const std::string& Topology::name(NodeId n) const { return impl_->nodes.at(n).name; }
NodeKind Topology::kind(NodeId n) const { return impl_->nodes.at(n).kind; }
std::size_t Topology::node_count() const { return impl_->nodes.size(); }
std::size_t Topology::link_count() const { return impl_->links.size(); }
const Link& Topology::link(LinkId l) const { return impl_->links.at(l); }
bool Topology::node_up(NodeId n) const { return impl_->node_up.at(n) != 0; }

void Topology::set_node_up(NodeId n, bool up) {
  impl_->node_up.at(n) = up ? 1 : 0;
  impl_->changed();
}

void Topology::set_link_up(LinkId l, bool up) {
  impl_->links.at(l).up = up;
  impl_->changed();
}

std::optional<Route> Topology::route(NodeId from, NodeId to) const {
  if (!impl_->node_up[from] || !impl_->node_up[to]) return std::nullopt;
  if (from == to) return Route{};
  // The path is made in the scratch space, then copied: the route's own vector is allocated
  // once, at its length.
  std::vector<LinkId>& path = impl_->path;
  path.clear();
  for (NodeId at = from; at != to;) {  // `at`: where the path so far ends
    const SourceRoutes& source = impl_->routes(at);
    if (source.own) {
      const ShortestPathTree& tree = *source.own;
      if (tree.steps[to].via == ShortestPathTree::kUnreached) return std::nullopt;
      const std::size_t start = path.size();  // the tree's part, walked back from `to`
      for (NodeId v = to; v != at; v = tree.steps[v].predecessor) path.push_back(tree.steps[v].via);
      std::reverse(path.begin() + static_cast<std::ptrdiff_t>(start), path.end());
      break;
    }
    if (impl_->cached_sole_neighbor(to) == at) {  // one of at's leaves
      path.push_back(*impl_->best_link(to, at));
      break;
    }
    path.push_back(source.first);
    at = *source.upstream;
  }
  Route route;
  route.links.assign(path.begin(), path.end());
  route.bottleneck = impl_->links[route.links.front()].bandwidth;
  for (const LinkId l : route.links) {
    route.latency += impl_->links[l].latency;
    route.bottleneck = std::min(route.bottleneck, impl_->links[l].bandwidth);
  }
  return route;
}

}  // namespace mailsim::net
