#include "mailsim/bench/tcp_validation.h"

#include <cassert>
#include <cmath>
#include <iomanip>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "mailsim/core/simulator.h"
#include "mailsim/net/network.h"
#include "ns3_peer.h"

namespace mailsim::bench {

namespace {

inline constexpr const char* kNs3TcpProgramName = "mailsim-ns3-tcp";
constexpr double kMeanErrorGoal = 0.15;
constexpr double kMaxErrorGoal = 0.30;
constexpr int kPort = 25;

struct Case {
  std::int64_t bytes;
  DataRate bandwidth;
  Duration latency;
};

std::vector<Case> validation_cases() {
  const std::int64_t sizes[] = {1 << 10, 10 << 10, 100 << 10, 1 << 20, 10 << 20};
  const std::int64_t mbps[] = {1, 10, 100, 1000};
  const std::int64_t latency_ms[] = {1, 10, 100};
  std::vector<Case> cases;
  for (const std::int64_t bytes : sizes) {
    for (const std::int64_t m : mbps) {
      for (const std::int64_t ms : latency_ms) {
        cases.push_back(
            {bytes, DataRate::bits_per_second(m * 1'000'000), Duration::milliseconds(ms)});
      }
    }
  }
  return cases;
}

struct Ns3Result {
  double seconds = 0;
  std::uint64_t packets = 0;  // on the sender's wire, retransmissions included
  std::uint64_t drops = 0;
};

std::optional<Ns3Result> run_ns3_tcp(const std::string& program, const Case& c,
                                     std::string& error) {
  const auto line =
      run_ns3_peer({program, std::to_string(c.bytes), std::to_string(c.bandwidth.bps()),
                    std::to_string(c.latency.ns())},
                   "tcp", error);
  if (!line) {
    return std::nullopt;
  }
  Ns3Result result;
  if (!parse_peer_field(*line, "seconds", result.seconds) ||
      !parse_peer_field(*line, "packets", result.packets) ||
      !parse_peer_field(*line, "drops", result.drops)) {
    error = program + " printed a tcp line that does not parse: " + *line;
    return std::nullopt;
  }
  return result;
}

std::optional<std::string> find_ns3_tcp_program() {
#ifdef MAILSIM_NS3_TCP_PROGRAM
  const std::string build_path = MAILSIM_NS3_TCP_PROGRAM;
#else
  const std::string build_path;
#endif
  return find_ns3_program(kNs3TcpProgramName, "", build_path);
}

struct Row {
  Case c;
  double mailsim_seconds = 0;
  std::optional<Ns3Result> ns3;
  double error() const { return mailsim_seconds / ns3->seconds - 1; }
};

std::string size_label(std::int64_t bytes) {
  return bytes >= (1 << 20) ? std::to_string(bytes >> 20) + " MiB"
                            : std::to_string(bytes >> 10) + " KiB";
}

void print_row(const Row& row, std::ostream& out) {
  std::ostringstream line;
  line << std::setw(8) << size_label(row.c.bytes) << std::setw(7)
       << row.c.bandwidth.bps() / 1'000'000 << std::setw(6) << row.c.latency.ns() / 1'000'000
       << std::fixed << std::setprecision(4);
  if (row.ns3) {
    line << std::setw(11) << row.ns3->seconds;
  } else {
    line << std::setw(11) << "n/a";
  }
  line << std::setw(11) << row.mailsim_seconds;
  if (row.ns3) {
    const double percent = std::round(row.error() * 1000) / 10;
    line << std::showpos << std::setprecision(1) << std::setw(9) << percent + 0.0 << " %"
         << std::noshowpos << std::setw(8) << row.ns3->packets << std::setw(6) << row.ns3->drops;
  }
  out << line.str() << '\n';
}

void print_summary(const std::vector<Row>& rows, std::ostream& out) {
  double sum = 0;
  const Row* worst = &rows.front();
  for (const Row& row : rows) {
    sum += std::abs(row.error());
    if (std::abs(row.error()) > std::abs(worst->error())) {
      worst = &row;
    }
  }
  const double mean = sum / static_cast<double>(rows.size());
  const double max = std::abs(worst->error());
  out << std::fixed << std::setprecision(1) << "\nmean absolute error " << mean * 100
      << " % (goal < " << kMeanErrorGoal * 100
      << " %): " << (mean < kMeanErrorGoal ? "met" : "missed") << "\nmax absolute error "
      << max * 100 << " % at " << size_label(worst->c.bytes) << ", "
      << worst->c.bandwidth.bps() / 1'000'000 << " Mbit/s, " << worst->c.latency.ns() / 1'000'000
      << " ms (goal: none > " << kMaxErrorGoal * 100
      << " %): " << (max <= kMaxErrorGoal ? "met" : "missed") << '\n';
}

}  // namespace

Duration mailsim_transfer_time(std::int64_t bytes, DataRate bandwidth, Duration latency) {
  assert(bytes > 0 && bandwidth.bps() > 0);
  Simulator sim;
  net::Topology topology;
  const net::NodeId client = topology.add_node("client");
  const net::NodeId server = topology.add_node("server");
  topology.add_link(client, server, bandwidth, latency);
  net::Network network(sim, topology);

  std::int64_t received = 0;
  std::optional<Time> done;
  network.listen(server, kPort, [&](std::shared_ptr<net::Connection>) {
    net::ConnectionHandlers handlers;
    handlers.on_data = [&](std::string_view data) {
      received += static_cast<std::int64_t>(data.size());
      if (received >= bytes && !done) {
        done = sim.now();
        sim.stop();
      }
    };
    return handlers;
  });
  network.connect(client, server, kPort, Duration::seconds(60), [&](net::ConnectResult result) {
    if (result.status == net::ConnectStatus::kConnected) {
      result.connection->send(net::Side::kClient,
                              std::string(static_cast<std::size_t>(bytes), 'x'));
    }
  });
  sim.run();
  assert(done && "the message did not arrive");
  return done ? done->since_start() : Duration::max();
}

int run_tcp_validation(std::ostream& out) {
  const std::optional<std::string> peer = find_ns3_tcp_program();
  if (peer) {
    out << "ns-3 peer: " << *peer << '\n';
  } else {
    out << kNs3TcpProgramName
        << " not found: it is built only when ns-3 is found (install the Debian package "
           "libns3-dev and reconfigure); printing mailsim's times only\n";
  }
  out << "    size   Mbps    ms      ns-3 s  mailsim s    error   pkts drops\n";
  std::vector<Row> rows;
  bool ns3_failed = !peer;
  for (const Case& c : validation_cases()) {
    Row row{c, mailsim_transfer_time(c.bytes, c.bandwidth, c.latency).seconds(), std::nullopt};
    if (!ns3_failed) {
      std::string error;
      row.ns3 = run_ns3_tcp(*peer, c, error);
      if (!row.ns3) {
        out << "ns-3 peer failed: " << error << '\n';
        ns3_failed = true;
      }
    }
    print_row(row, out);
    rows.push_back(row);
  }
  if (!ns3_failed) {
    print_summary(rows, out);
  }
  return 0;
}

}  // namespace mailsim::bench
