#include "mailsim/net/topology.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <cassert>
#include <map>
#include <utility>

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
  bool up = true;
};

}  // namespace

struct Topology::Impl {
  Graph graph;
  std::vector<NodeData> nodes;
  std::vector<Link> links;
  std::map<std::string, NodeId, std::less<>> by_name;
  mutable std::map<std::pair<NodeId, NodeId>, std::optional<Route>> routes;

  // Only what is up carries traffic.
  struct UsableEdge {
    const Impl* impl = nullptr;
    bool operator()(const Edge& e) const {
      const Link& l = impl->links[impl->graph[e].link];
      return l.up && impl->nodes[l.a].up && impl->nodes[l.b].up;
    }
  };

  std::optional<Route> compute(NodeId from, NodeId to) const;
};

std::optional<Route> Topology::Impl::compute(NodeId from, NodeId to) const {
  if (!nodes[from].up || !nodes[to].up) return std::nullopt;
  if (from == to) return Route{};
  const boost::filtered_graph<Graph, UsableEdge> usable(graph, UsableEdge{this});
  const std::size_t n = nodes.size();
  std::vector<std::int64_t> distance(n);
  std::vector<NodeId> predecessor(n);
  boost::dijkstra_shortest_paths(usable, from,
                                 boost::weight_map(boost::get(&EdgeData::weight, graph))
                                     .distance_map(distance.data())
                                     .predecessor_map(predecessor.data())
                                     .distance_inf(INT64_MAX));
  if (distance[to] == INT64_MAX) return std::nullopt;
  Route route;
  for (NodeId v = to; v != from; v = predecessor[v]) {
    // Among parallel links between the two nodes, take the usable one of lowest latency.
    std::optional<LinkId> best;
    for (auto [e, end] = boost::out_edges(v, graph); e != end; ++e) {
      if (boost::target(*e, graph) != predecessor[v] || !UsableEdge{this}(*e)) continue;
      const LinkId l = graph[*e].link;
      if (!best || links[l].latency < links[*best].latency) best = l;
    }
    route.links.insert(route.links.begin(), *best);
    route.latency += links[*best].latency;
  }
  route.bottleneck = links[route.links.front()].bandwidth;
  for (const LinkId l : route.links)
    route.bottleneck = std::min(route.bottleneck, links[l].bandwidth);
  return route;
}

Topology::Topology() : impl_(std::make_unique<Impl>()) {}
Topology::~Topology() = default;

NodeId Topology::add_node(std::string name, NodeKind kind) {
  assert(!impl_->by_name.contains(name));
  const auto id = static_cast<NodeId>(boost::add_vertex(impl_->graph));
  impl_->by_name.emplace(name, id);
  impl_->nodes.push_back({std::move(name), kind});
  impl_->routes.clear();
  return id;
}

LinkId Topology::add_link(NodeId a, NodeId b, DataRate bandwidth, Duration latency) {
  assert(a != b && a < impl_->nodes.size() && b < impl_->nodes.size() && bandwidth.bps() > 0);
  assert(latency >= Duration{} && latency <= kMaxLinkLatency);
  const auto id = static_cast<LinkId>(impl_->links.size());
  impl_->links.push_back({a, b, bandwidth, latency, true});
  boost::add_edge(a, b, EdgeData{id, latency.ns() * (std::int64_t{1} << kHopBits) + 1},
                  impl_->graph);
  impl_->routes.clear();
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
bool Topology::node_up(NodeId n) const { return impl_->nodes.at(n).up; }

void Topology::set_node_up(NodeId n, bool up) {
  impl_->nodes.at(n).up = up;
  impl_->routes.clear();
}

void Topology::set_link_up(LinkId l, bool up) {
  impl_->links.at(l).up = up;
  impl_->routes.clear();
}

std::optional<Route> Topology::route(NodeId from, NodeId to) const {
  const auto key = std::make_pair(from, to);
  auto it = impl_->routes.find(key);
  if (it == impl_->routes.end()) it = impl_->routes.emplace(key, impl_->compute(from, to)).first;
  return it->second;
}

}  // namespace mailsim::net
