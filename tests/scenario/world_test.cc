#include "mailsim/scenario/world.h"

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scenario/kept_events.h"
#include "scenario/of_message.h"
#include "scenario/scenario_file.h"
#include "support/catch.h"

using mailsim::Duration;
using mailsim::Time;
using namespace mailsim::mta;

namespace {

// Two hosts, 10 ms apart; b is down for the first hour. Retries every 20 minutes (unless
// `retry` says otherwise) with Postfix's 30 s connect timeout.
std::string two_hosts(
    const std::string& retry, const std::string& recipient,
    const std::string& faults = "[{type: host_down, target: b, start: 0s, duration: 1h}]") {
  return R"(
name: two
hosts: [{name: a}, {name: b}]
links: [{between: [a, b], bandwidth: 10Mbps, latency: 10ms}]
defaults:
  retry: )" +
         (retry.empty() ? "{fixed: 20m}" : retry) +
         R"(
  timeouts: {connect: 30s}

mtas:
  - {name: a, host: a, hostname: mail.a.example}
  - {name: b, host: b, hostname: mail.b.example, local_domains: [b.example], mailboxes: [bob]}
dns:
  mx: {b.example: "10 mail.b.example"}
traffic:
  messages: [{at: 0s, origin: a, from: x@a.example, to: )" +
         recipient + R"(, size: 4KiB}]
faults: )" +
         faults + "\n";
}

struct Run {
  std::vector<AttemptFinished> attempts;
  std::vector<KeptFinal> finals;
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
  // (The bounce to x@a.example finds no such domain and is dropped: message 2.)
  const Run r =
      run(two_hosts("{fixed: 20m, queue_lifetime: 30m}", "bob@b.example"), Duration::days(1));
  REQUIRE(r.attempts.size() == 3);
  const std::vector<KeptFinal> finals = of_message(r.finals, 1);
  REQUIRE(finals.size() == 1);
  CHECK(finals[0].status == FinalStatus::kExpired);
  CHECK(finals[0].node == "a");
  CHECK(finals[0].at == at(Duration::minutes(41) + Duration::seconds(30)));
}

TEST_CASE("an unknown user is refused at RCPT and bounces at once") {
  const Run r = run(two_hosts("", "nobody@b.example"), Duration::days(1));
  const std::vector<KeptFinal> finals = of_message(r.finals, 1);
  REQUIRE(finals.size() == 1);
  CHECK(finals[0].status == FinalStatus::kBounced);
  CHECK(finals[0].code == 550);
  CHECK(finals[0].reply.find("5.1.1") != std::string::npos);
  REQUIRE(r.attempts.size() == 4);
  CHECK(r.attempts.back().outcome == AttemptOutcome::kRejected);
}

TEST_CASE("a run ends with undelivered mail still queued when time runs out") {
  const Run r = run(two_hosts("", "bob@b.example"), Duration::minutes(30));
  CHECK(r.attempts.size() == 2);
  CHECK(r.finals.empty());
}

namespace {
std::vector<double> start_seconds(const Run& r) {
  std::vector<double> out;
  for (const auto& a : r.attempts) out.push_back(a.started.seconds());
  return out;
}
std::vector<AttemptOutcome> outcomes(const Run& r) {
  std::vector<AttemptOutcome> out;
  for (const auto& a : r.attempts) out.push_back(a.outcome);
  return out;
}
}  // namespace

TEST_CASE("a stopped MTA refuses connections after one round trip and is retried") {
  // Refused after 20 ms each time; retries 20 min after each refusal: 0, 1200.02 s,
  // 2400.04 s, then 3600.06 s, after the service is back at 3600 s.
  const Run r =
      run(two_hosts("", "bob@b.example", "[{type: mta_down, target: b, start: 0s, duration: 1h}]"),
          Duration::days(1));
  using O = AttemptOutcome;
  CHECK(outcomes(r) == std::vector<O>{O::kConnRefused, O::kConnRefused, O::kConnRefused, O::kSent});
  const std::vector<double> starts = start_seconds(r);
  REQUIRE(starts.size() == 4);
  CHECK(starts[1] == Approx(1200.02).margin(1e-9));
  CHECK(starts[2] == Approx(2400.04).margin(1e-9));
  CHECK(starts[3] == Approx(3600.06).margin(1e-9));
  REQUIRE(r.finals.size() == 1);
  CHECK(r.finals[0].status == FinalStatus::kDelivered);
}

TEST_CASE("a host that fails mid-session leaves the client to time out, then retry") {
  // b fails at 25 ms, after the connection opened (20 ms) and before its greeting (30 ms).
  // The client waits for the greeting until its 300 s command timeout (from 20 ms), then
  // retries every 20 min: 1500.02 s and 2730.02 s time out (30 s connect timeout), and
  // 3960.02 s finds b back (up at 3600.025 s).
  const Run r = run(
      two_hosts("", "bob@b.example", "[{type: host_down, target: b, start: 25ms, duration: 1h}]"),
      Duration::days(1));
  using O = AttemptOutcome;
  CHECK(outcomes(r) == std::vector<O>{O::kLost, O::kConnTimeout, O::kConnTimeout, O::kSent});
  REQUIRE(r.attempts.size() == 4);
  CHECK(r.attempts[0].ended.seconds() == Approx(300.02).margin(1e-9));
  CHECK(r.attempts[0].code == 451);
  CHECK(r.attempts[0].enhanced == "4.4.2");
  CHECK(r.attempts[3].started.seconds() == Approx(3960.02).margin(1e-9));
  REQUIRE(r.finals.size() == 1);
  CHECK(r.finals[0].status == FinalStatus::kDelivered);
}

TEST_CASE("overlapping outages keep a host down until the last one ends") {
  // Down 0-1h and 30m-90m: up at 5400 s. Attempts start every 1230 s (30 s timeout +
  // 20 min): 0, 1230, 2460, 3690, 4920 time out; 6150 s gets through.
  const Run r = run(two_hosts("", "bob@b.example",
                              "[{type: host_down, target: b, start: 0s, duration: 1h},"
                              " {type: host_down, target: b, start: 30m, duration: 1h}]"),
                    Duration::days(1));
  const std::vector<double> starts = start_seconds(r);
  REQUIRE(starts.size() == 6);
  CHECK(starts[4] == Approx(4920.0).margin(1e-9));
  CHECK(starts[5] == Approx(6150.0).margin(1e-9));
  CHECK(r.attempts[5].outcome == AttemptOutcome::kSent);
}

TEST_CASE("a run that ends mid-session leaves the recipient queued and frees the session") {
  // Ends at 25 ms, inside the SMTP session of the first attempt. Under the sanitizer
  // build (tools/test), LeakSanitizer fails this test if the connection, its delivery or
  // its receiver outlive the world.
  const Run r = run(two_hosts("", "bob@b.example", "[]"), Duration::milliseconds(25));
  CHECK(r.attempts.empty());
  CHECK(r.finals.empty());
}

TEST_CASE("a silent client gets 421 4.4.2 after the server's idle timeout") {
  // A raw client on host a connects to b's MTA and never speaks. b accepts at 30 ms
  // (three one-way latencies) and greets; 300 s later (smtpd_timeout) it sends 421 and
  // closes; both arrive one latency (10 ms) after they leave.
  const ScenarioFile file(two_hosts("", "bob@b.example", "[]"));
  mailsim::scenario::World world(mailsim::scenario::load_scenario(file.path()));
  world.start();
  auto& net = world.network();
  std::vector<std::pair<double, std::string>> seen;
  std::shared_ptr<mailsim::net::Connection> keep;
  net.connect(
      *world.topology().find("a"), *world.topology().find("b"), 25, Duration::seconds(30),
      [&](mailsim::net::ConnectResult r) {
        keep = r.connection;
        keep->set_handlers(
            mailsim::net::Side::kClient,
            {[&](std::string_view b) { seen.emplace_back(world.simulator().now().seconds(), b); },
             [&] { seen.emplace_back(world.simulator().now().seconds(), "closed"); }});
      });
  world.simulator().run_until(Time::zero() + Duration::minutes(10));
  REQUIRE(seen.size() == 3);
  CHECK(seen[0].second.rfind("220 mail.b.example", 0) == 0);
  CHECK(seen[1].second == "421 4.4.2 mail.b.example Error: timeout exceeded\r\n");
  CHECK(seen[1].first == Approx(300.04).margin(1e-3));
  CHECK(seen[2].second == "closed");
}

TEST_CASE("the server's idle timeout counts from the client's last command") {
  // As above, but the client sends EHLO at 100 s. It reaches b at 100.01 s, which replies
  // at once and waits 300 s again: 421 leaves at 400.01 s and arrives at 400.02 s. (The
  // timer armed at the greeting, due at 300.03 s, must not fire the timeout then.)
  const ScenarioFile file(two_hosts("", "bob@b.example", "[]"));
  mailsim::scenario::World world(mailsim::scenario::load_scenario(file.path()));
  world.start();
  auto& net = world.network();
  auto& sim = world.simulator();
  std::vector<std::pair<double, std::string>> seen;
  std::shared_ptr<mailsim::net::Connection> keep;
  net.connect(*world.topology().find("a"), *world.topology().find("b"), 25, Duration::seconds(30),
              [&](mailsim::net::ConnectResult r) {
                keep = r.connection;
                keep->set_handlers(
                    mailsim::net::Side::kClient,
                    {[&](std::string_view b) { seen.emplace_back(sim.now().seconds(), b); },
                     [&] { seen.emplace_back(sim.now().seconds(), "closed"); }});
              });
  sim.schedule_at(Time::zero() + Duration::seconds(100), [&] {
    keep->send(mailsim::net::Side::kClient, std::string("EHLO a.example\r\n"));
  });
  sim.run_until(Time::zero() + Duration::minutes(10));
  REQUIRE(seen.size() == 4);
  CHECK(seen[1].second.rfind("250-mail.b.example", 0) == 0);
  CHECK(seen[1].first == Approx(100.02).margin(1e-3));
  CHECK(seen[2].second == "421 4.4.2 mail.b.example Error: timeout exceeded\r\n");
  CHECK(seen[2].first == Approx(400.02).margin(1e-3));
  CHECK(seen[3].second == "closed");
}
