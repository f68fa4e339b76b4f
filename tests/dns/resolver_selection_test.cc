// The resolver prepares each domain's MX records once; its answers, and the random draws
// it makes for them, must be those of selecting from the zone data afresh at every lookup.
#include <algorithm>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mailsim/core/random.h"
#include "mailsim/core/text.h"
#include "mailsim/dns/resolver.h"
#include "support/catch.h"

using namespace mailsim::dns;
using mailsim::ascii_lower;
using mailsim::RandomStream;

namespace {

// RFC 5321 5.1 selection straight from the zone data, step by step: the records sorted by
// preference (stable), each run of equal preferences shuffled by Fisher-Yates from its end,
// the asking host's own preference and higher dropped when it is listed, then the first
// `max_hosts` exchanges that have an address. The answer's host names view `names`.
MxResult select_afresh(const ZoneData& z, std::string domain, RandomStream& rng,
                       const std::string& self, std::size_t max_hosts,
                       std::deque<std::string>& names) {
  domain = ascii_lower(domain);
  const auto address = [&](const std::string& name) -> std::optional<mailsim::net::NodeId> {
    const auto it = z.addresses.find(ascii_lower(name));
    if (it == z.addresses.end()) return std::nullopt;
    return it->second;
  };
  const auto it = z.mx.find(domain);
  if (it == z.mx.end()) {
    if (const auto node = address(domain)) {
      return {LookupStatus::kOk, {{names.emplace_back(domain), 0, *node}}};
    }
    return {LookupStatus::kNotFound, {}};
  }
  std::vector<MxRecord> records = it->second;
  if (records.size() == 1 && records[0].exchange == ".") return {LookupStatus::kNullMx, {}};
  std::stable_sort(records.begin(), records.end(), [](const MxRecord& a, const MxRecord& b) {
    return a.preference < b.preference;
  });
  for (std::size_t start = 0; start < records.size();) {
    std::size_t end = start;
    while (end < records.size() && records[end].preference == records[start].preference) ++end;
    for (std::size_t i = end - 1; i > start; --i) {
      std::swap(records[i], records[start + rng.uniform_int(i - start + 1)]);
    }
    start = end;
  }
  const std::string me = ascii_lower(self);
  for (const MxRecord& r : records) {
    if (me.empty() || ascii_lower(r.exchange) != me) continue;
    const int own = r.preference;
    std::erase_if(records, [own](const MxRecord& x) { return x.preference >= own; });
    break;
  }
  MxResult out{LookupStatus::kOk, {}};
  for (const MxRecord& r : records) {
    if (out.hosts.size() == max_hosts) break;
    if (const auto node = address(r.exchange)) {
      out.hosts.push_back({names.emplace_back(ascii_lower(r.exchange)), r.preference, *node});
    }
  }
  if (out.hosts.empty()) out.status = LookupStatus::kNotFound;
  return out;
}

}  // namespace

TEST_CASE("prepared MX records give the answers and draws of selecting afresh") {
  // 40 domains of 0-6 records each, preferences 0/10/20 (many equal), exchanges in mixed
  // case and one in five without an address; a null MX domain; domains with only an
  // address (implicit MX). Looked up in mixed case, as a listed exchange or not, with
  // max_hosts 1-6.
  RandomStream build(7, 0, "resolver-selection-test");
  ZoneData z;
  std::vector<std::string> exchanges;
  for (int i = 0; i < 40; ++i) {
    const std::string domain = "d" + std::to_string(i) + ".example";
    std::vector<MxRecord>& records = z.mx[domain];
    const auto n = build.uniform_int(7);
    for (std::uint64_t k = 0; k < n; ++k) {
      std::string name = "mx" + std::to_string(k) + "." + domain;
      if (build.uniform_int(3) == 0) name[0] = 'M';
      records.push_back({static_cast<int>(10 * build.uniform_int(3)), name});
      if (build.uniform_int(5) != 0) {
        z.addresses[ascii_lower(name)] = static_cast<mailsim::net::NodeId>(100 + i * 10 + k);
      }
      exchanges.push_back(name);
    }
  }
  z.mx["null.example"] = {{0, "."}};
  z.addresses["plain.example"] = 1;
  z.addresses["other.example"] = 2;
  const Resolver resolver(z);

  std::vector<std::string> queried;
  for (int i = 0; i < 40; ++i) queried.push_back("d" + std::to_string(i) + ".Example");
  for (const char* d : {"null.example", "Plain.example", "other.example", "nowhere.example"}) {
    queried.emplace_back(d);
  }
  RandomStream pick(8, 0, "resolver-selection-test");
  RandomStream ours(9, 0, "mx");
  RandomStream theirs(9, 0, "mx");
  int shuffled = 0;
  int self_listed = 0;  // lookups by one of the domain's own exchanges
  for (int lookup = 0; lookup < 4000; ++lookup) {
    const std::string& domain = queried[pick.uniform_int(queried.size())];
    std::string self;  // a third of the lookups by one of the domain's exchanges, some by others
    const auto own = z.mx.find(ascii_lower(domain));
    if (own != z.mx.end() && !own->second.empty() && pick.uniform_int(3) == 0) {
      self = own->second[pick.uniform_int(own->second.size())].exchange;
    } else if (pick.uniform_int(4) == 0) {
      self = exchanges[pick.uniform_int(exchanges.size())];
    }
    const std::size_t max_hosts = 1 + pick.uniform_int(6);
    const MxResult got = resolver.lookup_mx(domain, ours, self, max_hosts);
    std::deque<std::string> names;
    const MxResult want = select_afresh(z, domain, theirs, self, max_hosts, names);
    REQUIRE(got.status == want.status);
    REQUIRE(got.hosts.size() == want.hosts.size());
    for (std::size_t h = 0; h < got.hosts.size(); ++h) {
      CHECK(got.hosts[h].name == want.hosts[h].name);
      CHECK(got.hosts[h].preference == want.hosts[h].preference);
      CHECK(got.hosts[h].node == want.hosts[h].node);
    }
    REQUIRE(ours.next_u64() == theirs.next_u64());  // the same draws so far
    if (got.hosts.size() > 1 && got.hosts[0].preference == got.hosts[1].preference) ++shuffled;
    if (!self.empty() && ascii_lower(self).ends_with("." + ascii_lower(domain))) ++self_listed;
  }
  CHECK(shuffled > 300);
  CHECK(self_listed > 500);
}

TEST_CASE("an address is found whatever the case of the name asked") {
  ZoneData z;
  z.addresses["mx.example"] = 5;
  const Resolver r(z);
  CHECK(r.lookup_address("MX.Example") == 5);
  CHECK(r.lookup_address("mx.example") == 5);
  CHECK_FALSE(r.lookup_address("mx2.example"));
}
