#include "mailsim/net/connection.h"

#include <utility>

namespace mailsim::net {

namespace {
Side other(Side s) { return s == Side::kClient ? Side::kServer : Side::kClient; }
}  // namespace

Connection::Connection(Simulator& sim, const Topology& topology, FlowModel& flows,
                       const TcpOptions& tcp, Route route, NodeId client, NodeId server)
    : sim_(sim),
      topology_(topology),
      flows_(flows),
      tcp_(tcp),
      route_(std::move(route)),
      client_(client),
      server_(server) {
  if (tcp_.slow_start && route_.latency > Duration{}) {
    for (Direction& d : dirs_) {
      d.window_bytes =
          static_cast<double>(tcp_.initial_window * (tcp_.segment_bytes + tcp_.header_bytes));
    }
  }
}

// Swapped rather than move-assigned (which builds and destroys a temporary per handler): the
// old handlers go with `h`.
void Connection::set_handlers(Side side, ConnectionHandlers h) {
  ConnectionHandlers& mine = handlers(side);
  mine.on_data.swap(h.on_data);
  mine.on_closed.swap(h.on_closed);
  mine.on_payload.swap(h.on_payload);
  mine.owner.swap(h.owner);
}

void Connection::send(Side from, Payload&& payload) {
  Direction& d = dir(from);
  if (d.closed || payload.empty()) return;
  if (broken_) {
    if (!reset_ && path_up()) {  // the peer no longer knows this connection: it resets
      reset_ = true;
      sim_.schedule_in(route_.latency * 2, [self = Pin(*this), from] {
        if (auto& h = self->handlers(from); h.on_closed) h.on_closed();
      });
    }
    return;
  }
  d.messages.push_back(std::move(payload));
  if (!d.sending) send_next(from);
}

void Connection::close(Side from) {
  Direction& d = dir(from);
  if (d.closed) return;
  d.closed = true;
  if (d.sending) return;  // the FIN follows the queued data (send_next)
  sim_.schedule_in(route_.latency, [self = Pin(*this), to = other(from)] {
    if (auto& h = self->handlers(to); h.on_closed && !self->broken_) h.on_closed();
  });
}

void Connection::send_next(Side from) {
  Direction& d = dir(from);
  if (broken_) d.messages.resize(d.next);  // those waiting are lost
  if (d.next == d.messages.size()) {
    d.sending = false;
    if (d.closed && !broken_) {
      d.closed = false;  // send the FIN once, through close()
      close(from);
    }
    return;
  }
  d.sending = true;
  const std::int64_t size = d.messages[d.next].size();
  if (route_.links.empty()) return sent(from);
  const std::int64_t wire = wire_bytes(size);
  if (size <= tcp_.segment_bytes) {  // one segment: no flow, just its transmission time
    sim_.schedule_in(route_.bottleneck.transmission_time(wire),
                     [self = Pin(*this), from] { self->sent(from); });
    return;
  }
  // What fits in the window goes at once; the window grows by what is acknowledged.
  double cap = window_cap(d);
  if (cap > 0 && static_cast<double>(wire) <= d.window_bytes) {
    d.window_bytes += static_cast<double>(wire);
    cap = 0;
  }
  d.in_flow = true;
  d.flow = flows_.start(route_.links, wire, cap, [self = Pin(*this), from] {
    self->dir(from).in_flow = false;
    self->sent(from);
  });
  if (cap > 0) {
    d.window_timer = sim_.schedule_in(route_.latency * 2,
                                      [self = Pin(*this), from] { self->grow_window(from); });
  }
}

void Connection::sent(Side from) {
  Direction& d = dir(from);
  if (d.window_timer.valid()) sim_.cancel(std::exchange(d.window_timer, {}));
  if (broken_ || d.next == d.messages.size()) return send_next(from);
  ++d.next;
  sim_.schedule_in(route_.latency, [self = Pin(*this), to = other(from)] { self->arrive(to); });
  send_next(from);
}

// The next message on its way to `to` has arrived.
void Connection::arrive(Side to) {
  Direction& d = dir(other(to));
  const Payload data = std::move(d.messages[d.delivered++]);
  if (d.delivered == d.messages.size()) {
    d.messages.clear();
    d.delivered = 0;
    d.next = 0;
  }
  if (!broken_) deliver(to, data);
}

void Connection::deliver(Side to, const Payload& payload) {
  ConnectionHandlers& h = handlers(to);
  if (h.on_payload) return h.on_payload(payload);
  if (!h.on_data) return;
  if (!payload.has_virtual()) {
    payload.for_each([&](std::string_view bytes) { h.on_data(bytes); }, [](const VirtualSpan&) {});
    return;
  }
  h.on_data(payload.materialise());
}

// The rate a congestion window allows: one window per round trip; 0 (none) once slow start
// is over or off.
double Connection::window_cap(const Direction& d) const {
  if (d.window_bytes <= 0) return 0;
  return d.window_bytes * 8 / (route_.latency * 2).seconds();
}

std::int64_t Connection::wire_bytes(std::int64_t payload) const {
  const std::int64_t segments = (payload + tcp_.segment_bytes - 1) / tcp_.segment_bytes;
  return payload + segments * tcp_.header_bytes;
}

void Connection::grow_window(Side from) {
  Direction& d = dir(from);
  if (!d.in_flow || broken_) return;
  if (flows_.rate_bps(d.flow) < window_cap(d)) {  // the fair share limits it now
    d.window_bytes = 0;
    flows_.set_cap(d.flow, 0);
    return;
  }
  d.window_bytes *= 2;
  if (flows_.remaining_bytes(d.flow) <= d.window_bytes) {  // the rest fits: it goes at once
    flows_.set_cap(d.flow, 0);
    return;
  }
  flows_.set_cap(d.flow, window_cap(d));
  d.window_timer =
      sim_.schedule_in(route_.latency * 2, [self = Pin(*this), from] { self->grow_window(from); });
}

bool Connection::path_up() const {
  if (!topology_.node_up(client_) || !topology_.node_up(server_)) return false;
  for (const LinkId l : route_.links) {
    const Link& link = topology_.link(l);
    if (!link.up || !topology_.node_up(link.a) || !topology_.node_up(link.b)) return false;
  }
  return true;
}

void Connection::break_off() {
  broken_ = true;
  for (Direction& d : dirs_) {
    if (d.in_flow) flows_.abort(d.flow);
    d.in_flow = false;
    sim_.cancel(d.window_timer);
  }
}

}  // namespace mailsim::net
