// Reading an MTA's retry: key (scenarios/README.md, "retry"): a preset name, a preset
// with overridden parameters, or a custom law. Private to the scenario layer.
#pragma once

#include "mailsim/mta/retry.h"
#include "scenario/yaml_reader.h"

namespace mailsim::scenario {

// Sets `law` from `y`. A mapping naming a law (preset, fixed, exponential, list, exim)
// starts from that law's defaults; one naming none adjusts the law `law` already holds
// (inherited from defaults:). Throws InputError at the offending key.
void read_retry(const Yaml& y, mta::RetryConfig& law);

}  // namespace mailsim::scenario
