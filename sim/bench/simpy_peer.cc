#include "simpy_peer.h"

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "ns3_peer.h"

namespace mailsim::bench {

namespace {

// The delay cycle as little-endian 64-bit nanoseconds, in a file that is removed when
// this object goes out of scope.
class DelayFile {
 public:
  DelayFile() {
    std::string pattern = (std::filesystem::temp_directory_path() / "mailsim-hold-XXXXXX").string();
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0) return;
    ::close(fd);
    path_ = pattern;
    HoldDelays delays;
    std::ofstream out(path_, std::ios::binary);
    for (std::size_t i = 0; i < kHoldDelayCount; ++i) {
      const auto ns = static_cast<std::uint64_t>(delays.next().ns());
      unsigned char bytes[8];
      for (int b = 0; b < 8; ++b) bytes[b] = static_cast<unsigned char>(ns >> (8 * b));
      out.write(reinterpret_cast<const char*>(bytes), sizeof bytes);
    }
    if (!out) path_.clear();
  }
  ~DelayFile() {
    if (!path_.empty()) std::filesystem::remove(path_);
  }
  DelayFile(const DelayFile&) = delete;
  DelayFile& operator=(const DelayFile&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

std::optional<std::string> find_simpy_hold_script(std::string& why) {
  const std::string script = MAILSIM_SIMPY_HOLD_SCRIPT;
  if (::access(kSimpyPython, X_OK) != 0) {
    why = std::string(kSimpyPython) + " is missing (install the Debian package python3)";
    return std::nullopt;
  }
  if (::access(script.c_str(), R_OK) != 0) {
    why = script + " is missing";
    return std::nullopt;
  }
  std::string error;
  if (!run_ns3_peer({kSimpyPython, "-c", "import SimPy.Simulation; print('simpy ok')"}, "simpy",
                    error)) {
    why = "SimPy does not import (install the Debian package python3-simpy)";
    return std::nullopt;
  }
  return script;
}

HoldPlan simpy_hold_plan(std::size_t size) { return HoldPlan{size, 10'000, 200'000}; }

std::optional<HoldResult> run_simpy_hold(const std::string& script, const HoldPlan& plan,
                                         std::string& error) {
  const DelayFile delays;
  if (delays.path().empty()) {
    error = "cannot write the delay cycle to a temporary file";
    return std::nullopt;
  }
  const auto line =
      run_ns3_peer({kSimpyPython, script, delays.path(), std::to_string(plan.size),
                    std::to_string(plan.warmup_events), std::to_string(plan.timed_events)},
                   "hold", error);
  if (!line) return std::nullopt;
  if (auto result = parse_hold_line(*line)) return result;
  error = script + " printed a hold line that does not parse: " + *line;
  return std::nullopt;
}

}  // namespace mailsim::bench
