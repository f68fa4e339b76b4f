// A parameter sweep as validated plain data: a base scenario, the settings varied over a
// grid of points (scenario/override.h addresses them), and how many replications each
// point gets. load_sweep() reads it from a sweep file; scenarios/README.md ("Sweeps")
// documents the keys.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mailsim/core/time.h"
#include "mailsim/scenario/override.h"

namespace mailsim::scenario {

// One point of the grid: a value for every varied path, in the order the file names them.
struct SweepPoint {
  std::vector<ScenarioOverride> settings;
};

struct SweepConfig {
  std::string file;      // the sweep file
  std::string scenario;  // the base scenario's path, resolved against the sweep file's folder
  std::int64_t replications = 1;
  std::optional<std::uint64_t> seed;  // instead of the scenario's seed
  std::optional<Duration> until;      // instead of the scenario's duration
  std::string record = "summary";     // the record level of every run
  // The grid, first axis slowest; point k (from 1) is points[k - 1].
  std::vector<SweepPoint> points;
};

// Reads and validates a sweep file, and loads the scenario at every point so that a bad
// path or value is found before anything runs. Throws InputError naming the sweep file's
// line, column and key.
SweepConfig load_sweep(const std::string& path);

// The scenario at one point of the sweep.
ScenarioConfig load_point(const SweepConfig& sweep, const SweepPoint& point);

}  // namespace mailsim::scenario
