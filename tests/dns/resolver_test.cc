#include "mailsim/dns/resolver.h"

#include <set>

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
