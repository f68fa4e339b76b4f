#include "mailsim/scenario/analysis.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "mailsim/core/text.h"
#include "mailsim/dns/resolver.h"
#include "mailsim/mta/retry.h"
#include "mailsim/workload/traffic.h"

namespace mailsim::scenario {

namespace {

// `domain` itself, then ".parent" for each parent, in a map or set (as the router looks
// up the transport map and relay_domains).
template <class Map>
auto find_domain(const Map& map, const std::string& domain) {
  if (auto it = map.find(domain); it != map.end()) return it;
  for (auto dot = domain.find('.'); dot != std::string::npos; dot = domain.find('.', dot + 1)) {
    if (auto it = map.find(domain.substr(dot)); it != map.end()) return it;
  }
  return map.end();
}

// Where each MTA hands mail for a domain, with every host up. Node ids are host indices.
class StaticRoutes {
 public:
  explicit StaticRoutes(const ScenarioConfig& c) : c_(c), resolver_(zones(c)) {
    for (std::size_t i = 0; i < c.mtas.size(); ++i) {
      for (std::size_t h = 0; h < c.hosts.size(); ++h) {
        if (c.hosts[h].name == c.mtas[i].host) mta_on_host_[static_cast<net::NodeId>(h)] = i;
      }
    }
    for (const MxConfig& mx : c.dns.mx) mx_hosts_[mx.domain].insert(ascii_lower(mx.exchange));
    for (const MtaEntry& e : c.mtas) hostnames_.push_back(ascii_lower(e.mta.hostname));
  }

  struct Hops {
    bool local = false;
    std::vector<std::size_t> next;  // MTA indices that accept the domain from `from`
    std::string why;                // when neither: why not
  };

  Hops hops(std::size_t from, const std::string& domain) const {
    const mta::MtaConfig& m = c_.mtas[from].mta;
    if (m.local_domains.contains(domain)) return {true, {}, {}};
    std::vector<std::string> names;
    if (auto it = find_domain(m.transport, domain); it != m.transport.end()) {
      names.push_back(it->second);
    } else if (!m.relayhost.empty()) {
      names.push_back(m.relayhost);
    } else {
      RandomStream rng(0, 0, "validate");
      const dns::MxResult mx = resolver_.lookup_mx(domain, rng, m.hostname, 100);
      if (mx.status == dns::LookupStatus::kNullMx) return {false, {}, "it has a null MX"};
      for (const dns::MailHost& h : mx.hosts) names.emplace_back(h.name);
      if (names.empty()) {
        // A plainly routing MTA asks DNS as all such do: then the domain has neither.
        if (routes_plainly(from, domain, mx_hosts(domain))) {
          return {false, {}, "it has no MX record and no address"};
        }
        return {false, {}, "MTA '" + m.name + "' finds no MX record or address for it"};
      }
    }
    Hops out;
    for (const std::string& name : names) {
      const auto node = resolver_.lookup_address(name);
      const auto mta = node ? mta_on_host_.find(*node) : mta_on_host_.end();
      if (mta == mta_on_host_.end()) {
        out.why = "'" + name + "' runs no MTA";
      } else if (!accepts(mta->second, domain)) {
        out.why = "MTA '" + c_.mtas[mta->second].mta.name + "' does not relay it";
      } else {
        out.next.push_back(mta->second);
      }
    }
    return out;
  }

  // Whether mail for `domain` submitted at `from` can reach an MTA where it is local;
  // otherwise why not (the first dead end met).
  std::optional<std::string> unreachable(std::size_t from, const std::string& domain) const {
    std::vector<std::size_t> todo{from};
    std::set<std::size_t> seen{from};
    std::string why;
    while (!todo.empty()) {
      const std::size_t at = todo.back();
      todo.pop_back();
      const Hops h = hops(at, domain);
      if (h.local) return std::nullopt;
      if (h.next.empty() && why.empty()) why = h.why;
      for (std::size_t n : h.next) {
        if (seen.insert(n).second) todo.push_back(n);
      }
    }
    return why.empty() ? "the routes go round in a loop" : why;
  }

  // unreachable(), remembered: an MTA with no transport map and no relayhost, for which
  // the domain is not local and whose name is not among the domain's MX hosts, routes it
  // as every such MTA does, so they share one answer (a generated scenario's thousand
  // sender groups ask about a thousand domains each).
  const std::optional<std::string>& unreachable_cached(std::size_t from,
                                                       const std::string& domain) {
    const bool plain = routes_plainly(from, domain, mx_hosts(domain));
    const auto key = std::make_pair(plain ? c_.mtas.size() : from, domain);
    if (auto it = answers_.find(key); it != answers_.end()) return it->second;
    return answers_.emplace(key, unreachable(from, domain)).first->second;
  }

  // The names of `domain`'s MX hosts in lower case; null when it has no MX record.
  const std::set<std::string>* mx_hosts(const std::string& domain) const {
    const auto it = mx_hosts_.find(domain);
    return it == mx_hosts_.end() ? nullptr : &it->second;
  }

  // Whether MTA `from` routes `domain` as every MTA does that has no transport map and no
  // relayhost, is not local for it and is none of its MX hosts (`mx`: mx_hosts(domain)):
  // then hops(from, domain).next and whether it is unreachable are the same for all such.
  bool routes_plainly(std::size_t from, const std::string& domain,
                      const std::set<std::string>* mx) const {
    const mta::MtaConfig& m = c_.mtas[from].mta;
    return m.transport.empty() && m.relayhost.empty() && !m.local_domains.contains(domain) &&
           (mx == nullptr || !mx->contains(hostnames_[from]));
  }

  // Whether MTA `from` looks up `domain`'s MX hosts as a plainly routing MTA does: its
  // transport map has no entry for it, and otherwise as routes_plainly(). Then
  // hops(from, domain).next is the same for all such (only `why` names the MTA).
  bool routes_by_mx(std::size_t from, const std::string& domain,
                    const std::set<std::string>* mx) const {
    const mta::MtaConfig& m = c_.mtas[from].mta;
    return m.relayhost.empty() && !m.local_domains.contains(domain) &&
           (mx == nullptr || !mx->contains(hostnames_[from])) &&
           (m.transport.empty() || find_domain(m.transport, domain) == m.transport.end());
  }

 private:
  static dns::ZoneData zones(const ScenarioConfig& c) {
    dns::ZoneData z;
    const auto host = [&](const std::string& name) {
      return static_cast<net::NodeId>(
          std::find_if(c.hosts.begin(), c.hosts.end(), [&](auto& h) { return h.name == name; }) -
          c.hosts.begin());
    };
    for (const MxConfig& mx : c.dns.mx) z.mx[mx.domain].push_back({mx.preference, mx.exchange});
    for (const auto& [name, h] : c.dns.addresses) z.addresses[name] = host(h);
    for (const MtaEntry& e : c.mtas) z.addresses.try_emplace(e.mta.hostname, host(e.host));
    return z;
  }

  bool accepts(std::size_t mta, const std::string& domain) const {
    const mta::MtaConfig& m = c_.mtas[mta].mta;
    return m.local_domains.contains(domain) ||
           find_domain(m.relay_domains, domain) != m.relay_domains.end();
  }

  const ScenarioConfig& c_;
  dns::Resolver resolver_;
  std::map<net::NodeId, std::size_t> mta_on_host_;
  std::map<std::string, std::set<std::string>> mx_hosts_;  // domain -> its MX hosts' names
  std::vector<std::string> hostnames_;                     // by MTA, in lower case
  std::map<std::pair<std::size_t, std::string>, std::optional<std::string>> answers_;
};

std::set<std::string> recipient_domains(const ScenarioConfig& c) {
  std::set<std::string> out;
  for (const auto& m : c.messages) {
    for (const auto& r : m.recipients) out.insert(ascii_lower(r.substr(r.rfind('@') + 1)));
  }
  return out;
}

std::set<std::string> all_domains(const ScenarioConfig& c) {
  std::set<std::string> out = recipient_domains(c);
  for (const MtaEntry& e : c.mtas)
    out.insert(e.mta.local_domains.begin(), e.mta.local_domains.end());
  for (const MxConfig& mx : c.dns.mx) out.insert(mx.domain);
  return out;
}

std::optional<std::size_t> mta_index(const ScenarioConfig& c, const std::string& name,
                                     bool by_host) {
  for (std::size_t i = 0; i < c.mtas.size(); ++i) {
    if ((by_host ? c.mtas[i].host : c.mtas[i].mta.name) == name) return i;
  }
  return std::nullopt;
}

std::string at_time(Time t) { return to_string(t - Time::zero()); }

// A sender group's population's domains, with what is remembered of their routes: a
// generated scenario's thousand groups share one population of a thousand domains.
struct PopulationRoutes {
  workload::AddressSet population;
  std::vector<std::string> domains;
  std::vector<const std::set<std::string>*> mx;  // StaticRoutes::mx_hosts() of each
  // StaticRoutes::unreachable_cached() of each for the MTAs that route it plainly, once
  // one of them has asked.
  std::vector<const std::optional<std::string>*> plain;
};

// The domains a sender group or burst may send to: a group's whole population, a burst's
// first `count` members. At most kCheckedDomains of each are checked.
constexpr std::size_t kCheckedDomains = 10'000;

std::vector<std::string> burst_domains(const workload::Burst& b) {
  std::set<std::string> seen;
  std::vector<std::string> out;
  for (std::uint64_t i = 0; i < b.count && out.size() < kCheckedDomains; ++i) {
    std::string domain = b.recipients.at(i);
    domain = ascii_lower(domain.substr(domain.rfind('@') + 1));
    if (seen.insert(domain).second) out.push_back(std::move(domain));
  }
  return out;
}

}  // namespace

ScenarioSummary summarize(const ScenarioConfig& c) {
  ScenarioSummary s;
  s.hosts = c.hosts.size();
  s.routers = static_cast<std::size_t>(
      std::count_if(c.hosts.begin(), c.hosts.end(), [](const HostConfig& h) { return h.router; }));
  s.links = c.links.size();
  s.mtas = c.mtas.size();
  std::set<std::string> domains;
  for (const MtaEntry& e : c.mtas)
    domains.insert(e.mta.local_domains.begin(), e.mta.local_domains.end());
  for (const MxConfig& mx : c.dns.mx) domains.insert(mx.domain);
  s.domains = domains.size();
  s.mx_records = c.dns.mx.size();
  s.messages = c.messages.size();
  for (const auto& m : c.messages) s.recipients += m.recipients.size();
  for (const workload::Burst& b : c.bursts) {
    s.burst_messages += (b.count + b.per_message - 1) / b.per_message;
    s.burst_recipients += b.count;
  }
  s.groups = c.groups.size();
  // The run's clock of day: the groups' profiles are hours of the day on the epoch's clock.
  const Duration clock = Duration::seconds(c.epoch_unix_seconds % 86'400);
  for (const workload::SenderGroup& g : c.groups)
    s.group_messages +=
        workload::expected_messages(g, clock, Time::zero(), Time::zero() + c.duration);
  s.faults = c.outages.size();
  const Time end = Time::zero() + c.duration;
  for (std::size_t i = 0; i < c.outages.size(); ++i) {
    for (const faults::Window& w : faults::windows_before(c.outages, i, c.seed, 0, end)) {
      ++s.outage_windows;
      s.down_time += w.end - w.start;
    }
  }
  return s;
}

std::vector<std::string> warnings(const ScenarioConfig& c) {
  std::vector<std::string> out;
  StaticRoutes routes(c);
  const std::set<std::string> domains = all_domains(c);

  std::set<std::pair<std::string, std::string>> sent;  // (origin, domain) of the traffic
  std::set<std::size_t> origins;
  for (const auto& m : c.messages) {
    origins.insert(*mta_index(c, m.origin, false));
    for (const auto& r : m.recipients)
      sent.emplace(m.origin, ascii_lower(r.substr(r.rfind('@') + 1)));
  }
  for (const workload::SenderGroup& g : c.groups) origins.insert(*mta_index(c, g.origin, false));
  for (const workload::Burst& b : c.bursts) origins.insert(*mta_index(c, b.origin, false));
  std::set<std::pair<std::string, std::string>> reported;
  const auto report = [&](std::size_t from, const std::string& domain, const std::string& who,
                          const std::optional<std::string>& why) {
    const std::string& origin = c.mtas[from].mta.name;
    if (why && reported.emplace(origin, domain).second) {
      out.push_back("mail from MTA '" + origin + "' to domain '" + domain + "'" + who +
                    " has no route: " + *why);
    }
  };
  const auto check = [&](std::size_t from, const std::string& domain, const std::string& who) {
    report(from, domain, who, routes.unreachable_cached(from, domain));
  };
  for (const auto& [origin, domain] : sent) check(*mta_index(c, origin, false), domain, "");
  std::vector<PopulationRoutes> populations;
  for (const workload::SenderGroup& g : c.groups) {
    const std::string who = " (sender group '" + g.name + "')";
    const std::size_t from = *mta_index(c, g.origin, false);
    const workload::AddressSet& set = g.recipients.population;
    auto p = std::find_if(populations.begin(), populations.end(),
                          [&](const PopulationRoutes& r) { return r.population.same_set(set); });
    if (p == populations.end()) {
      PopulationRoutes r{set, set.domains(kCheckedDomains), {}, {}};
      for (const std::string& d : r.domains) r.mx.push_back(routes.mx_hosts(d));
      r.plain.assign(r.domains.size(), nullptr);
      p = populations.insert(p, std::move(r));
    }
    for (std::size_t j = 0; j < p->domains.size(); ++j) {
      const std::string& d = p->domains[j];
      if (!routes.routes_plainly(from, d, p->mx[j])) {
        check(from, d, who);
        continue;
      }
      if (p->plain[j] == nullptr) p->plain[j] = &routes.unreachable_cached(from, d);
      report(from, d, who, *p->plain[j]);
    }
  }
  for (const workload::Burst& b : c.bursts) {
    const std::string who = " (burst '" + b.name + "')";
    const std::size_t from = *mta_index(c, b.origin, false);
    for (const std::string& d : burst_domains(b)) check(from, d, who);
  }
  for (std::size_t i = 0; i < c.mtas.size() && c.mtas.size() > 1; ++i) {
    for (const std::string& d : c.mtas[i].mta.local_domains) {
      bool reached = false;
      for (std::size_t s = 0; s < c.mtas.size() && !reached; ++s) {
        reached = !c.mtas[s].mta.local_domains.contains(d) && !routes.unreachable_cached(s, d);
      }
      if (!reached) {
        out.push_back("domain '" + d + "' (local at MTA '" + c.mtas[i].mta.name +
                      "') is reached by no route from another MTA: give it an MX record, or a "
                      "transport entry or relayhost elsewhere");
      }
    }
  }
  // Who hands mail to whom, for some domain; and whom each MTA depends on alone.
  std::set<std::size_t> receivers;
  std::map<std::pair<std::size_t, std::size_t>, std::string> sole;  // (from, to) -> a domain
  std::set<std::size_t> routes_remote;
  // Domain by domain (in order, so that `sole` keeps each pair's first domain as before):
  // the MTAs that route a domain by its MX records share its hops.
  for (const std::string& d : domains) {
    const std::set<std::string>* mx = routes.mx_hosts(d);
    std::optional<StaticRoutes::Hops> plain;
    for (std::size_t s = 0; s < c.mtas.size(); ++s) {
      std::optional<StaticRoutes::Hops> own;
      const bool shared = routes.routes_by_mx(s, d, mx);
      if (shared && !plain) plain = routes.hops(s, d);
      if (!shared) own = routes.hops(s, d);
      const StaticRoutes::Hops& h = shared ? *plain : *own;
      for (std::size_t n : h.next) {
        if (n != s) receivers.insert(n);
      }
      if (!h.local && !h.next.empty()) routes_remote.insert(s);
      if (h.next.size() == 1 && h.next[0] != s) sole.try_emplace({s, h.next[0]}, d);
    }
  }
  for (std::size_t i = 0; i < c.mtas.size(); ++i) {
    if (!origins.contains(i) && !receivers.contains(i)) {
      out.push_back("MTA '" + c.mtas[i].mta.name +
                    "' receives no mail: no message starts there and no route leads to it");
    }
  }
  // A retry law that gives up on mail queued when its only next hop goes down, before the
  // outage ends: mail queued at the outage's start first fails then.
  for (std::size_t f = 0; f < c.outages.size(); ++f) {
    const faults::Outage& o = c.outages[f];
    std::optional<std::size_t> down;
    if (o.kind == faults::OutageKind::kHostDown) down = mta_index(c, o.target, true);
    if (o.kind == faults::OutageKind::kMtaDown) down = mta_index(c, o.target, false);
    if (!down && o.kind != faults::OutageKind::kDnsDown) continue;
    for (std::size_t s = 0; s < c.mtas.size(); ++s) {
      std::string what;
      if (down) {
        const auto it = sole.find({s, *down});
        if (it == sole.end()) continue;
        what = "mail for '" + it->second + "' via MTA '" + c.mtas[*down].mta.name + "'";
      } else if (routes_remote.contains(s)) {
        what = "mail it routes";
      } else {
        continue;
      }
      for (const faults::Window& w :
           faults::windows_before(c.outages, f, c.seed, 0, Time::zero() + c.duration)) {
        const Time gives_up = mta::retry_until(c.mtas[s].mta.retry, w.start, w.start);
        if (gives_up >= w.end) continue;
        out.push_back("MTA '" + c.mtas[s].mta.name + "' gives up on " + what + " " +
                      to_string(gives_up - w.start) + " after it is queued, before the " +
                      faults::to_string(o.kind) + " outage of '" + o.target + "' from " +
                      at_time(w.start) + " to " + at_time(w.end) +
                      " ends: mail queued when it starts expires");
        break;
      }
    }
  }
  for (const MtaEntry& e : c.mtas) {
    if (e.mta.receive.open_relay) {
      out.push_back("MTA '" + e.mta.name +
                    "' is an open relay (receive: open_relay: true): it relays mail for anyone, "
                    "unauthenticated");
    }
  }
  return out;
}

}  // namespace mailsim::scenario
