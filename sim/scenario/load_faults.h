// Reading the faults: list (scenarios/README.md, "faults[]"): outages of hosts, MTAs and
// links. Private to the scenario layer.
#pragma once

#include "mailsim/scenario/config.h"
#include "scenario/yaml_reader.h"

namespace mailsim::scenario {

// Appends the outages of `list` to c.outages. REQUIRES: hosts, links and MTAs already
// read. Throws InputError at the offending key.
void read_faults(const Yaml& list, ScenarioConfig& c);

}  // namespace mailsim::scenario
