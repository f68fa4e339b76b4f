// What `mailsim validate` says about a scenario beyond "it loads": a summary of what is in
// it, and warnings about things that are legal but probably not meant. The mail routes
// are worked out statically, as the routers would route with every host up: local
// domains, transport map, relayhost, MX records (backups included), relay permission.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mailsim/scenario/config.h"

namespace mailsim::scenario {

struct ScenarioSummary {
  std::size_t hosts = 0;
  std::size_t routers = 0;
  std::size_t links = 0;
  std::size_t mtas = 0;
  std::size_t domains = 0;  // local domains of the MTAs and domains with MX records
  std::size_t mx_records = 0;
  std::size_t messages = 0;
  std::size_t recipients = 0;
  std::size_t burst_messages = 0;    // the bursts' messages: ceil(count / per_message) each
  std::size_t burst_recipients = 0;  // and their recipients: the bursts' counts
  std::size_t groups = 0;            // sender groups
  double group_messages = 0;         // the messages the groups send over the duration, on average
  std::size_t faults = 0;
  std::size_t outage_windows = 0;  // the faults' windows that start within the duration
  Duration down_time;              // their lengths added up (a window may pass the end)
};

ScenarioSummary summarize(const ScenarioConfig& c);

// One line each, in a stable order: a domain no route reaches, traffic that cannot reach
// its recipient's domain (explicit messages; then each sender group's population and each
// burst's members, naming the group or burst, at most 10,000 domains of each), an MTA
// that nothing sends to, a retry law that gives up on
// mail for a next hop before that hop's outage ends (random outages as run 0 draws them).
std::vector<std::string> warnings(const ScenarioConfig& c);

}  // namespace mailsim::scenario
