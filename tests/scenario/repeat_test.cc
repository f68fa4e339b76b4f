// The format's repeat blocks and version key (scenarios/README.md, "Repeating").
#include <string>

#include "mailsim/core/error.h"
#include "mailsim/scenario/config.h"
#include "scenario/scenario_file.h"
#include "support/catch.h"

using mailsim::InputError;
using mailsim::scenario::load_scenario;

namespace {

// A university relay and 40 departments, each with a host, a link, an MX and an MTA.
const std::string kDepartments = R"(
version: 1
name: departments
hosts:
  - {name: univ}
  - repeat: {count: 40, as: i, each: {name: "dept{i}"}}
links:
  - repeat:
      count: 40
      as: i
      each: {between: [univ, "dept{i}"], bandwidth: 10Mbps, latency: "{i}ms"}
dns:
  mx:
    example.edu: "10 mail.example.edu"
    repeat: {count: 40, as: i, each: {"dept{i}.example.edu": "10 mail.dept{i}.example.edu"}}
mtas:
  - {name: univ, host: univ, hostname: mail.example.edu, relay_domains: [.example.edu]}
  - repeat:
      count: 40
      as: i
      each:
        name: "dept{i}"
        host: "dept{i}"
        hostname: "mail.dept{i}.example.edu"
        local_domains: ["dept{i}.example.edu"]
        mailboxes: [alice, bob]
)";

}  // namespace

TEST_CASE("a repeat block expands to count copies with the variable substituted") {
  const ScenarioFile f(kDepartments);
  const auto c = load_scenario(f.path());
  REQUIRE(c.hosts.size() == 41);
  CHECK(c.hosts[1].name == "dept1");
  CHECK(c.hosts[40].name == "dept40");
  REQUIRE(c.links.size() == 40);
  CHECK(c.links[6].b == "dept7");
  CHECK(c.links[6].latency == mailsim::Duration::milliseconds(7));
  REQUIRE(c.dns.mx.size() == 41);
  CHECK(c.dns.mx[40].domain == "dept40.example.edu");
  CHECK(c.dns.mx[40].exchange == "mail.dept40.example.edu");
  REQUIRE(c.mtas.size() == 41);
  CHECK(c.mtas[12].mta.hostname == "mail.dept12.example.edu");
  CHECK(c.mtas[12].mta.local_domains.contains("dept12.example.edu"));
}

TEST_CASE("repeats nest, start where from says, and stand side by side") {
  // Two colleges numbered from 0, each with three departments: c0d1 .. c1d3, then x5, x6.
  const ScenarioFile f(R"(
name: nested
hosts:
  - repeat:
      - count: 2
        as: c
        from: 0
        each: {name: "college{c}"}
      - {count: 2, as: x, from: 5, each: {name: "x{x}"}}
mtas:
  - repeat:
      count: 2
      as: c
      from: 0
      each:
        name: "college{c}"
        host: "college{c}"
        hostname: "mail.c{c}.example"
        mailboxes: [{repeat: {count: 3, as: d, each: "c{c}d{d}"}}]
)");
  const auto c = load_scenario(f.path());
  REQUIRE(c.hosts.size() == 4);
  CHECK(c.hosts[0].name == "college0");
  CHECK(c.hosts[1].name == "college1");
  CHECK(c.hosts[3].name == "x6");
  REQUIRE(c.mtas.size() == 2);
  for (const char* name : {"c1d1", "c1d2", "c1d3"}) CHECK(c.mtas[1].mta.mailboxes.contains(name));
  CHECK_FALSE(c.mtas[1].mta.mailboxes.contains("c1d4"));
  CHECK_FALSE(c.mtas[0].mta.mailboxes.contains("c1d1"));
}

TEST_CASE("an error in a repeated copy points at the template and names the copy") {
  const ScenarioFile f(
      "name: r\nhosts:\n  - repeat: {count: 5, as: i, each: {name: \"h{i}\"}}\n"
      "mtas:\n  - repeat: {count: 5, as: i, each: {name: \"m{i}\", host: "
      "\"h{j}\", hostname: \"m{i}.example\"}}\n");
  try {
    load_scenario(f.path());
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(e.where().line == 5);
    CHECK(e.where().key == "mtas[0]{i=1}.host");
    CHECK(e.problem() == "no repeat variable 'j' here");
    CHECK(e.hint() == "the variables of the repeats here: i");
  }
}

TEST_CASE("version 1 or none is read; any other version is an error") {
  const std::string body =
      "name: v\nhosts: [{name: a}]\nmtas: [{name: a, host: a, hostname: a.example}]\n";
  const ScenarioFile none(body), one("version: 1\n" + body), two("version: 2\n" + body);
  CHECK(load_scenario(none.path()).hosts.size() == 1);
  CHECK(load_scenario(one.path()).hosts.size() == 1);
  CHECK_THROWS_AS(load_scenario(two.path()), InputError);
}

TEST_CASE("a list item's repeat may repeat a repeat: 2 colleges of 3 departments are 6 hosts") {
  // The outer copy c=2 holds an inner repeat over d: c1d1, c1d2, c1d3, c2d1, c2d2, c2d3; an
  // error in the innermost copy names both variables.
  const ScenarioFile f(R"(
name: nested_items
hosts:
  - repeat:
      count: 2
      as: c
      each: {repeat: {count: 3, as: d, each: {name: "c{c}d{d}"}}}
mtas:
  - repeat:
      count: 2
      as: c
      each: {repeat: {count: 3, as: d, each: {name: "m{c}{d}", host: "c{c}d{d}", hostname: "m{c}{d}.example"}}}
)");
  const auto c = load_scenario(f.path());
  REQUIRE(c.hosts.size() == 6);
  CHECK(c.hosts[0].name == "c1d1");
  CHECK(c.hosts[2].name == "c1d3");
  CHECK(c.hosts[5].name == "c2d3");
  REQUIRE(c.mtas.size() == 6);
  CHECK(c.mtas[4].mta.name == "m22");
  const ScenarioFile bad(
      "name: r\nhosts:\n  - repeat: {count: 2, as: c, each: {repeat: {count: 2, as: d, each: "
      "{name: \"h{c}{d}\", kind: tower}}}}\n");
  try {
    load_scenario(bad.path());
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(e.where().line == 3);
    CHECK(e.where().key == "hosts[0]{c=1}{d=1}.kind");
  }
}

// The loader reads a population once per node of the file, so that a thousand groups that
// name one population by a YAML alias cost one reading (load_traffic.cc). A repeat's copies
// are one node read with different variables: each copy must still get its own value.
TEST_CASE("a population in a repeat, or aliased into another, is read with each copy's variable") {
  const ScenarioFile f(kDepartments + R"(
traffic:
  groups:
    - repeat:
        count: 2
        as: i
        each: {name: "g{i}", origin: univ, from: a@example.edu, rate: 1/d,
               to: &staff ["alice@dept{i}.example.edu", "bob@dept{i}.example.edu"]}
    - repeat:
        count: 2
        as: i
        from: 3
        each: {name: "h{i}", origin: univ, from: a@example.edu, rate: 1/d, to: *staff}
)");
  const auto c = load_scenario(f.path());
  REQUIRE(c.groups.size() == 4);
  // Copy k of the template sends to alice and bob of dept k: g1, g2, then h3, h4.
  for (std::size_t k = 0; k < 4; ++k) {
    const auto& to = c.groups[k].recipients.population;
    REQUIRE(to.size() == 2);
    CHECK(to.at(0) == "alice@dept" + std::to_string(k + 1) + ".example.edu");
    CHECK(to.at(1) == "bob@dept" + std::to_string(k + 1) + ".example.edu");
  }
}
