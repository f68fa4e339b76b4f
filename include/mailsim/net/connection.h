// One TCP-like connection between two hosts, carrying byte messages both ways in order.
// Each direction sends its messages one after the other; a message costs its bytes plus
// 40 bytes of TCP/IP header per segment on the wire. A message of at most one segment
// takes that over the path's bottleneck bandwidth; a longer one is a flow in the
// network's FlowModel, sharing links max-min fairly with the other flows and, with slow
// start on, bounded by its congestion window: one window per round trip, 10 segments at
// first, doubling each round trip until the fair share is the limit; what fits in the
// window goes at once. A message arrives one path latency after its last byte has left.
// A message may be a Payload with virtual spans (core/payload.h): they cost their length on
// the wire like real bytes. Shared by both sides' owners; pending deliveries keep it alive.
#pragma once

#include <boost/container/small_vector.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mailsim/core/payload.h"
#include "mailsim/core/simulator.h"
#include "mailsim/net/flow_model.h"
#include "mailsim/net/topology.h"

namespace mailsim::net {

enum class Side { kClient = 0, kServer = 1 };

struct TcpOptions {
  bool slow_start = true;
  std::int64_t segment_bytes = 1460;  // MSS
  std::int64_t header_bytes = 40;     // TCP and IP headers per segment
  int initial_window = 10;            // segments (RFC 6928)
};

// What one side of a connection is told. on_closed fires once, after all data the peer
// sent before closing has arrived. A side that sets on_payload gets each message as the
// peer sent it, virtual spans and all; otherwise on_data gets its bytes, virtual ones
// generated. A side's handlers are replaced or dropped together by set_handlers(), which
// must not be called while one of them runs (the callers schedule it instead): so a handler
// may hold a plain pointer to what another of the same set, or `owner`, keeps alive. A
// handler capturing a shared_ptr would cost an allocation (std::function keeps only
// trivially copyable captures inline); `owner` costs none.
struct ConnectionHandlers {
  std::function<void(std::string_view bytes)> on_data;
  std::function<void()> on_closed;
  std::function<void(const Payload& payload)> on_payload;
  std::shared_ptr<void> owner;  // kept alive as long as the handlers
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Simulator& sim, const Topology& topology, FlowModel& flows, const TcpOptions& tcp,
             Route route, NodeId client, NodeId server);

  // Queues bytes from one side to the other; they arrive in order. Ignored once that side
  // has closed. On a broken connection the bytes are lost; if the path is up again, the
  // peer answers with a reset and the sender's on_closed follows one round trip later.
  void send(Side from, std::string bytes) { send(from, Payload(std::move(bytes))); }
  void send(Side from, Payload&& payload);
  // Closes one direction (like shutdown + close); the peer's on_closed follows its data.
  void close(Side from);
  void set_handlers(Side side, ConnectionHandlers handlers);

  NodeId node(Side side) const { return side == Side::kClient ? client_ : server_; }
  // The path failed (a host or link on it went down): bytes in flight and bytes sent from
  // now on are lost, and neither side is told; each finds out by its own timeout, as over
  // a real cut cable or crashed host.
  void break_off();
  bool broken() const { return broken_; }
  // Both hosts and every node and link on the route are up.
  bool path_up() const;
  const Route& route() const { return route_; }

 private:
  // Keeps the connection alive while one of its own events or flows is pending, after its
  // owners may have let go: the first pin takes a shared_ptr to the connection, the last
  // drops it. A pin per event costs a plain increment where a shared_ptr per event costs
  // two atomic operations, and a pin and a side fit the engine's inline slot.
  class Pin {
   public:
    explicit Pin(Connection& c) : c_(&c) { c_->hold(); }
    Pin(const Pin& other) : c_(other.c_) { c_->hold(); }
    Pin(Pin&& other) noexcept : c_(std::exchange(other.c_, nullptr)) {}
    Pin& operator=(const Pin&) = delete;
    Pin& operator=(Pin&&) = delete;
    ~Pin() {
      if (c_ != nullptr) c_->let_go();
    }
    Connection* operator->() const { return c_; }

   private:
    Connection* c_;
  };
  void hold() {
    if (pins_++ == 0) keep_alive_ = shared_from_this();
  }
  // May destroy the connection: the caller touches it no more.
  void let_go() {
    if (--pins_ == 0) std::shared_ptr<Connection> last = std::move(keep_alive_);
  }

  struct Direction {
    // The messages in the order sent: [delivered, next) have left and are on their way,
    // [next, end) wait, the one at `next` being sent while `sending`. Their deliveries are
    // events at the same delay after leaving, so they come in this order and take theirs
    // from `delivered`. Emptied once all have been delivered. Room for one inside: a
    // direction rarely has two on their way, and a vector's would be an allocation for
    // each direction of each connection.
    boost::container::small_vector<Payload, 1> messages;
    std::size_t delivered = 0;
    std::size_t next = 0;
    bool sending = false;
    bool closed = false;
    FlowModel::FlowId flow = 0;
    bool in_flow = false;
    double window_bytes = 0;  // congestion window, on the wire; 0 once slow start is over
    EventId window_timer;
  };
  Direction& dir(Side from) { return dirs_[from == Side::kClient ? 0 : 1]; }
  const Direction& dir(Side from) const { return dirs_[from == Side::kClient ? 0 : 1]; }
  ConnectionHandlers& handlers(Side side) { return handlers_[side == Side::kClient ? 0 : 1]; }

  void send_next(Side from);
  void sent(Side from);
  void arrive(Side to);
  void deliver(Side to, const Payload& payload);
  double window_cap(const Direction& d) const;
  std::int64_t wire_bytes(std::int64_t payload) const;
  void grow_window(Side from);

  Simulator& sim_;
  const Topology& topology_;
  FlowModel& flows_;
  const TcpOptions& tcp_;
  Route route_;
  NodeId client_;
  NodeId server_;
  Direction dirs_[2];
  ConnectionHandlers handlers_[2];
  bool broken_ = false;
  bool reset_ = false;  // a reset was sent back to one side
  std::uint32_t pins_ = 0;
  std::shared_ptr<Connection> keep_alive_;  // this connection while pins_ > 0
};

}  // namespace mailsim::net
