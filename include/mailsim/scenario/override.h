// Changing a scenario's settings by path before it is validated: what a parameter sweep
// varies. A path names keys from the scenario's top ("defaults.processing_delay"); in a
// list it picks the element whose name: is the segment ("mtas.college.retry") or, for a
// segment of digits, the element at that index from 0 ("links.0.latency"). The last key
// is set, or added to its mapping; a missing mapping on the way is added too.
#pragma once

#include <span>
#include <string>

#include "mailsim/core/error.h"
#include "mailsim/scenario/config.h"

namespace mailsim::scenario {

struct ScenarioOverride {
  std::string path;           // "mtas.college.retry"
  std::string value;          // YAML text: a scalar ("exim") or a flow collection ("{fixed: 30m}")
  SourceLocation where;       // where the value was written (a sweep file's line, column)
  SourceLocation path_where;  // where the path was written; errors about it go there
};

// load_scenario() with the overrides applied in order. A path that leads nowhere is an
// InputError at the override's `path_where`, a value the scenario rejects one at `where`.
ScenarioConfig load_scenario(const std::string& path, std::span<const ScenarioOverride> overrides);

}  // namespace mailsim::scenario
