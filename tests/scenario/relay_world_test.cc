// Relaying through the World with real MTAs: a backup MX that holds mail for its primary,
// loop detection by hop count (reference §4), and relaying for authenticated clients.
#include <string>
#include <vector>

#include "mailsim/smtp/headers.h"
#include "scenario/of_message.h"
#include "scenario/recorded_run.h"
#include "support/catch.h"

using mailsim::Duration;
using mailsim::Time;
using namespace mailsim::mta;
namespace smtp = mailsim::smtp;

namespace {

Time at_s(std::int64_t s) { return Time::zero() + Duration::seconds(s); }

std::vector<double> starts_from(const RecordedRun& r, const std::string& node) {
  std::vector<double> out;
  for (const AttemptFinished& a : of_message(r.attempts, 1)) {
    if (a.from_node == node) out.push_back(a.started.seconds());
  }
  return out;
}

// s's user x@s.example writes to someone at loop.example, whose MX is a. a sends
// loop.example to b through its transport map, and b sends it back to a.
std::string loop(const std::string& hopcount_limit) {
  return R"(
name: loop
hosts: [{name: s}, {name: a}, {name: b}]
links:
  - {between: [s, a], bandwidth: 10Mbps, latency: 5ms}
  - {between: [a, b], bandwidth: 10Mbps, latency: 1ms}
dns:
  mx: {s.example: "10 mail.s.example", loop.example: "10 mail.a.example"}
defaults: {)" +
         hopcount_limit + R"(}
mtas:
  - {name: s, host: s, hostname: mail.s.example, local_domains: [s.example], mailboxes: [x]}
  - {name: a, host: a, hostname: mail.a.example, relay_domains: [loop.example],
     transport: {loop.example: mail.b.example}}
  - {name: b, host: b, hostname: mail.b.example, relay_domains: [loop.example],
     transport: {loop.example: mail.a.example}}
traffic:
  messages: [{at: 0s, origin: s, from: x@s.example, to: y@loop.example}]
)";
}

}  // namespace

TEST_CASE("the backup MX holds mail while the primary is down and forwards it later") {
  // b.example: MX 10 p (primary, down for the first hour), MX 20 k (backup, relays
  // b.example). a tries p (times out at 30 s) and then k, which accepts at about 30.1 s.
  // k drops its own preference and higher from the MX list, so it retries p alone,
  // Postfix-style, from its own arrival: fails at ~60.1 (age 30 -> next ~360) -> scan
  // 600; fails 630 (age ~600) -> next ~1230 -> scan 1500; fails 1530 -> next ~3030 ->
  // scan 3300; fails 3330 -> next ~6630 -> scan 6900, after p is back at 3600 s.
  const RecordedRun r = record_run(R"(
name: backup
hosts: [{name: a}, {name: p}, {name: k}]
links:
  - {between: [a, p], bandwidth: 10Mbps, latency: 10ms}
  - {between: [a, k], bandwidth: 10Mbps, latency: 10ms}
  - {between: [k, p], bandwidth: 10Mbps, latency: 10ms}
dns:
  mx: {b.example: ["10 mail.p.example", "20 mail.k.example"]}
defaults:
  timeouts: {connect: 30s}
mtas:
  - {name: a, host: a, hostname: mail.a.example}
  - {name: p, host: p, hostname: mail.p.example, local_domains: [b.example], mailboxes: [bob]}
  - {name: k, host: k, hostname: mail.k.example, relay_domains: [b.example]}
traffic:
  messages: [{at: 0s, origin: a, from: x@a.example, to: bob@b.example}]
faults: [{type: host_down, target: p, start: 0s, duration: 1h}]
)",
                                   Duration::days(1));
  const std::vector<AttemptFinished> from_a = of_message(r.attempts, 1);
  REQUIRE(from_a.size() >= 2);
  CHECK(from_a[0].to_node == "p");
  CHECK(from_a[0].outcome == AttemptOutcome::kConnTimeout);
  CHECK(from_a[1].to_node == "k");
  CHECK(from_a[1].outcome == AttemptOutcome::kSent);
  const std::vector<double> from_k = starts_from(r, "k");
  REQUIRE(from_k.size() == 5);
  CHECK(from_k[0] == Approx(30.1).margin(0.1));
  CHECK(std::vector<double>(from_k.begin() + 1, from_k.end()) ==
        std::vector<double>{600, 1500, 3300, 6900});
  const std::vector<KeptFinal> finals = of_message(r.finals, 1);
  REQUIRE(finals.size() == 1);
  CHECK(finals[0].status == FinalStatus::kDelivered);
  CHECK(finals[0].node == "p");
  CHECK(finals[0].at > at_s(6900));
  CHECK(finals[0].at < at_s(6901));
  const std::vector<std::string> trace = smtp::header_values(finals[0].headers, "Received");
  REQUIRE(trace.size() == 2);
  CHECK(trace[0].find("by mail.p.example") != std::string::npos);  // newest first
  CHECK(trace[1].find("by mail.k.example") != std::string::npos);
}

TEST_CASE("a mail loop is caught at the hundredth Received: field and bounced to the sender") {
  // s -> a is hop 1; then a -> b, b -> a, ... Hop k would make k Received: fields, so the
  // 100th hop, a -> b (even hops go to b), is refused at the end of DATA with 554 5.4.6,
  // and a, which got the refusal, bounces the message to x@s.example.
  const RecordedRun r = record_run(loop(""), Duration::hours(1));
  CHECK(of_message(r.queued, 1).size() == 100);  // at s, then 99 accepted hops
  const std::vector<KeptFinal> finals = of_message(r.finals, 1);
  REQUIRE(finals.size() == 1);
  CHECK(finals[0].status == FinalStatus::kBounced);
  CHECK(finals[0].node == "a");
  CHECK(finals[0].code == 554);
  CHECK(finals[0].reply == "5.4.6 Error: too many hops");
  const std::vector<MessageCreated> bounces = r.of_kind(MessageKind::kBounce);
  REQUIRE(bounces.size() == 1);
  CHECK(bounces[0].origin == "a");
  const std::vector<KeptFinal> returned = of_message(r.finals, bounces[0].msg);
  REQUIRE(returned.size() == 1);
  CHECK(returned[0].status == FinalStatus::kDelivered);
  CHECK(returned[0].node == "s");
  CHECK(r.mailboxes.at("s").at("x").size() == 1);
}

TEST_CASE("hopcount_limit sets where the loop is caught") {
  // Limit 5: hops 1-4 are accepted (s -> a -> b -> a -> b); hop 5 goes from b to a, so
  // a refuses it and b bounces.
  const RecordedRun r = record_run(loop("hopcount_limit: 5"), Duration::hours(1));
  CHECK(of_message(r.queued, 1).size() == 5);  // at s, then 4 accepted hops
  const std::vector<KeptFinal> finals = of_message(r.finals, 1);
  REQUIRE(finals.size() == 1);
  CHECK(finals[0].node == "b");
  CHECK(finals[0].code == 554);
  REQUIRE(r.of_kind(MessageKind::kBounce).size() == 1);
  CHECK(r.mailboxes.at("s").at("x").size() == 1);
}

namespace {

// r offers AUTH and relays for nobody else; `client_auth` is a's line for its credentials.
std::string submission(const std::string& client_auth) {
  return through_relay(client_auth, ", auth_users: {alice: secret}", "bob@b.example");
}

}  // namespace

TEST_CASE("an authenticated client may relay, and its hop says with ESMTPA") {
  const RecordedRun r =
      record_run(submission(", client_auth: {user: alice, password: secret}"), Duration::days(1));
  const std::vector<KeptFinal> finals = of_message(r.finals, 1);
  REQUIRE(finals.size() == 1);
  CHECK(finals[0].status == FinalStatus::kDelivered);
  CHECK(finals[0].node == "b");
  const std::vector<std::string> trace = smtp::header_values(finals[0].headers, "Received");
  REQUIRE(trace.size() == 2);
  CHECK(trace[0].find("by mail.b.example (mailsim) with ESMTP id") != std::string::npos);
  CHECK(trace[1].find("by mail.r.example (mailsim) with ESMTPA id") != std::string::npos);
}

TEST_CASE("an unauthenticated client may not relay and gets its mail back") {
  const RecordedRun r = record_run(submission(""), Duration::days(1));
  const std::vector<KeptFinal> finals = of_message(r.finals, 1);
  REQUIRE(finals.size() == 1);
  CHECK(finals[0].status == FinalStatus::kBounced);
  CHECK(finals[0].node == "a");
  CHECK(finals[0].code == 554);
  CHECK(finals[0].reply.starts_with("5.7.1"));
  REQUIRE(r.of_kind(MessageKind::kBounce).size() == 1);
  CHECK(r.mailboxes.at("a").at("x").size() == 1);
}
