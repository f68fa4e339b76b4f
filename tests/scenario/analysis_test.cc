// What `mailsim validate` reports: the summary's counts and each warning.
#include "mailsim/scenario/analysis.h"

#include <string>
#include <vector>

#include "scenario/scenario_file.h"
#include "support/catch.h"

using namespace mailsim::scenario;

namespace {

ScenarioConfig load(const std::string& yaml) {
  const ScenarioFile f(yaml);
  return load_scenario(f.path());
}

// a sends to bob@b.example; b is b.example's MX unless `mx` says otherwise.
std::string two_mtas(const std::string& retry, const std::string& faults,
                     const std::string& extra_mtas = "",
                     const std::string& mx = "{b.example: \"10 mail.b.example\"}") {
  return "name: w\nduration: 10d\nhosts: [{name: a}, {name: b}, {name: c}]\n"
         "links: [{between: [a, b], bandwidth: 10Mbps, latency: 1ms},"
         " {between: [a, c], bandwidth: 10Mbps, latency: 1ms}]\n"
         "dns: {mx: " +
         mx +
         "}\n"
         "mtas:\n"
         "  - {name: a, host: a, hostname: mail.a.example, retry: " +
         retry +
         "}\n"
         "  - {name: b, host: b, hostname: mail.b.example, local_domains: [b.example], "
         "mailboxes: [bob]}\n" +
         extra_mtas +
         "traffic: {messages: [{at: 0s, origin: a, from: x@a.example, to: bob@b.example}]}\n"
         "faults: " +
         faults + "\n";
}

}  // namespace

TEST_CASE("the summary counts hosts, links, MTAs, domains, traffic and outage windows") {
  // 1 + 40 hosts and MTAs, 40 links; domains: example.edu (MX) and 40 departments (local
  // and MX): 41. A 2 h outage every day from 1 h over a 3-day run: windows at 1 h, 25 h
  // and 49 h, 6 h in all.
  const auto c = load(R"(
name: s
duration: 3d
hosts:
  - {name: univ, kind: router}
  - repeat: {count: 40, as: i, each: {name: "d{i}"}}
links:
  - repeat: {count: 40, as: i, each: {between: [univ, "d{i}"], bandwidth: 1Mbps, latency: 1ms}}
dns:
  mx:
    example.edu: "10 mail.d1.example.edu"
    repeat: {count: 40, as: i, each: {"d{i}.example.edu": "10 mail.d{i}.example.edu"}}
mtas:
  - repeat:
      count: 40
      as: i
      each: {name: "d{i}", host: "d{i}", hostname: "mail.d{i}.example.edu",
             local_domains: ["d{i}.example.edu"], mailboxes: [a]}
traffic:
  messages:
    - {at: 0s, origin: d1, from: a@d1.example.edu, to: [a@d2.example.edu, a@d3.example.edu]}
    - {at: 1h, origin: d2, from: a@d2.example.edu, to: a@d1.example.edu}
faults:
  - {type: host_down, target: d5, start: 1h, duration: 2h, every: 1d}
)");
  const ScenarioSummary s = summarize(c);
  CHECK(s.hosts == 41);
  CHECK(s.routers == 1);
  CHECK(s.links == 40);
  CHECK(s.mtas == 40);
  CHECK(s.domains == 41);
  CHECK(s.mx_records == 41);
  CHECK(s.messages == 2);
  CHECK(s.recipients == 3);
  CHECK(s.faults == 1);
  CHECK(s.outage_windows == 3);
  CHECK(s.down_time == mailsim::Duration::hours(6));
}

TEST_CASE("a scenario whose mail all has a way through gets no warnings") {
  const auto c = load(two_mtas("qmail", "[{type: host_down, target: b, start: 0s, duration: 6d}]"));
  CHECK(warnings(c).empty());
}

TEST_CASE("a domain no route reaches is a warning, for the traffic and for the domain") {
  // No MX for b.example and no address: a cannot route it, and no MTA but b knows it.
  const auto c = load(two_mtas("postfix", "[]", "", "{}"));
  CHECK(warnings(c) == std::vector<std::string>{
                           "mail from MTA 'a' to domain 'b.example' has no route: it has no MX "
                           "record and no address",
                           "domain 'b.example' (local at MTA 'b') is reached by no route from "
                           "another MTA: give it an MX record, or a transport entry or relayhost "
                           "elsewhere",
                           "MTA 'b' receives no mail: no message starts there and no route "
                           "leads to it"});
}

TEST_CASE("an MTA that nothing sends to is a warning") {
  const auto c =
      load(two_mtas("postfix", "[]", "  - {name: c, host: c, hostname: mail.c.example}\n"));
  CHECK(warnings(c) == std::vector<std::string>{"MTA 'c' receives no mail: no message starts "
                                                "there and no route leads to it"});
}

TEST_CASE("a retry law that gives up before its only next hop's outage ends is a warning") {
  // b is down from 0 s for 6 days; Postfix gives up 5 days after a message is queued
  // (maximal_queue_lifetime), qmail after 7 (queuelifetime): only postfix is warned about.
  const std::string six_days = "[{type: host_down, target: b, start: 0s, duration: 6d}]";
  CHECK(warnings(load(two_mtas("postfix", six_days))) ==
        std::vector<std::string>{
            "MTA 'a' gives up on mail for 'b.example' via MTA 'b' 5d after it is queued, before "
            "the host_down outage of 'b' from 0s to 6d ends: mail queued when it starts expires"});
  CHECK(warnings(load(two_mtas("qmail", six_days))).empty());
  // Exim gives up 4 days after the first failure (its last rule's cutoff); an MTA outage
  // from 1 d for 5 d ends at 6 d, after 1 d + 4 d.
  CHECK(
      warnings(load(two_mtas("exim", "[{type: mta_down, target: b, start: 1d, duration: 5d}]"))) ==
      std::vector<std::string>{
          "MTA 'a' gives up on mail for 'b.example' via MTA 'b' 4d after it is queued, before "
          "the mta_down outage of 'b' from 1d to 6d ends: mail queued when it starts expires"});
}

TEST_CASE("with a backup MX, the backup's law is the one that must outlast the primary's outage") {
  // a may hand b.example's mail to the backup c, so a's 5-day Postfix law is no risk; c
  // holds it for b alone (it drops MX records of its own preference and above), so c's
  // law must outlast the 6 days: Postfix's does not, qmail's does.
  const std::string faults = "[{type: host_down, target: b, start: 0s, duration: 6d}]";
  const std::string mx = "{b.example: [\"10 mail.b.example\", \"20 mail.c.example\"]}";
  const auto backup = [&](const std::string& retry) {
    return warnings(load(two_mtas("postfix", faults,
                                  "  - {name: c, host: c, hostname: mail.c.example, "
                                  "relay_domains: [b.example], retry: " +
                                      retry + "}\n",
                                  mx)));
  };
  CHECK(backup("postfix") ==
        std::vector<std::string>{
            "MTA 'c' gives up on mail for 'b.example' via MTA 'b' 5d after it is queued, before "
            "the host_down outage of 'b' from 0s to 6d ends: mail queued when it starts expires"});
  CHECK(backup("qmail").empty());
}

TEST_CASE("a DNS outage longer than a law's queue lifetime is a warning for every sender") {
  const auto c = load(
      two_mtas("{fixed: 1h, queue_lifetime: 1d}", "[{type: dns_down, start: 2h, duration: 2d}]"));
  CHECK(warnings(c) == std::vector<std::string>{
                           "MTA 'a' gives up on mail it routes 1d after it is queued, before the "
                           "dns_down outage of 'dns' from 2h to 2d2h ends: mail queued when it "
                           "starts expires"});
}

TEST_CASE("the summary counts the bursts' messages and the groups' expected messages") {
  // Bursts: 250 members 20 to a message are 12 messages of 20 and one of 10: 13 messages,
  // 250 recipients; 3 members one to a message: 3 more. Groups over 1d12h from 09:00 UTC:
  // `flat` at 240/d sends 240 × 1.5 = 360 on average; `office` at 24/h (a mean over the
  // day) ends at 1h30m: 09:00-10:30 are office hours 9 and 10, multiplier 2 each (the 24
  // multipliers have mean 1), 48/h × 1.5 h = 72. In all 432.
  const auto c = load(R"(
name: s
duration: 1d12h
epoch: 2026-11-02T09:00:00Z
hosts: [{name: a}, {name: b}]
links: [{between: [a, b], bandwidth: 10Mbps, latency: 1ms}]
mtas:
  - {name: a, host: a, hostname: mail.a.example}
  - {name: b, host: b, hostname: b.example, local_domains: [b.example], mailboxes: ["u{1..300}"]}
traffic:
  messages: [{at: 0s, origin: b, from: u2@b.example, to: u1@b.example}]
  groups:
    - {name: flat, origin: a, from: x@a.example, to: "u{1..300}@b.example", rate: 240/d}
    - {name: office, origin: a, from: x@a.example, to: "u{1..300}@b.example", rate: 24/h,
       profile: office, end: 1h30m}
  bursts:
    - {at: 1h, origin: a, from: list@a.example, to: "u{1..300}@b.example", count: 250,
       per_message: 20}
    - {at: 2h, origin: a, from: list@a.example, to: "u{1..3}@b.example"}
)");
  const ScenarioSummary s = summarize(c);
  CHECK(s.messages == 1);
  CHECK(s.recipients == 1);
  CHECK(s.burst_messages == 16);
  CHECK(s.burst_recipients == 253);
  CHECK(s.groups == 2);
  CHECK(s.group_messages == Approx(432.0).epsilon(1e-9));
  // a sends only through its groups and bursts, and nothing routes to it: still no
  // "receives no mail" warning.
  CHECK(warnings(c).empty());
}

TEST_CASE("a sender group's or burst's domain without a route is a warning naming it") {
  // a's group writes to bob at b.example (routed by its MX record) and to d{1..3}.example:
  // d1 and d3 have no MX and no address, d2 has an MX pointing at b, which neither holds
  // nor relays d2. The burst's first 2 members are at b.example (fine); its third, at
  // nowhere.example, is past its count and never written to.
  const auto c = load(R"(
name: g
duration: 1d
hosts: [{name: a}, {name: b}]
links: [{between: [a, b], bandwidth: 10Mbps, latency: 1ms}]
dns: {mx: {b.example: "10 mail.b.example", d2.example: "10 mail.b.example"}}
mtas:
  - {name: a, host: a, hostname: mail.a.example}
  - {name: b, host: b, hostname: mail.b.example, local_domains: [b.example], mailboxes: [bob]}
traffic:
  groups:
    - {name: staff, origin: a, from: x@a.example, to: [bob@b.example, "u@d{1..3}.example"],
       rate: 10/d}
  bursts:
    - {name: news, at: 1h, origin: a, from: x@a.example, count: 2,
       to: [bob@b.example, bob@B.example, bob@nowhere.example]}
)");
  CHECK(warnings(c) ==
        std::vector<std::string>{
            "mail from MTA 'a' to domain 'd1.example' (sender group 'staff') has no route: it "
            "has no MX record and no address",
            "mail from MTA 'a' to domain 'd2.example' (sender group 'staff') has no route: MTA "
            "'b' does not relay it",
            "mail from MTA 'a' to domain 'd3.example' (sender group 'staff') has no route: it "
            "has no MX record and no address"});
}

TEST_CASE("a domain that explicit mail and a group both miss is reported once") {
  // The explicit message comes first and is named without a source.
  const auto c = load(R"(
name: g
duration: 1d
hosts: [{name: a}, {name: b}]
links: [{between: [a, b], bandwidth: 10Mbps, latency: 1ms}]
mtas:
  - {name: a, host: a, hostname: mail.a.example}
  - {name: b, host: b, hostname: b.example, local_domains: [b.example], mailboxes: [bob]}
traffic:
  messages: [{at: 0s, origin: a, from: x@a.example, to: bob@c.example}]
  groups: [{name: staff, origin: a, from: x@a.example, to: "u{1..5}@c.example", rate: 10/d}]
)");
  CHECK(warnings(c) == std::vector<std::string>{"mail from MTA 'a' to domain 'c.example' has no "
                                                "route: it has no MX record and no address"});
}

TEST_CASE("a domain without MX or address is reported for each origin that sends to it") {
  // a and c route plainly and share one answer about d.example, which has neither an MX
  // record nor an address: each warning names its own origin. b is e.example's only MX
  // host without holding it; from b the MX list, cut at b's own preference (RFC 5321
  // 5.1), is empty: that dead end is b's own.
  const auto c = load(R"(
name: g
duration: 1d
hosts: [{name: a}, {name: b}, {name: c}]
links:
  - {between: [a, b], bandwidth: 10Mbps, latency: 1ms}
  - {between: [c, b], bandwidth: 10Mbps, latency: 1ms}
dns: {mx: {b.example: "10 mail.b.example", e.example: "10 mail.b.example"}}
mtas:
  - {name: a, host: a, hostname: mail.a.example}
  - {name: b, host: b, hostname: mail.b.example, local_domains: [b.example], mailboxes: [bob]}
  - {name: c, host: c, hostname: mail.c.example}
traffic:
  groups:
    - {name: one, origin: a, from: x@a.example, to: [bob@b.example, u@d.example], rate: 10/d}
    - {name: two, origin: c, from: x@c.example, to: [bob@b.example, u@d.example], rate: 10/d}
  messages: [{at: 0s, origin: b, from: bob@b.example, to: u@e.example}]
)");
  CHECK(warnings(c) ==
        std::vector<std::string>{
            "mail from MTA 'b' to domain 'e.example' has no route: MTA 'b' finds no MX record "
            "or address for it",
            "mail from MTA 'a' to domain 'd.example' (sender group 'one') has no route: it has "
            "no MX record and no address",
            "mail from MTA 'c' to domain 'd.example' (sender group 'two') has no route: it has "
            "no MX record and no address"});
}
