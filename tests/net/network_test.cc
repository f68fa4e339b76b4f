#include "mailsim/net/network.h"

#include <string>
#include <utility>
#include <vector>

#include "support/catch.h"

using mailsim::DataRate;
using mailsim::Duration;
using mailsim::Simulator;
using mailsim::Time;
using namespace mailsim::net;

namespace {

// client --(10 Mbit/s, 20 ms)-- server
struct TwoHosts {
  explicit TwoHosts(bool slow_start = true) : network(sim, topology, TcpOptions{slow_start}) {}
  Simulator sim;
  Topology topology;
  NodeId client = topology.add_node("client");
  NodeId server = topology.add_node("server");
  LinkId link = topology.add_link(client, server, DataRate::bits_per_second(10'000'000),
                                  Duration::milliseconds(20));
  Network network;
};

// Connects, sends `messages` from the client at once, and returns when each arrived.
std::vector<std::pair<std::string, Time>> transfer(TwoHosts& w, std::vector<std::string> messages) {
  std::vector<std::pair<std::string, Time>> received;
  w.network.listen(w.server, 25, [&](std::shared_ptr<Connection>) {
    return ConnectionHandlers{[&](std::string_view b) { received.emplace_back(b, w.sim.now()); },
                              [] {}};
  });
  w.network.connect(w.client, w.server, 25, Duration::seconds(30), [&](ConnectResult r) {
    for (auto& m : messages) r.connection->send(Side::kClient, std::move(m));
  });
  w.sim.run();
  return received;
}

Time at(Duration d) { return Time::zero() + d; }

}  // namespace

TEST_CASE("a connection opens after one round trip and the server accepts on the ACK") {
  TwoHosts w;
  Time accepted;
  w.network.listen(w.server, 25, [&](std::shared_ptr<Connection>) {
    accepted = w.sim.now();
    return ConnectionHandlers{};
  });
  ConnectResult result;
  Time connected;
  w.network.connect(w.client, w.server, 25, Duration::seconds(30), [&](ConnectResult r) {
    result = r;
    connected = w.sim.now();
  });
  w.sim.run();
  CHECK(result.status == ConnectStatus::kConnected);
  CHECK(connected == at(Duration::milliseconds(40)));
  CHECK(accepted == at(Duration::milliseconds(60)));
}

TEST_CASE("bytes arrive after the handshake, latency and size over bandwidth, in order") {
  // Slow start off. Connected at 40 ms (one round trip). 12,500 bytes are 9 segments,
  // 12,860 bytes with headers: 10.288 ms at 10 Mbit/s, arriving 20 ms later. The next
  // 1,250 bytes (one segment, 1,290 on the wire: 1.032 ms) queue behind them.
  TwoHosts w(false);
  const auto received = transfer(w, {std::string(12'500, 'a'), std::string(1'250, 'b')});
  REQUIRE(received.size() == 2);
  CHECK(received[0].first[0] == 'a');
  CHECK(received[0].second == at(Duration::microseconds(40'000 + 10'288 + 20'000)));
  CHECK(received[1].first[0] == 'b');
  CHECK(received[1].second == at(Duration::microseconds(40'000 + 10'288 + 1'032 + 20'000)));
}

TEST_CASE("slow start sends one window per round trip, doubling, until the link limits it") {
  // 100,000 bytes are 69 segments, 102,760 bytes on the wire. RTT 40 ms; connected at
  // 40 ms. Window 10 x 1,500 = 15,000 bytes per 40 ms (3 Mbit/s): 40-80 ms sends 15,000;
  // the window doubles to 30,000 (6 Mbit/s): 80-120 ms sends 30,000; at 120 ms it doubles
  // to 60,000, which holds the remaining 57,760 bytes: they go at once at 10 Mbit/s,
  // 46.208 ms. The last byte leaves at 166.208 ms and arrives 20 ms later.
  TwoHosts w;
  const auto received = transfer(w, {std::string(100'000, 'x')});
  REQUIRE(received.size() == 1);
  CHECK(received[0].second.seconds() == Approx(0.186208).margin(1e-8));
}

TEST_CASE("a connect to a port nobody listens on is refused after one round trip") {
  TwoHosts w;
  ConnectResult result{ConnectStatus::kConnected, {}};
  w.network.connect(w.client, w.server, 25, Duration::seconds(30),
                    [&](ConnectResult r) { result = r; });
  w.sim.run();
  CHECK(result.status == ConnectStatus::kRefused);
  CHECK(w.sim.now() == at(Duration::milliseconds(40)));
}

TEST_CASE("a connect to a host that is down times out after the caller's timeout") {
  TwoHosts w;
  w.network.listen(w.server, 25, [](std::shared_ptr<Connection>) { return ConnectionHandlers{}; });
  w.topology.set_node_up(w.server, false);
  ConnectResult result{ConnectStatus::kConnected, {}};
  w.network.connect(w.client, w.server, 25, Duration::seconds(30),
                    [&](ConnectResult r) { result = r; });
  w.sim.run();
  CHECK(result.status == ConnectStatus::kTimedOut);
  CHECK(w.sim.now() == at(Duration::seconds(30)));
}

TEST_CASE("the peer sees a close after the data sent before it") {
  TwoHosts w;
  std::vector<std::string> events;
  w.network.listen(w.server, 25, [&](std::shared_ptr<Connection>) {
    return ConnectionHandlers{[&](std::string_view b) { events.emplace_back(b); },
                              [&] { events.emplace_back("closed"); }};
  });
  w.network.connect(w.client, w.server, 25, Duration::seconds(30), [&](ConnectResult r) {
    r.connection->send(Side::kClient, "QUIT\r\n");
    r.connection->close(Side::kClient);
    r.connection->send(Side::kClient, "ignored");
  });
  w.sim.run();
  CHECK(events == std::vector<std::string>{"QUIT\r\n", "closed"});
}

TEST_CASE("a link failure mid-transfer goes unnoticed until the sender meets a reset") {
  // 100,000 bytes without slow start take 82.208 ms from 40 ms; the link fails at 60 ms and
  // is back at 100 ms. Nothing arrives and nobody is told; the client's next send, at
  // 200 ms, meets a peer that no longer knows the connection: its reset arrives one round
  // trip later, at 240 ms.
  TwoHosts w(false);
  std::vector<std::string> server_saw;
  std::shared_ptr<Connection> client;
  Time client_closed;
  w.network.listen(w.server, 25, [&](std::shared_ptr<Connection>) {
    return ConnectionHandlers{[&](std::string_view b) { server_saw.emplace_back(b); },
                              [&] { server_saw.emplace_back("closed"); }};
  });
  w.network.connect(w.client, w.server, 25, Duration::seconds(30), [&](ConnectResult r) {
    client = r.connection;
    client->set_handlers(Side::kClient,
                         {[](std::string_view) {}, [&] { client_closed = w.sim.now(); }});
    client->send(Side::kClient, std::string(100'000, 'x'));
  });
  w.sim.schedule_at(at(Duration::milliseconds(60)), [&] {
    w.topology.set_link_up(w.link, false);
    w.network.break_failed_connections();
  });
  w.sim.schedule_at(at(Duration::milliseconds(100)), [&] { w.topology.set_link_up(w.link, true); });
  w.sim.schedule_at(at(Duration::milliseconds(200)),
                    [&] { client->send(Side::kClient, "RSET\r\n"); });
  w.sim.run();
  CHECK(server_saw.empty());
  CHECK(client_closed == at(Duration::milliseconds(240)));
  CHECK(w.network.flows().active_count() == 0);
}
