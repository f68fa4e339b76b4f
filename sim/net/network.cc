#include "mailsim/net/network.h"

#include <algorithm>
#include <utility>

namespace mailsim::net {

Network::Network(Simulator& sim, Topology& topology, TcpOptions tcp)
    : sim_(sim), topology_(topology), tcp_(tcp) {}

Network::~Network() {
  for (const auto& weak : connections_) {
    if (const auto c = weak.lock()) {
      c->set_handlers(Side::kClient, {});
      c->set_handlers(Side::kServer, {});
    }
  }
}

void Network::set_host_up(NodeId host, bool up) {
  topology_.set_node_up(host, up);
  break_failed_connections();
  state_changed({StateChange::What::kHost, topology_.name(host), up, sim_.now()});
}

void Network::set_link_up(LinkId link, bool up) {
  topology_.set_link_up(link, up);
  break_failed_connections();
  const Link& l = topology_.link(link);
  state_changed(
      {StateChange::What::kLink, topology_.name(l.a) + "--" + topology_.name(l.b), up, sim_.now()});
}

void Network::break_failed_connections() {
  std::erase_if(connections_, [](const auto& weak) { return weak.expired(); });
  for (const auto& weak : connections_) {
    if (const auto c = weak.lock(); c && !c->broken() && !c->path_up()) c->break_off();
  }
}

void Network::listen(NodeId host, int port, AcceptHandler on_accept) {
  listeners_[listener_key(host, port)] =
      std::make_shared<const AcceptHandler>(std::move(on_accept));
}

void Network::unlisten(NodeId host, int port) { listeners_.erase(listener_key(host, port)); }

bool Network::listening(NodeId host, int port) const {
  return listeners_.contains(listener_key(host, port));
}

void Network::connect(NodeId from, NodeId to, int port, Duration timeout, ConnectHandler done,
                      std::shared_ptr<void> owner) {
  std::optional<Route> route = topology_.route(from, to);
  // No route, or a round trip longer than the timeout: the caller's timeout expires.
  if (!route || route->latency * 2 > timeout) {
    sim_.schedule_in(timeout, [done = std::move(done), owner = std::move(owner)] {
      done({ConnectStatus::kTimedOut, {}});
    });
    return;
  }
  // The listener is checked when the SYN arrives; the answer (SYN-ACK or RST) is back one
  // round trip after sending. The server accepts when the client's ACK arrives.
  const Duration latency = route->latency;
  std::uint32_t syn;
  if (free_syns_.empty()) {
    syn = static_cast<std::uint32_t>(syns_.size());
    syns_.emplace_back();
  } else {
    syn = free_syns_.back();
    free_syns_.pop_back();
  }
  // Field by field, every field of Syn (a reused slot keeps what is not set): a braced Syn
  // would be a temporary, moved in member by member and then destroyed.
  Syn& s = syns_[syn];
  s.route = std::move(*route);
  s.from = from;
  s.to = to;
  s.port = port;
  s.done = std::move(done);
  s.owner = std::move(owner);
  sim_.schedule_in(latency, [this, syn] { syn_arrived(syn); });
}

void Network::syn_arrived(std::uint32_t syn) {
  Syn& s = syns_[syn];
  const auto it = listeners_.find(listener_key(s.to, s.port));
  if (it == listeners_.end() || !topology_.node_up(s.to)) {
    sim_.schedule_in(s.route.latency, [this, syn] {
      answer_arrived(syn, {ConnectStatus::kRefused, {}});
    });
    return;
  }
  const Duration latency = s.route.latency;
  auto connection =
      std::make_shared<Connection>(sim_, topology_, flows_, tcp_, std::move(s.route), s.from, s.to);
  if (connections_.size() >= 64 && connections_.size() % 64 == 0) {
    std::erase_if(connections_, [](const auto& weak) { return weak.expired(); });
  }
  connections_.push_back(connection);
  sim_.schedule_in(latency * 2, [connection, accept = it->second] {
    connection->set_handlers(Side::kServer, (*accept)(connection));
  });
  sim_.schedule_in(latency, [this, syn, connection = std::move(connection)] {
    answer_arrived(syn, {ConnectStatus::kConnected, connection});
  });
}

void Network::answer_arrived(std::uint32_t syn, ConnectResult result) {
  // Taken out first: `done` may connect again, and that may grow syns_.
  const ConnectHandler done = std::move(syns_[syn].done);
  const std::shared_ptr<void> owner = std::move(syns_[syn].owner);
  free_syns_.push_back(syn);
  done(std::move(result));
}

}  // namespace mailsim::net
