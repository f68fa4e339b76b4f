// mailsim-simgrid-flows WORKLOAD: the SimGrid peer of `mailsim bench net`. Runs the flows
// of WORKLOAD (the format of mailsim::bench::write_flow_workload) on SimGrid's CM02 flow
// model and prints one line on stdout:
//   flows engine=simgrid flows=M concurrent=K seconds=... sim_end=... events_per_s=...
// seconds is the wall clock of the simulation alone (not parsing, not platform building);
// sim_end is the simulated time at which the last flow completed. A malformed workload is
// reported on stderr with exit status 2. SimGrid's own --cfg=... and --log=... options are
// accepted before WORKLOAD.
//
// Model: CM02 with every correction turned off, so that rates are pure max-min fairness
// over the links of each route (see configure_pure_max_min). Each flow gets its own source
// host in a star zone whose "up" route is exactly the flow's link list, and a shared sink
// host with an empty "down" route: the route of flow j is then link list j and nothing else.
// K worker actors each send one flow at a time with Comm::sendto (one-sided, no mailbox):
// when a flow completes its worker takes the next unstarted flow at that simulated time.
#include <xbt/log.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <simgrid/s4u.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>
#include <xbt/config.hpp>

namespace {

namespace sg4 = simgrid::s4u;

struct Flow {
  std::uint64_t bytes = 0;
  std::vector<std::uint64_t> links;
};

struct Workload {
  std::vector<std::uint64_t> link_bps;
  std::vector<Flow> flows;
  std::uint64_t concurrent = 0;
};

// Reads the workload line by line; every failure names the line.
class WorkloadReader {
 public:
  explicit WorkloadReader(std::istream& in) : in_(in) {}

  // "<word> n1 n2 ...": returns the `count` numbers after `word`.
  std::vector<std::uint64_t> header(std::string_view word, std::size_t count) {
    std::vector<std::string_view> fields = next_fields();
    if (fields.size() != count + 1 || fields[0] != word) {
      fail("expected \"" + std::string(word) + "\" and " + std::to_string(count) + " count(s)");
    }
    return numbers(fields, 1);
  }

  // A line of unsigned integers only.
  std::vector<std::uint64_t> numbers_line() { return numbers(next_fields(), 0); }

  void expect_end() {
    std::string rest;
    while (std::getline(in_, rest)) {
      ++line_number_;
      if (!split(rest).empty()) fail("unexpected text after the last flow");
    }
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("line " + std::to_string(line_number_) + ": " + what);
  }

 private:
  static std::vector<std::string_view> split(std::string_view line) {
    std::vector<std::string_view> fields;
    std::size_t i = 0;
    while (i < line.size()) {
      const std::size_t begin = line.find_first_not_of(" \t\r", i);
      if (begin == std::string_view::npos) break;
      const std::size_t end = std::min(line.find_first_of(" \t\r", begin), line.size());
      fields.push_back(line.substr(begin, end - begin));
      i = end;
    }
    return fields;
  }

  std::vector<std::string_view> next_fields() {
    if (!std::getline(in_, line_)) {
      ++line_number_;
      fail("unexpected end of file");
    }
    ++line_number_;
    return split(line_);
  }

  std::vector<std::uint64_t> numbers(const std::vector<std::string_view>& fields,
                                     std::size_t first) const {
    std::vector<std::uint64_t> values;
    for (std::size_t i = first; i < fields.size(); ++i) {
      std::uint64_t value = 0;
      const char* end = fields[i].data() + fields[i].size();
      const auto [ptr, ec] = std::from_chars(fields[i].data(), end, value);
      if (ec != std::errc() || ptr != end)
        fail("not an unsigned integer: " + std::string(fields[i]));
      values.push_back(value);
    }
    return values;
  }

  std::istream& in_;
  std::string line_;
  std::size_t line_number_ = 0;
};

Flow read_flow(WorkloadReader& reader, std::size_t link_count) {
  const std::vector<std::uint64_t> v = reader.numbers_line();
  if (v.size() < 2 || v[1] == 0 || v.size() - 2 != v[1]) {
    reader.fail("expected <bytes> <n> and n >= 1 link indices");
  }
  Flow flow{v[0], {v.begin() + 2, v.end()}};
  for (const std::uint64_t link : flow.links) {
    if (link >= link_count) reader.fail("link index out of range: " + std::to_string(link));
  }
  return flow;
}

Workload read_workload(std::istream& in) {
  WorkloadReader reader(in);
  Workload w;
  const std::uint64_t link_count = reader.header("links", 1)[0];
  for (std::uint64_t i = 0; i < link_count; ++i) {
    const std::vector<std::uint64_t> v = reader.numbers_line();
    if (v.size() != 1 || v[0] == 0) reader.fail("expected one positive bandwidth in bit/s");
    w.link_bps.push_back(v[0]);
  }
  const std::vector<std::uint64_t> counts = reader.header("flows", 2);
  w.concurrent = counts[1];
  if (w.concurrent == 0 && counts[0] > 0) reader.fail("concurrent flows must be at least 1");
  for (std::uint64_t j = 0; j < counts[0]; ++j) {
    w.flows.push_back(read_flow(reader, w.link_bps.size()));
  }
  reader.expect_end();
  return w;
}

// Pure max-min: CM02 without bandwidth or latency factors, no RTT weighting of the share
// (weight-S 0; with zero latency every flow's penalty is then 1), no TCP window bound
// (TCP-gamma 0), and no 5% reverse traffic on the way back (crosstraffic off). These are
// forced; the two tuning options below only take effect unless given with --cfg. Must run
// before the first zone is created, which instantiates the models.
void configure_pure_max_min() {
  sg4::Engine::set_config("network/model:CM02");
  sg4::Engine::set_config("network/bandwidth-factor:1.0");
  sg4::Engine::set_config("network/latency-factor:1.0");
  sg4::Engine::set_config("network/weight-S:0");
  sg4::Engine::set_config("network/TCP-gamma:0");
  sg4::Engine::set_config("network/crosstraffic:0");
  // Full re-solves every step; the default, Lazy, re-solves only the constraints touched.
  // On random routes over a few hundred links every flow is coupled to every other, so
  // Lazy's bookkeeping buys nothing and Full ran twice as fast with identical results.
  if (simgrid::config::is_default("network/optim")) {
    sg4::Engine::set_config("network/optim:Full");
  }
  // Ten thousand blocked workers: their stacks need far less than the 8 MiB default.
  if (simgrid::config::is_default("contexts/stack-size")) {
    sg4::Engine::set_config("contexts/stack-size:128");
  }
}

struct Platform {
  sg4::Host* driver = nullptr;  // where the worker actors live; sends nothing itself
  sg4::Host* sink = nullptr;
  std::vector<sg4::Host*> sources;  // sources[j] is flow j's source
};

Platform build_platform(const Workload& w) {
  sg4::NetZone* zone = sg4::create_star_zone("flows");
  std::vector<const sg4::Link*> links;
  for (std::size_t i = 0; i < w.link_bps.size(); ++i) {
    // SimGrid bandwidths are in bytes per second; latency stays at its default, zero.
    const double bytes_per_second = static_cast<double>(w.link_bps[i]) / 8.0;
    links.push_back(zone->create_link("link" + std::to_string(i), bytes_per_second)->seal());
  }
  Platform p;
  p.driver = zone->create_host("driver", 1.0)->seal();
  p.sink = zone->create_host("sink", 1.0)->seal();  // empty down route, set when sealed
  for (std::size_t j = 0; j < w.flows.size(); ++j) {
    sg4::Host* source = zone->create_host("flow" + std::to_string(j), 1.0)->seal();
    std::vector<sg4::LinkInRoute> route;
    for (const std::uint64_t link : w.flows[j].links) route.emplace_back(links[link]);
    zone->add_route(source->get_netpoint(), nullptr, nullptr, nullptr, route, false);
    p.sources.push_back(source);
  }
  zone->seal();
  return p;
}

// The flows still to start, shared by the workers. Actors run one at a time, so no locking.
struct FlowQueue {
  const Workload& workload;
  const Platform& platform;
  std::size_t next = 0;
  double last_end = 0.0;

  void run_worker() {
    while (next < workload.flows.size()) {
      const std::size_t j = next++;
      sg4::Comm::sendto(platform.sources[j], platform.sink, workload.flows[j].bytes);
      last_end = std::max(last_end, sg4::Engine::get_clock());
    }
  }
};

int run(int argc, char** argv) {
  sg4::Engine engine(&argc, argv);  // consumes --cfg and --log options
  if (argc != 2) {
    std::fprintf(stderr, "usage: mailsim-simgrid-flows [--cfg=...] WORKLOAD\n");
    return 2;
  }
  std::ifstream in(argv[1]);
  if (!in) {
    std::fprintf(stderr, "mailsim-simgrid-flows: cannot open %s\n", argv[1]);
    return 2;
  }
  Workload w;
  try {
    w = read_workload(in);
  } catch (const std::runtime_error& e) {
    std::fprintf(stderr, "mailsim-simgrid-flows: %s: %s\n", argv[1], e.what());
    return 2;
  }
  configure_pure_max_min();
  const Platform platform = build_platform(w);

  FlowQueue queue{w, platform};
  const auto begin = std::chrono::steady_clock::now();
  const std::uint64_t workers = std::min<std::uint64_t>(w.concurrent, w.flows.size());
  for (std::uint64_t i = 0; i < workers; ++i) {
    sg4::Actor::create("worker", platform.driver, [&queue] { queue.run_worker(); });
  }
  engine.run();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();

  const double events = 2.0 * static_cast<double>(w.flows.size());
  std::printf(
      "flows engine=simgrid flows=%zu concurrent=%llu seconds=%.6f sim_end=%.9f "
      "events_per_s=%.0f\n",
      w.flows.size(), static_cast<unsigned long long>(w.concurrent), seconds, queue.last_end,
      events / seconds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // SimGrid logs every configuration change at INFO level on stderr.
  xbt_log_control_set("xbt_cfg.thres:warning");
  return run(argc, argv);
}
