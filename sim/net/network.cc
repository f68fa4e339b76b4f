#include "mailsim/net/network.h"

#include <algorithm>
#include <utility>

namespace mailsim::net {

namespace {
Side other(Side s) { return s == Side::kClient ? Side::kServer : Side::kClient; }
}  // namespace

Connection::Connection(Simulator& sim, Route route, NodeId client, NodeId server)
    : sim_(sim), route_(std::move(route)), client_(client), server_(server) {}

void Connection::set_handlers(Side side, ConnectionHandlers h) { handlers(side) = std::move(h); }

Time Connection::arrival_time(Side from, std::int64_t bytes) {
  Direction& d = dir(from);
  const Time start = std::max(sim_.now(), d.busy_until);
  const Duration transmit =
      route_.links.empty() ? Duration{} : route_.bottleneck.transmission_time(bytes);
  d.busy_until = start + transmit;
  d.bytes += bytes;
  return d.busy_until + route_.latency;
}

void Connection::send(Side from, std::string bytes) {
  if (dir(from).closed || broken_ || bytes.empty()) return;
  const Time at = arrival_time(from, static_cast<std::int64_t>(bytes.size()));
  sim_.schedule_at(at, [self = shared_from_this(), to = other(from), data = std::move(bytes)] {
    if (auto& h = self->handlers(to); h.on_data && !self->broken_) h.on_data(data);
  });
}

void Connection::close(Side from) {
  if (dir(from).closed) return;
  dir(from).closed = true;
  const Time at = std::max(sim_.now(), dir(from).busy_until) + route_.latency;
  sim_.schedule_at(at, [self = shared_from_this(), to = other(from)] {
    if (auto& h = self->handlers(to); h.on_closed && !self->broken_) h.on_closed();
  });
}

Network::Network(Simulator& sim, Topology& topology) : sim_(sim), topology_(topology) {}

Network::~Network() {
  for (const auto& weak : connections_) {
    if (const auto c = weak.lock()) {
      c->set_handlers(Side::kClient, {});
      c->set_handlers(Side::kServer, {});
    }
  }
}

bool Network::path_up(const Connection& c) const {
  if (!topology_.node_up(c.node(Side::kClient)) || !topology_.node_up(c.node(Side::kServer))) {
    return false;
  }
  for (const LinkId l : c.route().links) {
    const Link& link = topology_.link(l);
    if (!link.up || !topology_.node_up(link.a) || !topology_.node_up(link.b)) return false;
  }
  return true;
}

void Network::break_failed_connections() {
  std::erase_if(connections_, [](const auto& weak) { return weak.expired(); });
  for (const auto& weak : connections_) {
    if (const auto c = weak.lock(); c && !c->broken() && !path_up(*c)) c->break_off();
  }
}

void Network::listen(NodeId host, int port, AcceptHandler on_accept) {
  listeners_[{host, port}] = std::move(on_accept);
}

void Network::unlisten(NodeId host, int port) { listeners_.erase({host, port}); }

bool Network::listening(NodeId host, int port) const { return listeners_.contains({host, port}); }

void Network::connect(NodeId from, NodeId to, int port, Duration timeout, ConnectHandler done) {
  const std::optional<Route> route = topology_.route(from, to);
  if (!route) {  // no answer to the SYN: the caller's timeout expires
    sim_.schedule_in(timeout, [done = std::move(done)] { done({ConnectStatus::kTimedOut, {}}); });
    return;
  }
  const Duration rtt = route->latency * 2;
  if (rtt > timeout) {
    sim_.schedule_in(timeout, [done = std::move(done)] { done({ConnectStatus::kTimedOut, {}}); });
    return;
  }
  // The listener is checked when the SYN arrives; the answer (SYN-ACK or RST) is back one
  // round trip after sending. The server accepts when the client's ACK arrives.
  sim_.schedule_in(route->latency, [this, from, to, port, rtt, route = *route,
                                    done = std::move(done)]() mutable {
    const auto it = listeners_.find({to, port});
    if (it == listeners_.end() || !topology_.node_up(to)) {
      sim_.schedule_in(route.latency, [done = std::move(done)] {
        done({ConnectStatus::kRefused, {}});
      });
      return;
    }
    auto connection = std::make_shared<Connection>(sim_, std::move(route), from, to);
    if (connections_.size() >= 64 && connections_.size() % 64 == 0) {
      std::erase_if(connections_, [](const auto& weak) { return weak.expired(); });
    }
    connections_.push_back(connection);
    AcceptHandler accept = it->second;
    sim_.schedule_in(rtt, [connection, accept = std::move(accept)] {
      connection->set_handlers(Side::kServer, accept(connection));
    });
    sim_.schedule_in(connection->route().latency, [connection, done = std::move(done)] {
      done({ConnectStatus::kConnected, connection});
    });
  });
}

}  // namespace mailsim::net
