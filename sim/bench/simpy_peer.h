// The SimPy peer of the engine benchmark: bench/simpy/hold.py, the hold model written the
// idiomatic SimPy way (one process per pending event, each holding again and again), run
// by Debian's Python with Debian's python3-simpy (SimPy 2). It gets the same delay cycle as
// mailsim and ns-3 through a temporary file and prints one hold line.
#pragma once

#include <optional>
#include <string>

#include "mailsim/bench/hold_model.h"

namespace mailsim::bench {

// Debian's Python, which sees Debian's python3-* packages.
inline constexpr const char* kSimpyPython = "/usr/bin/python3";

// The script, when the Python and the script are there and SimPy imports; otherwise
// nullopt and why (with the package to install) in `why`.
std::optional<std::string> find_simpy_hold_script(std::string& why);

// SimPy runs the hold model about a hundred times slower than a compiled engine, so it
// times fewer events than default_hold_plan(): 10,000 warm-up and 200,000 timed events at
// every size. The queue holds `size` events throughout either way.
HoldPlan simpy_hold_plan(std::size_t size);

// Runs one plan in the peer. On failure returns nullopt and says why in `error`.
std::optional<HoldResult> run_simpy_hold(const std::string& script, const HoldPlan& plan,
                                         std::string& error);

}  // namespace mailsim::bench
