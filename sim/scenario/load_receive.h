// Reading an MTA's receive: key (scenarios/README.md, "receive") and the degraded_reply
// fault, which lands in its target MTA's receive configuration. Private to the scenario
// layer.
#pragma once

#include "mailsim/mta/config.h"
#include "mailsim/scenario/config.h"
#include "scenario/yaml_reader.h"

namespace mailsim::scenario {

// Sets cfg.receive from `y`, over what it holds (inherited from defaults:). Submission
// needs cfg.auth_users, read before. Throws InputError at the offending key.
void read_receive(const Yaml& y, mta::MtaConfig& cfg);

// `f`: one fault of type degraded_reply: its target (one of c.mtas), command and reply,
// appended to the target's receive.degraded; returns its index there. The fault's windows
// (start, duration, every, ...) are read with the other faults'.
std::size_t read_degraded_reply(const Yaml& f, ScenarioConfig& c);

}  // namespace mailsim::scenario
