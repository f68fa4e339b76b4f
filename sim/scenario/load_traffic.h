// Reading the traffic: section (scenarios/README.md, "traffic"): explicit messages, sender
// groups, bursts. Private to the scenario layer; needs the MTAs already read, since
// traffic names them.
#pragma once

#include "mailsim/scenario/config.h"
#include "scenario/yaml_reader.h"

namespace mailsim::scenario {

// Adds what `t` describes to `c`. Throws InputError at the offending key.
void read_traffic(const Yaml& t, ScenarioConfig& c);

}  // namespace mailsim::scenario
