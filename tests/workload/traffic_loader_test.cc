// The traffic: section read from YAML, and generated traffic run through a World.
#include <cmath>
#include <string>

#include "mailsim/core/error.h"
#include "mailsim/scenario/config.h"
#include "mailsim/scenario/world.h"
#include "scenario/scenario_file.h"
#include "support/catch.h"

using mailsim::Duration;
using mailsim::InputError;
using mailsim::Time;
using mailsim::scenario::load_scenario;

namespace {

std::string scenario(const std::string& traffic) {
  return R"(
name: t
epoch: 2026-11-02T00:00:00Z
hosts: [{name: a}, {name: b}]
links: [{between: [a, b], bandwidth: 10Mbps, latency: 10ms}]
mtas:
  - {name: a, host: a, hostname: mail.a.example}
  - {name: b, host: b, hostname: mail.b.example, local_domains: [b.example], mailboxes: ["u{1..4}", U5]}
dns: {mx: {b.example: "10 mail.b.example"}}
traffic:
)" + traffic;
}

std::string load_error(const std::string& traffic) {
  const ScenarioFile f(scenario(traffic));
  try {
    load_scenario(f.path());
  } catch (const InputError& e) {
    return e.where().key + ": " + e.problem();
  }
  return "loaded";
}

}  // namespace

TEST_CASE("sender groups and bursts load with their distributions") {
  const ScenarioFile f(scenario(R"(
  groups:
    - name: staff
      origin: a
      from: "s{1..50}@a.example"
      to: ["u{1..5}@b.example"]
      rate: 120/h
      profile: office
      zipf: 1.2
      recipients: {empirical: [[1, 70], [2, 30]]}
      size: {lognormal: {median: 20KiB, sigma: 1.2}}
      end: 2d
  bursts:
    - {at: 9h, origin: a, from: list@a.example, to: "u{1..5}@b.example", count: 4, per_message: 2}
)"));
  const auto c = load_scenario(f.path());
  REQUIRE(c.groups.size() == 1);
  const auto& g = c.groups[0];
  CHECK(g.rate_per_second == Approx(120.0 / 3600));
  CHECK(g.profile == mailsim::workload::kOfficeProfile);
  CHECK(g.senders.size() == 50);
  CHECK(*g.recipients.zipf_exponent == 1.2);
  CHECK(g.per_message.mean() == Approx(1.3));
  CHECK(g.size.mean() == Approx(20 * 1024 * std::exp(0.72)));
  CHECK(*g.end == Time::zero() + Duration::days(2));
  REQUIRE(c.bursts.size() == 1);
  CHECK(c.bursts[0].name == "burst1");
  CHECK(c.bursts[0].count == 4);
  CHECK(c.bursts[0].per_message == 2);
}

TEST_CASE("mailboxes may be given as patterns of local parts") {
  const ScenarioFile f(scenario("  messages: []\n"));
  const auto c = load_scenario(f.path());
  const auto& mailboxes = c.mtas[1].mta.mailboxes;
  for (const char* name : {"u1", "u2", "u3", "u4", "u5"}) CHECK(mailboxes.contains(name));
  for (const char* name : {"u0", "u6", "u01", "U1"}) CHECK_FALSE(mailboxes.contains(name));
  const ScenarioFile bad(
      "name: b\nhosts: [{name: a}]\nmtas: [{name: a, host: a, hostname: a.example, "
      "mailboxes: [\"u{1..x}\"]}]\n");
  try {
    load_scenario(bad.path());
    FAIL("accepted");
  } catch (const InputError& e) {
    CHECK(e.where().key == "mtas[0].mailboxes[0]");
    CHECK(e.problem() == "'u{1..x}' is not a local part or pattern");
  }
}

TEST_CASE("rates are read per period") {
  const auto rate = [](const std::string& r) {
    const ScenarioFile f(
        scenario("  groups: [{name: g, origin: a, from: x@a.example, to: u1@b.example, rate: " + r +
                 "}]\n"));
    return load_scenario(f.path()).groups[0].rate_per_second;
  };
  CHECK(rate("86400/d") == Approx(1));
  CHECK(rate("3/min") == Approx(0.05));
  CHECK(rate("1000/7d") == Approx(1000.0 / (7 * 86400)));
  CHECK(rate("0.5/s") == Approx(0.5));
}

TEST_CASE("bad traffic is refused at its key with what would be right") {
  const std::string g = "  groups: [{name: g, origin: a, from: x@a.example, to: u1@b.example";
  CHECK(load_error(g + ", rate: 5/fortnight}]\n") ==
        "traffic.groups[0].rate: '5/fortnight': 'fortnight' is not a period");
  CHECK(load_error(g + ", rate: 50}]\n") == "traffic.groups[0].rate: '50' is not a rate");
  CHECK(load_error(g + ", rate: 1/h, profile: [1, 2]}]\n") ==
        "traffic.groups[0].profile: a profile has 24 hourly multipliers, not 2");
  CHECK(load_error(g + ", rate: 1/h, size: {lognormal: {median: 2KiB}}}]\n") ==
        "traffic.groups[0].size.lognormal: a lognormal needs median and sigma");
  CHECK(load_error(g + ", rate: 1/h, recipients: {empirical: [[0, 1]]}}]\n") ==
        "traffic.groups[0].recipients.empirical[0][0]: '0' is out of range");
  CHECK(load_error("  groups: [{name: g, origin: c, from: x@a.example, to: u1@b.example, "
                   "rate: 1/h}]\n") == "traffic.groups[0].origin: no MTA named 'c'");
  CHECK(load_error("  groups: [{name: g, origin: a, from: x@a.example, to: \"u{1..}@b\", "
                   "rate: 1/h}]\n") ==
        "traffic.groups[0].to: 'u{1..}@b': '' is not a number in a range (0 to 1000000000)");
  CHECK(load_error("  bursts: [{at: 1h, origin: a, from: x@a.example, to: \"u{1..5}@b.example\", "
                   "count: 6}]\n") == "traffic.bursts[0].count: '6' is out of range");
  CHECK(load_error(g + ", rate: 1/h}, {name: g, origin: a, from: y@a.example, to: u2@b.example, "
                       "rate: 1/h}]\n") == "traffic.groups: two sender groups are named 'g'");
}

TEST_CASE("a group's messages travel through the world and are delivered") {
  // 60 an hour for 10 hours (the run lasts 11, so that every one arrives) from a to b's five
  // mailboxes: every message created is delivered to each of its recipients, and the first
  // Message-ID names the group.
  const ScenarioFile f(
      scenario("  groups: [{name: g, origin: a, from: x@a.example, to: \"u{1..5}@b.example\", "
               "rate: 60/h, end: 10h, "
               "recipients: {empirical: [[1, 1], [2, 1]]}}]\n"));
  mailsim::scenario::World world(load_scenario(f.path()));
  double created = 0;
  double delivered = 0;
  std::string first_id;
  world.events().message_created.connect([&](const mailsim::mta::MessageCreated& m) {
    if (created++ == 0) first_id = m.message_id;
  });
  world.events().recipient_final.connect([&](const mailsim::mta::RecipientFinal& r) {
    delivered += r.status == mailsim::mta::FinalStatus::kDelivered ? 1 : 0;
  });
  world.run(Time::zero() + Duration::hours(11));
  CHECK(std::abs(created - 600.0) <= 5 * std::sqrt(600.0));
  CHECK(first_id == "g.1.1.0@mail.a.example");
  double mailbox_copies = 0;
  for (const auto& [user, copies] : world.find_mta("b")->mailboxes())
    mailbox_copies += static_cast<double>(copies.size());
  CHECK(mailbox_copies == delivered);
  CHECK(delivered >= created);  // one or two recipients each
  CHECK(delivered <= 2 * created);
}
