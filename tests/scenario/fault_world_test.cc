// Faults in a built world: a DNS outage, repeating and random outages.
#include <string>
#include <utility>
#include <vector>

#include "mailsim/scenario/world.h"
#include "scenario/kept_events.h"
#include "scenario/of_message.h"
#include "scenario/scenario_file.h"
#include "support/catch.h"

using mailsim::Duration;
using mailsim::Time;
using namespace mailsim::mta;

namespace {

// a sends one message at 0 s to bob@b.example, 10 ms away, found through an MX record.
std::string two_hosts(const std::string& retry, const std::string& faults) {
  return R"(
name: faults
hosts: [{name: a}, {name: b}]
links: [{between: [a, b], bandwidth: 10Mbps, latency: 10ms}]
defaults: {retry: )" +
         retry + R"(}
mtas:
  - {name: a, host: a, hostname: mail.a.example}
  - {name: b, host: b, hostname: mail.b.example, local_domains: [b.example], mailboxes: [bob]}
dns:
  mx: {b.example: "10 mail.b.example"}
traffic:
  messages: [{at: 0s, origin: a, from: x@a.example, to: bob@b.example}]
faults: )" +
         faults + "\n";
}

struct Run {
  std::vector<AttemptFinished> attempts;
  std::vector<KeptFinal> finals;
  std::vector<std::pair<double, bool>> dns;   // (time, up)
  std::vector<std::pair<double, bool>> host;  // b's changes: (time, up)
};

Run run(const std::string& yaml, Duration until, std::uint64_t run_number = 0) {
  const ScenarioFile file(yaml);
  mailsim::scenario::World world(mailsim::scenario::load_scenario(file.path()), run_number);
  Run r;
  world.events().attempt_finished.connect(
      [&](const AttemptFinished& a) { r.attempts.push_back(a); });
  world.events().recipient_final.connect([&](const RecipientFinal& f) { r.finals.push_back(f); });
  world.resolver().availability_changed.connect(
      [&](const mailsim::dns::AvailabilityChange& c) { r.dns.emplace_back(c.at.seconds(), c.up); });
  world.network().state_changed.connect([&](const mailsim::net::StateChange& c) {
    if (c.target == "b") r.host.emplace_back(c.at.seconds(), c.up);
  });
  world.run(Time::zero() + until);
  return r;
}

}  // namespace

TEST_CASE("a DNS outage defers mail without an attempt until the resolver answers again") {
  // DNS down 0-50 min; retries every 20 min at the due time: the MX lookups at 0, 20 and
  // 40 min fail temporarily (no connection, so no attempt), the one at 60 min succeeds and
  // the only attempt starts at 3600 s and delivers.
  const Run r = run(two_hosts("{fixed: 20m}", "[{type: dns_down, start: 0s, duration: 50m}]"),
                    Duration::days(1));
  REQUIRE(r.attempts.size() == 1);
  CHECK(r.attempts[0].started.seconds() == 3600.0);
  CHECK(r.attempts[0].outcome == AttemptOutcome::kSent);
  REQUIRE(r.finals.size() == 1);
  CHECK(r.finals[0].status == FinalStatus::kDelivered);
  CHECK(r.dns == std::vector<std::pair<double, bool>>{{0, false}, {3000, true}});
}

TEST_CASE("mail deferred by a DNS outage expires with Postfix's 4.4.3 name service reply") {
  // DNS down for 2 h, queue lifetime 1 h: lookups at 0, 20, 40 and 60 min fail; the one
  // at 60 min ends at arrival + 1 h, so the law gives up then. The reply is Postfix's for
  // a resolver that cannot answer (reference: "Host or domain name not found ... try again").
  const Run r = run(
      two_hosts("{fixed: 20m, queue_lifetime: 1h}", "[{type: dns_down, start: 0s, duration: 2h}]"),
      Duration::days(1));
  CHECK(r.attempts.empty());
  const auto finals = of_message(r.finals, 1);
  REQUIRE(finals.size() == 1);
  CHECK(finals[0].status == FinalStatus::kExpired);
  CHECK(finals[0].at.seconds() == 3600.0);
  CHECK(finals[0].code == 451);
  CHECK(finals[0].reply ==
        "4.4.3 Host or domain name not found. Name service error for name=b.example "
        "type=MX: Host not found, try again");
}

TEST_CASE("a repeating host outage takes the host down every period, count times") {
  // Every 2 h from 30 min for 1 h, twice: down at 1800 s and 9000 s, up at 5400 s and
  // 12600 s. The message at 0 s is delivered at once.
  const Run r = run(two_hosts("{fixed: 20m}",
                              "[{type: host_down, target: b, start: 30m, duration: 1h, every: "
                              "2h, count: 2}]"),
                    Duration::days(1));
  CHECK(r.host == std::vector<std::pair<double, bool>>{
                      {1800, false}, {5400, true}, {9000, false}, {12600, true}});
}

TEST_CASE("a random host outage is the same in the same run and differs between runs") {
  const std::string yaml =
      two_hosts("{fixed: 20m}", "[{type: host_down, target: b, mtbf: 1d, mttr: 2h}]");
  const Run first = run(yaml, Duration::days(20));
  const Run again = run(yaml, Duration::days(20));
  const Run other = run(yaml, Duration::days(20), 1);
  // 20 days at a mean cycle of 26 h: about 18 windows; at least a few for sure.
  REQUIRE(first.host.size() >= 6);
  CHECK(first.host == again.host);
  CHECK(first.host != other.host);
  for (std::size_t i = 0; i < first.host.size(); ++i) CHECK(first.host[i].second == (i % 2 == 1));
}
