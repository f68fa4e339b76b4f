// Retry presets through the real MTAs in the simulator: the laws of
// ../shared/reference/mta-behaviour.md §1 seen from the attempts they make.
#include <string>
#include <vector>

#include "mailsim/scenario/config.h"
#include "mailsim/scenario/world.h"
#include "scenario/kept_events.h"
#include "scenario/of_message.h"
#include "scenario/scenario_file.h"
#include "support/catch.h"

using mailsim::Duration;
using mailsim::Time;
using namespace mailsim::mta;

namespace {

// a -> b -> c: a relays everything through b, which relays c.example to c. `faults` take
// hosts down; every connect to a down host times out after 30 s.
std::string chain(const std::string& retry, const std::string& faults) {
  return R"(
name: chain
hosts: [{name: a}, {name: b}, {name: c}]
links:
  - {between: [a, b], bandwidth: 10Mbps, latency: 10ms}
  - {between: [b, c], bandwidth: 10Mbps, latency: 10ms}
defaults:
  retry: )" +
         retry + R"(
  timeouts: {connect: 30s}
mtas:
  - {name: a, host: a, hostname: mail.a.example, relayhost: mail.b.example}
  - {name: b, host: b, hostname: mail.b.example, relay_domains: [c.example],
     transport: {c.example: mail.c.example}}
  - {name: c, host: c, hostname: mail.c.example, local_domains: [c.example], mailboxes: [bob]}
traffic:
  messages: [{at: 0s, origin: a, from: x@a.example, to: bob@c.example, size: 4KiB}]
faults: )" +
         faults + "\n";
}

const std::string kMiddleDown3h = "[{type: host_down, target: b, start: 0s, duration: 3h}]";

struct Run {
  std::vector<AttemptFinished> attempts;
  std::vector<KeptQueued> queued;
  std::vector<KeptFinal> finals;
  std::vector<DelayWarning> warnings;
};

Run run(const std::string& yaml) {
  const ScenarioFile file(yaml);
  mailsim::scenario::World world(mailsim::scenario::load_scenario(file.path()));
  Run r;
  world.events().attempt_finished.connect(
      [&](const AttemptFinished& a) { r.attempts.push_back(a); });
  world.events().message_queued.connect([&](const MessageQueued& q) { r.queued.push_back(q); });
  world.events().recipient_final.connect([&](const RecipientFinal& f) { r.finals.push_back(f); });
  world.events().delay_warning.connect([&](const DelayWarning& w) { r.warnings.push_back(w); });
  world.run(Time::zero() + Duration::days(1));
  return r;
}

// The attempts of the scenario's one message (not of the bounces it may cause).
std::vector<double> starts_from(const Run& r, const std::string& node) {
  std::vector<double> out;
  for (const AttemptFinished& a : of_message(r.attempts, 1)) {
    if (a.from_node == node) out.push_back(a.started.seconds());
  }
  return out;
}

// The last attempt from a got through to b; b passed the message on to c the moment it
// queued it, and c delivered it.
void check_relayed_at_once(const Run& r) {
  REQUIRE(r.queued.size() == 3);  // at a, at b, at c
  CHECK(r.queued[1].node == "b");
  const std::vector<double> from_b = starts_from(r, "b");
  REQUIRE(from_b.size() == 1);
  CHECK(from_b[0] == r.queued[1].at.seconds());
  REQUIRE(r.finals.size() == 1);
  CHECK(r.finals[0].status == FinalStatus::kDelivered);
  CHECK(r.finals[0].node == "c");
  CHECK(r.finals[0].at - r.queued[1].at < Duration::seconds(1));
}

}  // namespace

TEST_CASE("postfix: the chain delivers at the first scan after the middle server recovers") {
  // a's attempts each time out 30 s after they start. After the failure at t + 30:
  // next = t + 30 + clamp(age, 300, 4000), picked by the first 300 s scan with
  // next <= scan + 1:
  //   0 -> fails 30, next 330 -> scan 600; fails 630, next 1260 -> 1500;
  //   fails 1530, next 3060 -> 3300; fails 3330, next 6660 -> 6900;
  //   fails 6930, gap capped at 4000: next 10930 -> 11100 (10800 + 1 < 10930).
  // b is up from 10800 s, so the attempt at 11100 s is the first after recovery and gets
  // through.
  const Run r = run(chain("postfix", kMiddleDown3h));
  CHECK(starts_from(r, "a") == std::vector<double>{0, 600, 1500, 3300, 6900, 11100});
  CHECK(r.attempts[4].outcome == AttemptOutcome::kConnTimeout);
  check_relayed_at_once(r);
}

TEST_CASE("exim: the chain delivers at the first queue run after the retry time") {
  // Runs every 30 min from 0. The host key first fails at 30 s, so the failing interval
  // is (failure - 30 s); each attempt fails 30 s after its run:
  //   fails 30 (interval 0): F,2h,15m -> 930 -> run 1800; fails 1830 -> 2730 -> 3600;
  //   fails 3630 -> 4530 -> 5400; fails 5430 -> 6330 -> 7200;
  //   fails 7230 (interval 7200, still <= 2h): F -> 8130 -> run 9000;
  //   fails 9030 (interval 9000 > 2h): G,16h,1h,1.5 with planned gap 900, actual 1800:
  //   lastgap 900 < 1h -> 1h -> 12630 -> run 14400 (12600 < 12630).
  // b is up from 10800 s; the run at 14400 s is the first attempt after it.
  const Run r = run(chain("exim", kMiddleDown3h));
  CHECK(starts_from(r, "a") == std::vector<double>{0, 1800, 3600, 5400, 7200, 9000, 14400});
  check_relayed_at_once(r);
}

TEST_CASE("qmail: the chain delivers at the first 400 k^2 age after recovery") {
  // Due at ages 0, 400, 1600, 3600, 6400, 10000 (b still down), 14400. Every connect to
  // the down b times out, and qmail skips a host that timed out twice for 64-97 min after
  // the last timeout (reference §2, tcpto.c): 1600 and 3600 fall after the timeout at 430,
  // 10000 after the one at 6430, so they make no attempt.
  const Run r = run(chain("qmail", kMiddleDown3h));
  CHECK(starts_from(r, "a") == std::vector<double>{0, 400, 6400, 14400});
  check_relayed_at_once(r);
}

TEST_CASE("a stopped MTA keeps its queue and scans it as soon as it starts again") {
  // b is down for 1 h; a's mail service (or its whole host) is down from 1000 s to 2 h.
  // Postfix: attempts at 0 and 600 (next 1260 -> scan 1500, while a is down). At 7200 s a
  // starts, scans its deferred queue at once, and the message, long due, goes.
  for (const char* kind : {"mta_down", "host_down"}) {
    INFO(kind);
    const Run r =
        run(chain("postfix",
                  "[{type: host_down, target: b, start: 0s, duration: 1h},"
                  " {type: " +
                      std::string(kind) + ", target: a, start: 1000s, duration: 6200s}]"));
    CHECK(starts_from(r, "a") == std::vector<double>{0, 600, 7200});
    check_relayed_at_once(r);
  }
}

TEST_CASE("a delay warning is due when an attempt ends past delay_warning_time") {
  // Postfix with delay_warning 1h: a's attempts fail at 30, 630, 1530, 3330 and 6930 s;
  // the warning is due from 3599 s (qmgr's one-second slack), so the failure at 6930 s
  // notices it. Exactly one, for the one recipient still queued at a.
  const Run r = run(chain("{preset: postfix, delay_warning: 1h}", kMiddleDown3h));
  REQUIRE(r.warnings.size() == 1);
  CHECK(r.warnings[0].node == "a");
  CHECK(r.warnings[0].at == Time::zero() + Duration::seconds(6930));
  CHECK(r.warnings[0].number == 1);
  CHECK(r.warnings[0].recipients == std::vector<std::string>{"bob@c.example"});
}

TEST_CASE("opensmtpd: a message expires at exactly its queue ttl") {
  // ttl 1h, b down for 3 h: attempts at 0, 400, 1600 (next 3600 is not before the ttl),
  // then the envelope expires at 3600 s without a fourth attempt. (Its bounce to
  // x@a.example then waits for b as well.)
  const Run r = run(chain("{preset: opensmtpd, queue_lifetime: 1h}", kMiddleDown3h));
  CHECK(starts_from(r, "a") == std::vector<double>{0, 400, 1600});
  const std::vector<KeptFinal> finals = of_message(r.finals, 1);
  REQUIRE(finals.size() == 1);
  CHECK(finals[0].status == FinalStatus::kExpired);
  CHECK(finals[0].node == "a");
  CHECK(finals[0].at == Time::zero() + Duration::hours(1));
}
