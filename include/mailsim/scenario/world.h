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
#include "mailsim/workload/group_traffic.h"

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

  // Starts the MTAs and schedules the workload and faults; then drive simulator(). Once.
  // `arrivals`: which thread makes the sender groups' arrivals (the results are the same).
  void start(workload::ArrivalThread arrivals = workload::ArrivalThread::kSimulation);
  // start(), then runs until `until`.
  void run(Time until);

 private:
  void apply_outage(const faults::Outage& outage, bool down);
  void start_generated_traffic(workload::ArrivalThread arrivals);
  // Hands a workload message to its client, or to its origin MTA's queue.
  void submit_message(const workload::ExplicitMessage& m, mta::Mta& origin, std::string id);
  // Hands a prepared one to `client`, or when null to `origin`'s queue.
  void hand_over(workload::Submission&& s, workload::SubmissionClient* client, mta::Mta& origin);
  workload::SubmissionClient* find_client(std::string_view name) const;  // null: none
  // The end of the Message-IDs of the messages submitted at `origin`: ".<seed>.<run>@<host>".
  std::string id_suffix(const mta::Mta& origin) const;

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
  // Last: destroyed first, which stops its arrivals' thread while all it reads is still
  // there. The simulator's events that refer to it are destroyed later, never run.
  std::unique_ptr<workload::GroupTraffic> traffic_;
};

}  // namespace mailsim::scenario
