#include "cli/run_recording.h"

#include <openssl/evp.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "cli/retry_name.h"

namespace mailsim::cli {

std::string sha256_of_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  const std::string data = content.str();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  std::string hex;
  char buf[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", digest[i]);
    hex += buf;
  }
  return hex;
}

void record_layout(const scenario::ScenarioConfig& config, record::Recorder& recorder) {
  std::map<std::string, std::string> laws;  // MTA name -> retry law's name
  for (const auto& e : config.mtas) laws[e.mta.name] = retry_policy_name(e.mta.retry);
  std::set<std::string> hosts;
  for (const auto& h : config.hosts) {
    const auto law = laws.find(h.name);
    recorder.add_node(h.name, h.router ? "router" : "host", law == laws.end() ? "" : law->second);
    hosts.insert(h.name);
  }
  for (const auto& [name, law] : laws) {
    if (!hosts.contains(name)) recorder.add_node(name, "mta", law);
  }
  for (const auto& l : config.links)
    recorder.add_link(l.a, l.b, l.bandwidth.bps(), l.latency.seconds());
}

}  // namespace mailsim::cli
