// The network as hosts see it: listening ports and connections over the topology.
// Opening a connection costs one round trip (the server accepts when the client's ACK
// arrives, half a round trip later). A connect to a host that is down or unreachable gets
// no answer (the caller's timeout decides); a connect to a port nobody listens on is
// refused after one round trip. Owns the flow model that connections share bandwidth in.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mailsim/core/flat_hash.h"
#include "mailsim/core/signal.h"
#include "mailsim/core/simulator.h"
#include "mailsim/net/connection.h"
#include "mailsim/net/flow_model.h"
#include "mailsim/net/topology.h"

namespace mailsim::net {

// A host or link went down or came back up.
struct StateChange {
  enum class What { kHost, kLink };
  What what = What::kHost;
  std::string target;  // the host's name, or a link's ends as "a--b"
  bool up = true;
  Time at;
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

  Network(Simulator& sim, Topology& topology, TcpOptions tcp = {});
  // Drops the handlers of connections still open, so that what they own is freed.
  ~Network();
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  Topology& topology() { return topology_; }
  FlowModel& flows() { return flows_; }

  void listen(NodeId host, int port, AcceptHandler on_accept);
  void unlisten(NodeId host, int port);
  bool listening(NodeId host, int port) const;

  // Opens a connection. `done` runs once: connected after one round trip, refused after
  // one round trip, or timed out after `timeout`. `owner` is kept alive until then, so that
  // `done` may hold a plain pointer (a shared_ptr in it would cost an allocation).
  void connect(NodeId from, NodeId to, int port, Duration timeout, ConnectHandler done,
               std::shared_ptr<void> owner = {});

  // Takes a host or link down or up: routes change, connections across what went down
  // break, and state_changed tells observers.
  void set_host_up(NodeId host, bool up);
  void set_link_up(LinkId link, bool up);
  Signal<StateChange> state_changed;

  // Breaks every open connection whose path has a node or link that is down. set_host_up
  // and set_link_up call it; call it after changing the topology's state directly.
  void break_failed_connections();

 private:
  Simulator& sim_;
  Topology& topology_;
  TcpOptions tcp_;
  FlowModel flows_{sim_, topology_};
  // By listener_key(host, port); looked up on every connect (a flat table: one probe),
  // never iterated, and no entry is held across a listen or unlisten. The host in the
  // low bits: the table's hash of an integer is the integer, its slot the low bits, and
  // most listeners share a port.
  static std::uint64_t listener_key(NodeId host, int port) {
    return std::uint64_t{static_cast<std::uint32_t>(port)} << 32 | host;
  }
  // Shared, so that an accept event holds the handler by a reference count instead of
  // copying it (its captures would allocate on every connect); an unlisten meanwhile
  // leaves the accept event its handler, as a copy would.
  FlatMap<std::uint64_t, std::shared_ptr<const AcceptHandler>> listeners_;
  // A connect whose SYN is on its way, or whose answer is, kept here so that their events
  // hold only its index and fit the engine's inline slot (a route and a handler would not:
  // an allocation per connect). A slot is free (in free_syns_) once the answer has arrived.
  struct Syn {
    Route route;
    NodeId from = 0;
    NodeId to = 0;
    int port = 0;
    ConnectHandler done;
    std::shared_ptr<void> owner;
  };
  void syn_arrived(std::uint32_t syn);
  void answer_arrived(std::uint32_t syn, ConnectResult result);
  std::vector<Syn> syns_;
  std::vector<std::uint32_t> free_syns_;
  std::vector<std::weak_ptr<Connection>> connections_;  // pruned as they close
};

}  // namespace mailsim::net
