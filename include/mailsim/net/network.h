// Connections between hosts over the topology, with TCP-like timing: opening costs one
// round trip, bytes arrive in order after the path latency plus their size over the
// path's bottleneck bandwidth, and a closed side is seen one latency later. A connect to a
// host that is down or unreachable gets no answer (the caller's timeout decides); a
// connect to a port nobody listens on is refused after one round trip.
// This is the walking skeleton's model: flows do not yet share bandwidth.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mailsim/core/simulator.h"
#include "mailsim/net/topology.h"

namespace mailsim::net {

enum class Side { kClient = 0, kServer = 1 };

// What one side of a connection is told. on_closed fires once, after all data the peer
// sent before closing has arrived.
struct ConnectionHandlers {
  std::function<void(std::string_view bytes)> on_data;
  std::function<void()> on_closed;
};

// Shared by both sides' owners; pending deliveries keep it alive.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Simulator& sim, Route route, NodeId client, NodeId server);

  // Queues bytes from one side to the other; they arrive in order. Ignored once that side
  // has closed.
  void send(Side from, std::string bytes);
  // Closes one direction (like shutdown + close); the peer's on_closed follows its data.
  void close(Side from);
  void set_handlers(Side side, ConnectionHandlers handlers);

  NodeId node(Side side) const { return side == Side::kClient ? client_ : server_; }
  // The path failed (a host or link on it went down): bytes in flight and bytes sent from
  // now on are lost, and neither side is told; each finds out by its own timeout, as over
  // a real cut cable or crashed host.
  void break_off() { broken_ = true; }
  bool broken() const { return broken_; }
  const Route& route() const { return route_; }
  std::int64_t bytes_sent(Side from) const { return dir(from).bytes; }

 private:
  struct Direction {
    Time busy_until;  // when the sender's last queued byte has left
    std::int64_t bytes = 0;
    bool closed = false;
  };
  Direction& dir(Side from) { return dirs_[from == Side::kClient ? 0 : 1]; }
  const Direction& dir(Side from) const { return dirs_[from == Side::kClient ? 0 : 1]; }
  ConnectionHandlers& handlers(Side side) { return handlers_[side == Side::kClient ? 0 : 1]; }
  Time arrival_time(Side from, std::int64_t bytes);

  Simulator& sim_;
  Route route_;
  NodeId client_;
  NodeId server_;
  Direction dirs_[2];
  ConnectionHandlers handlers_[2];
  bool broken_ = false;
};

enum class ConnectStatus { kConnected, kRefused, kTimedOut };

struct ConnectResult {
  ConnectStatus status = ConnectStatus::kTimedOut;
  std::shared_ptr<Connection> connection;  // set when connected
};

class Network {
 public:
  // Called on the server's node when a connection is accepted; returns the server side's
  // handlers.
  using AcceptHandler = std::function<ConnectionHandlers(std::shared_ptr<Connection>)>;
  using ConnectHandler = std::function<void(ConnectResult)>;

  Network(Simulator& sim, Topology& topology);
  // Drops the handlers of connections still open, so that what they own is freed.
  ~Network();
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  Topology& topology() { return topology_; }
  Simulator& simulator() { return sim_; }

  void listen(NodeId host, int port, AcceptHandler on_accept);
  void unlisten(NodeId host, int port);
  bool listening(NodeId host, int port) const;

  // Opens a connection. `done` runs once: connected after one round trip, refused after
  // one round trip, or timed out after `timeout`.
  void connect(NodeId from, NodeId to, int port, Duration timeout, ConnectHandler done);

  // Breaks every open connection whose path has a node or link that is down. Call after
  // changing the topology's up/down state.
  void break_failed_connections();

 private:
  bool path_up(const Connection& c) const;

  Simulator& sim_;
  Topology& topology_;
  std::map<std::pair<NodeId, int>, AcceptHandler> listeners_;
  std::vector<std::weak_ptr<Connection>> connections_;  // pruned as they close
};

}  // namespace mailsim::net
