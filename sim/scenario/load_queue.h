// Reading an MTA's queue: key (scenarios/README.md, "Queues and next hops"): the active
// queue's bound, recipients per transaction, sessions per next hop and the queue's
// capacity. Private to the scenario layer.
#pragma once

#include "mailsim/mta/queue_config.h"
#include "scenario/yaml_reader.h"

namespace mailsim::scenario {

// Sets the keys `y` names in `queue` (inherited from defaults: otherwise). Throws
// InputError at the offending key.
void read_queue(const Yaml& y, mta::QueueConfig& queue);

}  // namespace mailsim::scenario
