// The generated internet as plain data, between building it (generator.cc) and writing it
// as YAML (generator_write.cc). Private to the scenario layer.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "mailsim/scenario/generator.h"

namespace mailsim::scenario::gen {

struct Link {
  std::string a, b, bandwidth, latency;
};

struct Mta {
  std::string name;  // also its host's name
  std::string hostname;
  std::string local_domain;  // empty: none
  int users = 0;             // mailboxes u1..u<users>
  std::string relay_domains;
  std::vector<std::pair<std::string, std::string>> transport;
  std::string greylisting;  // a greylisting preset its SMTP server runs; empty: none
};

struct Domain {
  std::string name;
  std::vector<std::string> mx;  // "PREF HOSTNAME"
  std::string origin;           // the MTA its users submit to
  int users = 0;                // u1..u<users>@name
  double send_weight = 0;       // its share of the messages, before normalising
  bool office_hours = true;
};

struct Fault {
  std::string type, target, start, duration;  // target: "[a, b]" for a link
};

struct Internet {
  std::vector<std::string> routers;
  std::vector<std::string> hosts;
  std::vector<Link> links;
  std::vector<Mta> mtas;
  std::vector<Domain> domains;
  std::vector<std::string> population;  // recipient patterns, in order
  std::vector<Fault> faults;
};

Internet build(const GeneratorOptions& o);
std::string write_yaml(const GeneratorOptions& o, const Internet& net);

}  // namespace mailsim::scenario::gen
