#include <algorithm>
#include <cassert>
#include <string>

#include "mailsim/core/random.h"
#include "mailsim/core/time.h"
#include "scenario/generator_model.h"

namespace mailsim::scenario {

namespace gen {
namespace {

constexpr int kProviderUsers = 20'000;
// A provider's users are consumers: each sends less than an office worker.
constexpr double kConsumerSendWeight = 0.3;

std::string ms(std::int64_t n) { return to_string(Duration::milliseconds(n)); }

// Builds the tiers in order; each uses its own random stream, so that changing one tier's
// choices leaves the others as they were.
class Builder {
 public:
  Builder(const GeneratorOptions& o, Internet& net) : o_(o), net_(net) {}

  void core() {
    RandomStream r = stream("core");
    const int n = std::clamp(o_.domains / 100, 3, 12);
    for (int i = 1; i <= n; ++i) net_.routers.push_back("core" + std::to_string(i));
    // A ring with chords across it: at most about n/4 hops between any two.
    for (int i = 0; i < n; ++i) {
      link(net_.routers[static_cast<std::size_t>(i)],
           net_.routers[static_cast<std::size_t>((i + 1) % n)], "10Gbps",
           ms(5 + static_cast<std::int64_t>(r.uniform_int(11))));
    }
    for (int i = 0; i + n / 2 < n && n >= 6; i += 2) {
      link(net_.routers[static_cast<std::size_t>(i)],
           net_.routers[static_cast<std::size_t>(i + n / 2)], "10Gbps",
           ms(10 + static_cast<std::int64_t>(r.uniform_int(21))));
    }
  }

  int providers() {
    const int n = std::clamp(o_.domains / 300, 2, 8);
    for (int i = 1; i <= n; ++i) {
      const std::string id = "p" + std::to_string(i);
      const std::string domain = id + ".example.net";
      Domain d{domain, {}, id + "-mx1", kProviderUsers, kProviderUsers * kConsumerSendWeight,
               false};
      for (int k = 1; k <= 2; ++k) {
        const std::string host = id + "-mx" + std::to_string(k);
        const std::string hostname = "mx" + std::to_string(k) + "." + domain;
        add_host(host);
        link(host, router(i + k), "10Gbps", "1ms");
        net_.mtas.push_back({host, hostname, domain, kProviderUsers, "", {}});
        d.mx.push_back("10 " + hostname);  // equal preferences: senders spread over both
      }
      net_.domains.push_back(d);
    }
    net_.population.push_back("u{1.." + std::to_string(kProviderUsers) + "}@p{1.." +
                              std::to_string(n) + "}.example.net");
    return n;
  }

  // Universities until they hold about 35% of the domains; returns how many domains.
  int universities() {
    RandomStream r = stream("universities");
    const int budget = o_.domains * 35 / 100;
    int used = 0;
    for (int u = 1;; ++u) {
      const int colleges = 2 + static_cast<int>(r.uniform_int(3));
      std::vector<int> departments;
      int size = 1 + colleges;  // the university's own domain and its colleges'

      for (int c = 0; c < colleges; ++c) {
        departments.push_back(2 + static_cast<int>(r.uniform_int(4)));
        size += departments.back();
      }
      if (used + size > budget && used == 0 && budget >= 7) {
        departments.assign(2, 2);  // the smallest university: 2 colleges of 2 departments
        size = 7;
      }
      if (used + size > budget) return used;
      used += size;
      university(u, departments, r);
    }
  }

  void companies(int count) {
    RandomStream r = stream("companies");
    static constexpr const char* kAccess[] = {"10Mbps", "50Mbps", "100Mbps", "1Gbps"};
    for (int i = 1; i <= count; ++i) {
      const std::string id = "co" + std::to_string(i);
      const std::string domain = id + ".example.com";
      const int users = 5 + static_cast<int>(r.uniform_int(46));
      add_host(id);
      link(id, router(static_cast<int>(r.uniform_int(net_.routers.size()))),
           kAccess[r.uniform_int(4)], ms(5 + static_cast<std::int64_t>(r.uniform_int(36))));
      net_.mtas.push_back({id, "mx." + domain, domain, users, "", {}});
      Domain d{domain, {"10 mx." + domain}, id, users, static_cast<double>(users), true};
      if (r.uniform01() < 0.15) {  // a backup MX at another network, relaying to the primary
        const std::string backup = id + "-mx2";
        add_host(backup);
        link(backup, router(static_cast<int>(r.uniform_int(net_.routers.size()))), "100Mbps",
             "10ms");
        net_.mtas.push_back({backup, "mx2." + domain, "", 0, domain, {{domain, "mx." + domain}}});
        d.mx.push_back("20 mx2." + domain);
      }
      net_.domains.push_back(d);
      net_.population.push_back("u{1.." + std::to_string(users) + "}@" + domain);
    }
  }

  // Greylisting (mta-behaviour.md §5) where it is commonly run: the second provider's MX
  // hosts, and about one small company in five, on its primary MX. Its own stream, drawn
  // once per company after the tiers are built, so the tiers stay as they were.
  void greylisting() {
    RandomStream r = stream("greylisting");
    for (Mta& m : net_.mtas) {
      if (m.name.starts_with("p2-mx")) m.greylisting = "postgrey";
      const bool company = m.name.starts_with("co") && !m.name.ends_with("-mx2");
      if (company && r.uniform01() < 0.2) m.greylisting = "postgrey";
    }
  }

  void faults() {
    RandomStream r = stream("faults");
    const std::int64_t run_minutes = std::int64_t{o_.days} * 24 * 60;
    const auto at = [&] {
      return to_string(Duration::minutes(static_cast<std::int64_t>(r.uniform_int(run_minutes))));
    };
    // About 3% of the companies' servers crash once, for 30 minutes to 8 hours.
    for (const Mta& m : net_.mtas) {
      if (m.name.starts_with("co") && r.uniform01() < 0.03) {
        net_.faults.push_back(
            {"host_down", m.name, at(),
             to_string(Duration::minutes(30 + static_cast<std::int64_t>(r.uniform_int(451))))});
      }
    }
    // One provider MX refuses connections for an hour: senders use the other MX.
    net_.faults.push_back({"mta_down", "p1-mx1", at(), "1h"});
    // A university loses its uplink for two hours: mail to it waits at the senders.
    if (!uni_uplinks_.empty()) {
      const Link& l = uni_uplinks_[r.uniform_int(uni_uplinks_.size())];
      net_.faults.push_back({"link_down", "[" + l.a + ", " + l.b + "]", at(), "2h"});
    }
  }

 private:
  RandomStream stream(const std::string& what) const {
    return RandomStream(o_.seed, 0, "generate:" + what);
  }
  const std::string& router(int i) const {
    return net_.routers[static_cast<std::size_t>(i) % net_.routers.size()];
  }
  void add_host(const std::string& name) { net_.hosts.push_back(name); }
  void link(const std::string& a, const std::string& b, const std::string& bandwidth,
            const std::string& latency) {
    net_.links.push_back({a, b, bandwidth, latency});
  }

  // The seed's path: the university's MX relays each college's mail to the college's
  // server, which relays each department's to the department's server.
  void university(int u, const std::vector<int>& departments, RandomStream& r) {
    const std::string id = "uni" + std::to_string(u);
    const std::string domain = id + ".example.edu";
    const std::string mx = "mx." + domain;
    add_host(id);
    link(id, router(static_cast<int>(r.uniform_int(net_.routers.size()))), "1Gbps",
         ms(2 + static_cast<std::int64_t>(r.uniform_int(9))));
    uni_uplinks_.push_back(net_.links.back());
    Mta top{id, mx, domain, 50, "." + domain, {}};
    add_domain(domain, mx, id, 50);
    for (std::size_t c = 0; c < departments.size(); ++c) {
      const std::string cid = id + "-c" + std::to_string(c + 1);
      const std::string cdomain = "c" + std::to_string(c + 1) + "." + domain;
      const std::string cmail = "mail." + cdomain;
      add_host(cid);
      link(cid, id, "1Gbps", "1ms");
      top.transport.push_back({cdomain, cmail});
      top.transport.push_back({"." + cdomain, cmail});
      Mta college{cid, cmail, cdomain, 20, "." + cdomain, {}};
      add_domain(cdomain, mx, cid, 20);
      for (int d = 1; d <= departments[c]; ++d) {
        const std::string did = cid + "-d" + std::to_string(d);
        const std::string ddomain = "d" + std::to_string(d) + "." + cdomain;
        const int users = 10 + static_cast<int>(r.uniform_int(51));
        add_host(did);
        // One department in ten sits behind a slow old link.
        link(did, cid, r.uniform01() < 0.1 ? "10Mbps" : "100Mbps", "1ms");
        college.transport.push_back({ddomain, "mail." + ddomain});
        net_.mtas.push_back({did, "mail." + ddomain, ddomain, users, "", {}});
        add_domain(ddomain, mx, did, users);
      }
      net_.mtas.push_back(std::move(college));
    }
    net_.mtas.push_back(std::move(top));
  }

  void add_domain(const std::string& domain, const std::string& mx, const std::string& origin,
                  int users) {
    net_.domains.push_back({domain, {"10 " + mx}, origin, users, static_cast<double>(users), true});
    net_.population.push_back("u{1.." + std::to_string(users) + "}@" + domain);
  }

  const GeneratorOptions& o_;
  Internet& net_;
  std::vector<Link> uni_uplinks_;
};

}  // namespace

Internet build(const GeneratorOptions& o) {
  assert(o.domains >= 20 && o.days >= 1 && o.messages >= 1);
  Internet net;
  Builder b(o, net);
  b.core();
  const int providers = b.providers();
  const int university_domains = b.universities();
  b.companies(o.domains - providers - university_domains);
  b.greylisting();
  b.faults();
  return net;
}

}  // namespace gen

std::string generate_scenario(const GeneratorOptions& options) {
  return gen::write_yaml(options, gen::build(options));
}

}  // namespace mailsim::scenario
