// A scenario built into models: the simulator, topology, network, DNS, MTAs, and the
// scheduled workload and faults. Observers subscribe to events() before run(). One World
// per run; it owns everything it built.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mailsim/core/simulator.h"
#include "mailsim/dns/resolver.h"
#include "mailsim/mta/events.h"
#include "mailsim/mta/message_catalog.h"
#include "mailsim/mta/mta.h"
#include "mailsim/net/network.h"
#include "mailsim/net/topology.h"
#include "mailsim/scenario/config.h"
#include "mailsim/workload/clients.h"

namespace mailsim::scenario {

class World {
 public:
  // `run` numbers replications; the random streams depend on (config.seed, run, name).
  // The world keeps the configuration: move it in where the caller needs no copy of its own.
  explicit World(ScenarioConfig config, std::uint64_t run = 0);

  const ScenarioConfig& config() const { return config_; }
  Simulator& simulator() { return sim_; }
  net::Topology& topology() { return topology_; }
  net::Network& network() { return network_; }
  mta::MailEvents& events() { return events_; }
  dns::Resolver& resolver() { return *resolver_; }
  const mta::MessageCatalog& catalog() const { return catalog_; }
  const std::vector<std::unique_ptr<mta::Mta>>& mtas() const { return mtas_; }
  mta::Mta* find_mta(std::string_view name) const;

  // Starts the MTAs and schedules the workload and faults; then drive simulator().
  void start();
  // start(), then runs until `until`.
  void run(Time until);

 private:
  void apply_outage(const faults::Outage& outage, bool down);
  void start_generated_traffic();
  // Hands a workload message to its client, or to its origin MTA's queue.
  void submit_message(const workload::ExplicitMessage& m, mta::Mta& origin, std::string id);

  const ScenarioConfig config_;
  std::map<std::string, int> outages_in_force_;  // target -> overlapping outages now
  std::uint64_t run_;
  Simulator sim_;
  net::Topology topology_;
  net::Network network_{sim_, topology_, config_.tcp};
  std::unique_ptr<dns::Resolver> resolver_;
  mta::MailEvents events_;
  mta::MessageCatalog catalog_;
  std::vector<std::unique_ptr<mta::Mta>> mtas_;
  // The desktop and webmail clients by name (a local client is its MTA's queue).
  std::map<std::string, std::unique_ptr<workload::SubmissionClient>, std::less<>> clients_;
};

}  // namespace mailsim::scenario
