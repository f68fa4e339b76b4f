#include "mailsim/dns/resolver.h"

#include <cstdint>
#include <set>
#include <string>

#include "support/catch.h"

using namespace mailsim::dns;
using mailsim::RandomStream;

namespace {
ZoneData example_zones() {
  ZoneData z;
  z.mx["example.edu"] = {
      {20, "backup.example.edu"}, {10, "mx1.example.edu"}, {10, "mx2.example.edu"}};
  z.mx["nomail.example"] = {{0, "."}};
  z.addresses = {{"mx1.example.edu", 1},
                 {"mx2.example.edu", 2},
                 {"backup.example.edu", 3},
                 {"plain.example", 4}};
  return z;
}
}  // namespace

TEST_CASE("MX hosts are tried by preference, equal preferences in random order") {
  const Resolver r(example_zones());
  std::set<std::string> first_seen;
  RandomStream rng(1, 0, "dns");
  for (int i = 0; i < 50; ++i) {
    const MxResult m = r.lookup_mx("Example.EDU", rng);
    REQUIRE(m.status == LookupStatus::kOk);
    REQUIRE(m.hosts.size() == 3);
    CHECK(m.hosts[0].preference == 10);
    CHECK(m.hosts[1].preference == 10);
    CHECK(m.hosts[2].name == "backup.example.edu");
    first_seen.emplace(m.hosts[0].name);
  }
  CHECK(first_seen == std::set<std::string>{"mx1.example.edu", "mx2.example.edu"});
}

TEST_CASE("a relay listed in the MX records drops its own preference and higher") {
  const Resolver r(example_zones());
  RandomStream rng(1, 0, "dns");
  const MxResult m = r.lookup_mx("example.edu", rng, "backup.example.edu");
  REQUIRE(m.hosts.size() == 2);
  CHECK(m.hosts[0].preference == 10);
  CHECK(r.lookup_mx("example.edu", rng, "mx1.example.edu").status == LookupStatus::kNotFound);
}

TEST_CASE("without MX records the domain's own address is an implicit MX") {
  const Resolver r(example_zones());
  RandomStream rng(1, 0, "dns");
  const MxResult m = r.lookup_mx("plain.example", rng);
  REQUIRE(m.status == LookupStatus::kOk);
  REQUIRE(m.hosts.size() == 1);
  CHECK(m.hosts[0].node == 4);
}

TEST_CASE("unknown domains, null MX and outages fail as they should") {
  Resolver r(example_zones());
  RandomStream rng(1, 0, "dns");
  CHECK(r.lookup_mx("nowhere.example", rng).status == LookupStatus::kNotFound);
  CHECK(r.lookup_mx("nomail.example", rng).status == LookupStatus::kNullMx);
  r.set_available(false);
  CHECK(r.lookup_mx("example.edu", rng).status == LookupStatus::kTemporaryFailure);
}

TEST_CASE("a lookup by a domain found once answers as the lookup by its name") {
  Resolver r(example_zones());
  RandomStream by_name(1, 0, "dns");
  RandomStream by_domain(1, 0, "dns");
  const auto same = [&](const std::string& name, const std::string& self) {
    const MxResult a = r.lookup_mx(name, by_name, self);
    const MxResult b = r.lookup_mx(r.mail_domain(name), by_domain, self);
    REQUIRE(a.status == b.status);
    REQUIRE(a.hosts.size() == b.hosts.size());
    for (std::size_t i = 0; i < a.hosts.size(); ++i) {
      CHECK(a.hosts[i].name == b.hosts[i].name);
      CHECK(a.hosts[i].node == b.hosts[i].node);
      CHECK(a.hosts[i].preference == b.hosts[i].preference);
    }
  };
  for (const char* name : {"example.edu", "Example.EDU", "plain.example", "nomail.example",
                           "nowhere.example", "mx1.example.edu"}) {
    for (int i = 0; i < 10; ++i) same(name, "");
    same(name, "backup.example.edu");
  }
  r.set_available(false);
  same("example.edu", "");
  same("nowhere.example", "");
}

TEST_CASE("every name the zones know has its own number below names(), whatever its case") {
  const Resolver r(example_zones());
  std::set<std::uint32_t> seen;
  for (const char* name : {"example.edu", "nomail.example", "mx1.example.edu", "mx2.example.edu",
                           "backup.example.edu", "plain.example"}) {
    const std::uint32_t index = r.mail_domain(name).index();
    CHECK(index < r.names());
    CHECK(seen.insert(index).second);
  }
  CHECK(r.mail_domain("PLAIN.example").index() == r.mail_domain("plain.example").index());
  CHECK(r.mail_domain("nowhere.example").index() == Resolver::MailDomain::kUnknown);
}
