// The ns-3 peers of the benchmarks: separate programs (bench/ns3/, built only when ns-3 is
// found) that print one tagged line each. They are separate processes because ns-3's
// simulator is a process-wide global. The engine benchmark's peer (hold.cc) runs the hold
// model on ns-3's default scheduler and prints one hold line.
#pragma once

#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailsim/bench/hold_model.h"

namespace mailsim::bench {

inline constexpr const char* kNs3HoldProgramName = "mailsim-ns3-hold";

// A peer program to run: `configured` when it is not empty, otherwise the first
// executable `name` beside the running executable, then `build_path` (where the build tree
// puts it; may be empty). nullopt when none is executable.
std::optional<std::string> find_ns3_program(std::string_view name, const std::string& configured,
                                            const std::string& build_path);

// Runs argv[0] with `argv` and returns the first line of its standard output that starts
// with `tag` and a space. On failure (cannot start, non-zero exit, no such line) returns
// nullopt and says why in `error`. Its standard error passes through.
std::optional<std::string> run_ns3_peer(const std::vector<std::string>& argv, std::string_view tag,
                                        std::string& error);

// Reads the number after ` key=` in a peer's line; false when there is none.
template <class T>
bool parse_peer_field(std::string_view line, std::string_view key, T& value) {
  const std::string needle = " " + std::string(key) + "=";
  const std::size_t at = line.find(needle);
  if (at == std::string_view::npos) {
    return false;
  }
  const char* first = line.data() + at + needle.size();
  return std::from_chars(first, line.data() + line.size(), value).ec == std::errc();
}

// find_ns3_program for kNs3HoldProgramName, built at MAILSIM_NS3_HOLD_PROGRAM.
std::optional<std::string> find_ns3_hold_program(const std::string& configured);

// Runs one plan in the peer. On failure returns nullopt and says why in `error`.
std::optional<HoldResult> run_ns3_hold(const std::string& program, const HoldPlan& plan,
                                       std::string& error);

}  // namespace mailsim::bench
