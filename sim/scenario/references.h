// Checks that a name in a scenario refers to something defined earlier in it: a host, an
// MTA. Each throws InputError at `y` naming what is missing and where to define it.
// Private to the scenario layer.
#pragma once

#include <string>

#include "mailsim/scenario/config.h"
#include "scenario/yaml_reader.h"

namespace mailsim::scenario {

void check_host(const ScenarioConfig& c, const Yaml& y, const std::string& name);

}  // namespace mailsim::scenario
