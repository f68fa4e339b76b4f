#include "mailsim/bench/net_bench.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>

#include "mailsim/core/random.h"
#include "mailsim/core/simulator.h"
#include "mailsim/net/flow_model.h"
#include "mailsim/net/topology.h"
#include "ns3_peer.h"

namespace mailsim::bench {

namespace {

constexpr const char* kSimgridProgramName = "mailsim-simgrid-flows";

void build_topology(const FlowWorkload& w, net::Topology& t) {
  for (std::size_t i = 0; i < w.nodes; ++i)
    t.add_node("n" + std::to_string(i), net::NodeKind::kRouter);
  for (const auto& l : w.links) t.add_link(l.a, l.b, DataRate::bits_per_second(l.bps), l.latency);
}

std::optional<FlowRun> run_simgrid_flows(const std::string& program, const FlowWorkload& w,
                                         std::string& error) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("mailsim-flows-" + std::to_string(::getpid()) + ".txt");
  {
    std::ofstream out(path);
    write_flow_workload(w, out);
  }
  const std::optional<std::string> line = run_ns3_peer({program, path.string()}, "flows", error);
  std::filesystem::remove(path);
  FlowRun r;
  if (!line || !parse_peer_field(*line, "seconds", r.seconds) ||
      !parse_peer_field(*line, "sim_end", r.sim_end_s)) {
    if (line) error = "unreadable line: " + *line;
    return std::nullopt;
  }
  r.events = 2 * w.flows.size();
  return r;
}

std::string per_second(const FlowRun& r) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", static_cast<double>(r.events) / r.seconds);
  return buf;
}

}  // namespace

FlowWorkload make_flow_workload(std::size_t nodes, std::size_t links, std::size_t flows,
                                std::size_t concurrent, std::uint64_t seed) {
  RandomStream rng(seed, 0, "bench:net");
  FlowWorkload w;
  w.nodes = nodes;
  w.concurrent = concurrent;
  constexpr std::int64_t kRates[] = {10'000'000, 100'000'000, 1'000'000'000};
  auto add_link = [&](std::uint32_t a, std::uint32_t b) {
    w.links.push_back({a, b, kRates[rng.uniform_int(3)],
                       Duration::milliseconds(1 + static_cast<std::int64_t>(rng.uniform_int(20)))});
  };
  for (std::uint32_t i = 1; i < nodes; ++i)
    add_link(i, static_cast<std::uint32_t>(rng.uniform_int(i)));
  while (w.links.size() < links) {
    const auto a = static_cast<std::uint32_t>(rng.uniform_int(nodes));
    const auto b = static_cast<std::uint32_t>(rng.uniform_int(nodes));
    if (a != b) add_link(a, b);
  }
  net::Topology t;
  build_topology(w, t);
  while (w.flows.size() < flows) {
    const auto a = static_cast<net::NodeId>(rng.uniform_int(nodes));
    const auto b = static_cast<net::NodeId>(rng.uniform_int(nodes));
    if (a == b) continue;
    FlowWorkload::Flow f;
    f.bytes = 1000 + static_cast<std::int64_t>(rng.exponential(100'000.0));
    const std::optional<net::Route> route = t.route(a, b);  // connected: always found
    f.links.assign(route->links.begin(), route->links.end());
    w.flows.push_back(std::move(f));
  }
  return w;
}

void write_flow_workload(const FlowWorkload& w, std::ostream& out) {
  out << "links " << w.links.size() << '\n';
  for (const auto& l : w.links) out << l.bps << '\n';
  out << "flows " << w.flows.size() << ' ' << w.concurrent << '\n';
  for (const auto& f : w.flows) {
    out << f.bytes << ' ' << f.links.size();
    for (const auto l : f.links) out << ' ' << l;
    out << '\n';
  }
}

FlowRun run_mailsim_flows(const FlowWorkload& w) {
  Simulator sim;
  net::Topology topology;
  build_topology(w, topology);
  net::FlowModel model(sim, topology);
  std::size_t next = 0;
  std::function<void()> start_next = [&] {
    if (next == w.flows.size()) return;
    const FlowWorkload::Flow& f = w.flows[next++];
    model.start(std::vector<net::LinkId>(f.links.begin(), f.links.end()), f.bytes, 0, start_next);
  };
  const auto begin = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < w.concurrent; ++i) start_next();
  sim.run();
  const auto end = std::chrono::steady_clock::now();
  return {std::chrono::duration<double>(end - begin).count(), sim.now().seconds(),
          2 * w.flows.size()};
}

int run_net_bench(std::ostream& out) {
  constexpr std::size_t kNodes = 150;
  constexpr std::size_t kLinks = 300;
  constexpr std::size_t kMoreFlows = 5'000;  // started as others complete
  const std::optional<std::string> peer =
      find_ns3_program(kSimgridProgramName, "", MAILSIM_SIMGRID_FLOWS_PROGRAM);
  out << "flow-level sharing: " << kNodes << " routers, " << kLinks << " links; K flows start at"
      << " once and " << kMoreFlows << " more as others complete (1 kB + Exp(100 kB), random"
      << " routes); every flow runs to its end\n";
  if (peer) {
    out << "SimGrid peer: " << *peer << " (max-min, no TCP factors)\n";
  } else {
    out << "SimGrid peer not found: install the Debian package libsimgrid-dev and rebuild\n";
  }
  out << "          K   mailsim ev/s   sim end s   SimGrid ev/s   sim end s   mailsim speed-up\n";
  for (const std::size_t concurrent : {std::size_t{1'000}, std::size_t{10'000}}) {
    const FlowWorkload w =
        make_flow_workload(kNodes, kLinks, concurrent + kMoreFlows, concurrent, 1);
    const FlowRun m = run_mailsim_flows(w);
    char line[160];
    std::snprintf(line, sizeof line, "%11zu %14s %11.3f", concurrent, per_second(m).c_str(),
                  m.sim_end_s);
    out << line;
    std::string error;
    const std::optional<FlowRun> s = peer ? run_simgrid_flows(*peer, w, error) : std::nullopt;
    if (s) {
      std::snprintf(line, sizeof line, " %14s %11.3f %17.2fx\n", per_second(*s).c_str(),
                    s->sim_end_s, s->seconds / m.seconds);
      out << line;
    } else {
      out << "            n/a         n/a               n/a"
          << (error.empty() ? "" : "  (" + error + ")") << '\n';
    }
  }
  return 0;
}

}  // namespace mailsim::bench
