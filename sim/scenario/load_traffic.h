// Reading the traffic: section (scenarios/README.md, "traffic"): explicit messages, sender
// groups, bursts. Private to the scenario layer; needs the MTAs already read, since
// traffic names them.
#pragma once

#include "mailsim/mta/mailbox_set.h"
#include "mailsim/scenario/config.h"
#include "scenario/yaml_reader.h"

namespace mailsim::scenario {

// Adds what `t` describes to `c`. Throws InputError at the offending key.
void read_traffic(const Yaml& t, ScenarioConfig& c);

// An MTA's mailboxes: local parts and patterns of them ("u{1..500}", as in traffic
// addresses), lower-cased. Throws InputError at the offending item.
mta::MailboxSet read_mailboxes(const Yaml& y);

}  // namespace mailsim::scenario
