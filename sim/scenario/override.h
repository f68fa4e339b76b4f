// Applying ScenarioOverrides to a scenario's YAML before the loader reads it.
#pragma once

#include <optional>
#include <string>

#include "mailsim/core/error.h"
#include "mailsim/scenario/override.h"
#include "scenario/yaml_reader.h"

namespace mailsim::scenario {

// Sets the override's value in `root`'s tree. Returns the key path the loader's errors
// give for the value ("mtas[2].retry"). Throws InputError at o.where for a path that leads
// nowhere or a value that is not YAML.
std::string apply_override(const Yaml& root, const ScenarioOverride& o);

// `e` placed at o.where when it is about the value the override set (its key path is
// `key` or below it); otherwise nothing.
std::optional<InputError> place_override_error(const InputError& e, const ScenarioOverride& o,
                                               const std::string& key);

}  // namespace mailsim::scenario
