#include "mailsim/scenario/world.h"

#include <string>
#include <vector>

#include "scenario/scenario_file.h"
#include "support/catch.h"

using mailsim::Duration;
using mailsim::Time;
using namespace mailsim::mta;

namespace {

// Two hosts, 10 ms apart; b is down for the first hour. Retries every 20 minutes with
// Postfix's 30 s connect timeout.
std::string two_hosts(const std::string& extra_defaults, const std::string& recipient) {
  return R"(
name: two
hosts: [{name: a}, {name: b}]
links: [{between: [a, b], bandwidth: 10Mbps, latency: 10ms}]
defaults:
  retry: {interval: 20m}
  timeouts: {connect: 30s}
)" + extra_defaults +
         R"(
mtas:
  - {name: a, host: a, hostname: mail.a.example}
  - {name: b, host: b, hostname: mail.b.example, local_domains: [b.example], mailboxes: [bob]}
dns:
  mx: {b.example: "10 mail.b.example"}
traffic:
  messages: [{at: 0s, origin: a, from: x@a.example, to: )" +
         recipient + R"(, size: 4KiB}]
faults: [{type: host_down, target: b, start: 0s, duration: 1h}]
)";
}

struct Run {
  std::vector<AttemptFinished> attempts;
  std::vector<RecipientFinal> finals;
};

Run run(const std::string& yaml, Duration until) {
  const ScenarioFile file(yaml);
  const auto config = mailsim::scenario::load_scenario(file.path());
  mailsim::scenario::World world(config);
  Run r;
  world.events().attempt_finished.connect(
      [&](const AttemptFinished& a) { r.attempts.push_back(a); });
  world.events().recipient_final.connect([&](const RecipientFinal& f) { r.finals.push_back(f); });
  world.run(Time::zero() + until);
  return r;
}

Time at(Duration d) { return Time::zero() + d; }

}  // namespace

TEST_CASE("a message to a down host is retried at the fixed interval until the host is up") {
  // Worked by hand: each failed attempt ends 30 s after it starts (connect timeout) and
  // the next starts 20 min later: 0, 20m30s, 41m, 1h1m30s; b is up again at 1h.
  const Run r = run(two_hosts("", "bob@b.example"), Duration::days(1));
  REQUIRE(r.attempts.size() == 4);
  const Duration starts[] = {Duration{}, Duration::minutes(20) + Duration::seconds(30),
                             Duration::minutes(41), Duration::minutes(61) + Duration::seconds(30)};
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(r.attempts[i].started == at(starts[i]));
    CHECK(r.attempts[i].ended == at(starts[i] + Duration::seconds(30)));
    CHECK(r.attempts[i].outcome == AttemptOutcome::kConnTimeout);
  }
  CHECK(r.attempts[3].started == at(starts[3]));
  CHECK(r.attempts[3].outcome == AttemptOutcome::kSent);
  REQUIRE(r.finals.size() == 1);
  CHECK(r.finals[0].status == FinalStatus::kDelivered);
  CHECK(r.finals[0].node == "b");
  // The session takes a handful of 20 ms round trips, well under a second.
  CHECK(r.finals[0].at > at(starts[3]));
  CHECK(r.finals[0].at < at(starts[3] + Duration::seconds(1)));
  CHECK(r.finals[0].headers.rfind("Return-Path: <x@a.example>\r\nReceived: from mail.a.example",
                                  0) == 0);
}

TEST_CASE("a message still queued after its queue lifetime expires") {
  // Lifetime 30 min: the attempt ending at 21m is before it, the one ending at 41m30s after.
  const Run r = run(two_hosts("  queue_lifetime: 30m\n", "bob@b.example"), Duration::days(1));
  REQUIRE(r.attempts.size() == 3);
  REQUIRE(r.finals.size() == 1);
  CHECK(r.finals[0].status == FinalStatus::kExpired);
  CHECK(r.finals[0].node == "a");
  CHECK(r.finals[0].at == at(Duration::minutes(41) + Duration::seconds(30)));
}

TEST_CASE("an unknown user is refused at RCPT and bounces at once") {
  const Run r = run(two_hosts("", "nobody@b.example"), Duration::days(1));
  REQUIRE(r.finals.size() == 1);
  CHECK(r.finals[0].status == FinalStatus::kBounced);
  CHECK(r.finals[0].code == 550);
  CHECK(r.finals[0].reply.find("5.1.1") != std::string::npos);
  REQUIRE(r.attempts.size() == 4);
  CHECK(r.attempts.back().outcome == AttemptOutcome::kRejected);
}

TEST_CASE("a run ends with undelivered mail still queued when time runs out") {
  const Run r = run(two_hosts("", "bob@b.example"), Duration::minutes(30));
  CHECK(r.attempts.size() == 2);
  CHECK(r.finals.empty());
}
