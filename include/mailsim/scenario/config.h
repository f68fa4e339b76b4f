// A scenario as validated plain data: what load_scenario() reads from YAML and World
// builds from. Names refer to each other (an MTA's host, a link's ends); load_scenario()
// has checked that every name exists. scenarios/README.md documents every key.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "mailsim/core/time.h"
#include "mailsim/core/units.h"
#include "mailsim/faults/outage.h"
#include "mailsim/mta/config.h"
#include "mailsim/net/connection.h"
#include "mailsim/workload/clients.h"
#include "mailsim/workload/traffic.h"
#include "mailsim/workload/workload.h"

namespace mailsim::scenario {

struct HostConfig {
  std::string name;
  bool router = false;
};

struct LinkConfig {
  std::string a;
  std::string b;
  DataRate bandwidth;
  Duration latency;
};

struct MxConfig {
  std::string domain;
  int preference = 0;
  std::string exchange;  // "." for a null MX
};

struct DnsConfig {
  Duration lookup_delay;
  std::vector<MxConfig> mx;
  std::vector<std::pair<std::string, std::string>> addresses;  // DNS name -> host
};

struct MtaEntry {
  std::string host;    // the network host's name
  mta::MtaConfig mta;  // all but mta.host, which World resolves
};

struct ClientEntry {
  std::string host;             // desktop, webmail: the network host's name
  workload::MailClient client;  // all but client.host, which World resolves
};

struct ScenarioConfig {
  std::string file;  // where it was read from
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  Duration duration = Duration::days(1);
  std::int64_t epoch_unix_seconds = 0;  // wall-clock time of simulated time 0
  net::TcpOptions tcp;                  // from network:
  std::vector<HostConfig> hosts;
  std::vector<LinkConfig> links;
  DnsConfig dns;
  std::vector<MtaEntry> mtas;
  std::vector<ClientEntry> clients;  // from clients:
  std::vector<workload::ExplicitMessage> messages;
  std::vector<workload::SenderGroup> groups;  // generated as the run goes
  std::vector<workload::Burst> bursts;
  std::vector<faults::Outage> outages;
};

// Reads and validates a scenario file. Throws InputError naming file, line, column and
// key for anything wrong: unreadable file, YAML syntax, unknown keys, bad units, names
// that refer to nothing.
ScenarioConfig load_scenario(const std::string& path);

}  // namespace mailsim::scenario
