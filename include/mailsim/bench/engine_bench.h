// `mailsim bench engine`: the hold model (see hold_model.h) on mailsim's Simulator and, in
// the same invocation, on ns-3's default scheduler (MapScheduler) through a peer program.
// Prints figures and ratios only; nothing here asserts on time.
//
// The peer is the executable `mailsim-ns3-hold`, built from bench/ns3/hold.cc only when
// ns-3's development files are found (Debian: libns3-dev). It is looked for, in order:
//   1. EngineBenchOptions::ns3_program, when set (it must then exist);
//   2. beside the running executable (/proc/self/exe), for installed layouts;
//   3. at the build-tree path compiled in as MAILSIM_NS3_HOLD_PROGRAM
//      (<build>/bench/mailsim-ns3-hold), for runs from the build tree.
// When none is found, the ns-3 columns read "n/a" and a line names the missing package.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

namespace mailsim::bench {

struct EngineBenchOptions {
  std::vector<std::size_t> sizes = {100, 10'000, 1'000'000};  // pending events, N
  int repetitions = 3;      // per size and engine; the best is reported
  std::string ns3_program;  // path of the peer; empty: look it up as described above
};

// Runs the benchmark and prints the table and the verdict on the targets to `out`.
// Returns 0 (figures only: a missed target is reported, not an error).
int run_engine_bench(const EngineBenchOptions& options, std::ostream& out);

}  // namespace mailsim::bench
