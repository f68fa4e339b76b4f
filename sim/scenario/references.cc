#include "scenario/references.h"

namespace mailsim::scenario {

void check_host(const ScenarioConfig& c, const Yaml& y, const std::string& name) {
  for (const HostConfig& h : c.hosts) {
    if (h.name == name) return;
  }
  y.fail("no host named '" + name + "'", "define it under hosts:");
}

}  // namespace mailsim::scenario
