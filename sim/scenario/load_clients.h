// Reading the clients: section (scenarios/README.md, "clients") and the client: key that
// traffic uses to name one. Private to the scenario layer; needs the hosts and MTAs read.
#pragma once

#include <string>

#include "mailsim/scenario/config.h"
#include "scenario/yaml_reader.h"

namespace mailsim::scenario {

// Adds the clients `list` describes to `c`. Throws InputError at the offending key.
void read_clients(const Yaml& list, ScenarioConfig& c);

// A traffic entry's way in: `origin: MTA` (that MTA's queue) or `client: NAME` (origin
// becomes the client's MTA). Throws unless exactly one of them is given and it names
// something defined; `example` is the hint for a missing one.
void read_submitter(const Yaml& entry, const ScenarioConfig& c, std::string& origin,
                    std::string& client, const std::string& example);

}  // namespace mailsim::scenario
