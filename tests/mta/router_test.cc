#include "mta/router.h"

#include <cstdint>
#include <map>
#include <string>

#include "support/catch.h"

using namespace mailsim;
using namespace mailsim::mta;

namespace {

dns::ZoneData zones() {
  dns::ZoneData z;
  z.mx["a.example"] = {{10, "mx.a.example"}};
  z.mx["b.example"] = {{10, "mx.b.example"}};
  z.mx["nomail.example"] = {{0, "."}};
  z.addresses = {
      {"mx.a.example", 1}, {"mx.b.example", 2}, {"plain.example", 3}, {"hub.example", 4}};
  return z;
}

// Routes each address and checks that next hops with equal names got equal numbers and
// different names different ones.
void check_numbering(Router& router, std::initializer_list<const char*> addresses) {
  RandomStream rng(1, 0, "router");
  std::map<std::string, std::uint32_t> by_name;
  std::map<std::uint32_t, std::string> by_id;
  for (int pass = 0; pass < 2; ++pass) {
    for (const char* address : addresses) {
      const RouteDecision d = router.route(address, rng);
      if (d.kind != RouteKind::kRemote) continue;
      const auto [name, added] = by_name.emplace(d.nexthop, d.nexthop_id);
      CHECK(name->second == d.nexthop_id);
      const auto [id, id_added] = by_id.emplace(d.nexthop_id, d.nexthop);
      CHECK(id->second == d.nexthop);
    }
  }
  CHECK(by_name.size() == by_id.size());
}

}  // namespace

TEST_CASE("the router numbers MX next hops one to a domain, whatever its case") {
  const dns::Resolver resolver(zones());
  MtaConfig config;
  config.hostname = "mail.local.example";
  config.local_domains = {"local.example"};
  Router router(config, resolver);
  check_numbering(router,
                  {"u@a.example", "u@B.example", "v@b.example", "u@plain.example", "u@A.EXAMPLE",
                   "u@local.example", "u@nomail.example", "u@nowhere.example"});
  RandomStream rng(1, 0, "router");
  CHECK(router.route("u@a.example", rng).nexthop_id == router.route("u@A.Example", rng).nexthop_id);
  CHECK(router.route("u@a.example", rng).nexthop_id != router.route("u@b.example", rng).nexthop_id);
}

TEST_CASE("domains sent to one transport host share its next hop") {
  const dns::Resolver resolver(zones());
  MtaConfig config;
  config.hostname = "mail.local.example";
  config.transport = {
      {"a.example", "hub.example"}, {".a.example", "hub.example"}, {"b.example", "mx.b.example"}};
  Router router(config, resolver);
  check_numbering(router, {"u@a.example", "u@x.a.example", "u@b.example", "u@plain.example"});
  RandomStream rng(1, 0, "router");
  const RouteDecision a = router.route("u@a.example", rng);
  const RouteDecision sub = router.route("u@x.a.example", rng);
  CHECK(a.nexthop == "transport:hub.example");
  CHECK(a.nexthop_id == sub.nexthop_id);
  CHECK(a.nexthop_id != router.route("u@b.example", rng).nexthop_id);
}

TEST_CASE("a route's next-hop name stays readable while the router names more next hops") {
  dns::ZoneData z = zones();
  for (int i = 0; i < 100; ++i) {
    const std::string domain = "d" + std::to_string(i) + ".example";
    z.mx[domain] = {{10, "mx.a.example"}};
  }
  const dns::Resolver resolver(z);
  MtaConfig config;
  config.hostname = "mail.local.example";
  Router router(config, resolver);
  RandomStream rng(1, 0, "router");
  const RouteDecision first = router.route("u@A.Example", rng);
  for (int i = 0; i < 100; ++i) router.route("u@d" + std::to_string(i) + ".example", rng);
  CHECK(first.nexthop == "mx:a.example");
  CHECK(router.route("v@d7.example", rng).nexthop == "mx:d7.example");
  CHECK(router.route("u@nowhere.example", rng).nexthop == "mx:nowhere.example");
}

TEST_CASE("a relayhost's routes are named for it, after the transport hosts") {
  const dns::Resolver resolver(zones());
  MtaConfig config;
  config.hostname = "mail.local.example";
  config.transport = {{"a.example", "hub.example"}};
  config.relayhost = "plain.example";
  Router router(config, resolver);
  RandomStream rng(1, 0, "router");
  const RouteDecision b = router.route("u@b.example", rng);
  CHECK(b.kind == RouteKind::kRemote);
  CHECK(b.nexthop == "relayhost:plain.example");
  CHECK(router.route("u@a.example", rng).nexthop == "transport:hub.example");
  CHECK(b.nexthop_id != router.route("u@a.example", rng).nexthop_id);
}
