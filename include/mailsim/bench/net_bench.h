// `mailsim bench net`: flow starts and completions per second of the network layer's
// bandwidth sharing (net::FlowModel), with 1,000 and 10,000 concurrent flows on a random
// topology of a few hundred links, and the same workload on SimGrid's max-min flow model
// through a peer program (bench/simgrid/, built when Debian's libsimgrid-dev is found),
// side by side. Both also report when the last flow ended in simulated time, which must
// agree: the same max-min answer computed twice. Figures only; nothing asserts on time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <vector>

#include "mailsim/core/time.h"

namespace mailsim::bench {

// Links between `nodes` routers and flows along lowest-latency routes, with zero latency
// for the sharing itself: flows 0..concurrent-1 start at time 0 and each completion starts
// the next flow in order.
struct FlowWorkload {
  struct Link {
    std::uint32_t a = 0;
    std::uint32_t b = 0;
    std::int64_t bps = 0;
    Duration latency;  // used only to choose routes
  };
  struct Flow {
    std::int64_t bytes = 0;
    std::vector<std::uint32_t> links;
  };
  std::size_t nodes = 0;
  std::vector<Link> links;
  std::vector<Flow> flows;
  std::size_t concurrent = 0;
};

// A connected random topology (a random spanning tree plus random extra links; 10, 100 or
// 1000 Mbit/s; 1-20 ms) and `flows` flows between random pairs of distinct nodes, sizes
// 1 kB plus an exponential with mean 100 kB. Depends only on the arguments.
FlowWorkload make_flow_workload(std::size_t nodes, std::size_t links, std::size_t flows,
                                std::size_t concurrent, std::uint64_t seed);

// The peer's input format: "links L", L bandwidths, "flows M K", then per flow
// "<bytes> <n> <link>...".
void write_flow_workload(const FlowWorkload& w, std::ostream& out);

struct FlowRun {
  double seconds = 0;  // wall clock
  double sim_end_s = 0;
  std::uint64_t events = 0;  // starts + completions
};

FlowRun run_mailsim_flows(const FlowWorkload& w);

int run_net_bench(std::ostream& out);

}  // namespace mailsim::bench
