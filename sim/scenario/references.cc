#include "scenario/references.h"

#include "mailsim/core/text.h"

namespace mailsim::scenario {

void check_host(const ScenarioConfig& c, const Yaml& y, const std::string& name) {
  for (const HostConfig& h : c.hosts) {
    if (h.name == name) return;
  }
  y.fail("no host named '" + name + "'", "define it under hosts:");
}

namespace {

bool resolves(const ScenarioConfig& c, const std::string& name) {
  for (const auto& [dns_name, host] : c.dns.addresses) {
    if (dns_name == name) return true;
  }
  for (const MtaEntry& e : c.mtas) {
    if (e.mta.hostname == name) return true;
  }
  return false;
}

void check_resolves(const ScenarioConfig& c, const Yaml& y, const std::string& name,
                    const std::string& what) {
  if (resolves(c, name)) return;
  y.fail(what + " '" + name + "' resolves to no host",
         "give an MTA hostname: " + name + ", or map it to a host under dns.addresses");
}

}  // namespace

void check_mail_routes(const Yaml& root, const ScenarioConfig& c) {
  if (root.has("dns") && root["dns"].has("mx")) {
    std::size_t k = 0;  // c.dns.mx holds the records in the order of the file
    for (const auto& [domain, value] : root["dns"]["mx"].entries()) {
      const std::size_t n = value.as_string_list().size();
      for (std::size_t j = 0; j < n; ++j, ++k) {
        const std::string& exchange = c.dns.mx[k].exchange;
        if (exchange == ".") continue;
        check_resolves(c, value.is_sequence() ? value.at(j) : value, exchange, "MX host");
      }
    }
  }
  const Yaml mtas = root["mtas"];
  for (std::size_t i = 0; i < c.mtas.size(); ++i) {
    const Yaml m = mtas.at(i);
    if (m.has("transport")) {
      for (const auto& [domain, value] : m["transport"].entries()) {
        check_resolves(c, value, c.mtas[i].mta.transport.at(ascii_lower(domain.as_string())),
                       "transport next hop");
      }
    }
    if (m.has("relayhost")) check_resolves(c, m["relayhost"], c.mtas[i].mta.relayhost, "relayhost");
  }
}

}  // namespace mailsim::scenario
