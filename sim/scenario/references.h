// Checks that a name in a scenario refers to something defined earlier in it: a host, an
// MTA, a DNS name. Each throws InputError at `y` naming what is missing and where to define it.
// Private to the scenario layer.
#pragma once

#include <string>

#include "mailsim/scenario/config.h"
#include "scenario/yaml_reader.h"

namespace mailsim::scenario {

void check_host(const ScenarioConfig& c, const Yaml& y, const std::string& name);

// Checks that every MX host, transport next hop and relayhost resolves: to an MTA's
// hostname or through dns.addresses. REQUIRES: `c` read from `root` up to its MTAs.
void check_mail_routes(const Yaml& root, const ScenarioConfig& c);

}  // namespace mailsim::scenario
