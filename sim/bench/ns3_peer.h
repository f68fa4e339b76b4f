// The ns-3 peer of the engine benchmark: a separate program (bench/ns3/hold.cc, built only
// when ns-3 is found) that runs the hold model on ns-3's default scheduler and prints one
// hold line. It is a separate process because ns-3's simulator is a process-wide global.
#pragma once

#include <optional>
#include <string>

#include "mailsim/bench/hold_model.h"

namespace mailsim::bench {

inline constexpr const char* kNs3HoldProgramName = "mailsim-ns3-hold";

// The peer to run: `configured` when it is not empty, otherwise the first executable of
// kNs3HoldProgramName beside the running executable, then MAILSIM_NS3_HOLD_PROGRAM (the
// build-tree path). nullopt when none is executable.
std::optional<std::string> find_ns3_hold_program(const std::string& configured);

// Runs one plan in the peer. On failure returns nullopt and says why in `error`.
std::optional<HoldResult> run_ns3_hold(const std::string& program, const HoldPlan& plan,
                                       std::string& error);

}  // namespace mailsim::bench
