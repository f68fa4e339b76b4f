// A scenario's network as a Graphviz DOT graph, for `mailsim graph`: hosts (boxes for
// those running an MTA, labelled with its name and domains; small circles for routers),
// links labelled with bandwidth and latency, and dashed arrows for how mail is routed:
// each domain's MX records (with preferences), transport map entries and relayhosts.
#pragma once

#include <ostream>

#include "mailsim/scenario/config.h"

namespace mailsim::scenario {

// Writes the graph; the output depends only on the scenario, in its order of definition.
void write_dot(const ScenarioConfig& scenario, std::ostream& out);

}  // namespace mailsim::scenario
