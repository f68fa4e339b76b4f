// An internet-like scenario generator, for `mailsim generate`: domains in tiers (a few big
// providers with two MX hosts each, universities with colleges and departments relaying
// inward as university.yaml does, many small companies, some with a backup MX), core
// routers and access links, one sender group per domain whose rates add up to the asked
// number of messages, and some outages. The text depends only on the options.
#pragma once

#include <cstdint>
#include <string>

namespace mailsim::scenario {

struct GeneratorOptions {
  std::string name = "generated";  // the scenario's name:
  int domains = 1000;              // >= 20
  std::int64_t messages = 1'000'000;
  int days = 7;  // the run's duration; the messages arrive over it
  std::uint64_t seed = 1;
  std::string command;  // how it was made, for the file's opening comment
};

// The scenario as YAML text (compact: flow style, shared populations as YAML aliases).
std::string generate_scenario(const GeneratorOptions& options);

}  // namespace mailsim::scenario
