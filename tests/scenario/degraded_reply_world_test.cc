// The degraded_reply fault (scenarios/README.md, "Degraded replies"): during its window
// the MTA answers one SMTP command with the fault's reply; the sender defers and gets
// through with its first retry after the window. Postfix sender: attempts at 0, 300, 600,
// 1200, 2400, 4800 s (each gap the message's age, at least 300 s, taken by the next 300 s
// scan); the latency is that retry's time plus the plain delivery time L0.
#include "mailsim/core/random.h"
#include "mailsim/mta/events.h"
#include "scenario/receive_world.h"
#include "support/catch.h"

using mailsim::Duration;
using mailsim::Time;
using namespace mailsim::mta;

namespace {

const Duration kDay = Duration::days(1);

std::string degraded(const std::string& command, const std::string& reply,
                     const std::string& duration) {
  return "faults:\n  - {type: degraded_reply, target: b, command: " + command + ", reply: \"" +
         reply + "\", start: 0s, duration: " + duration + "}\n";
}

// b's degraded times as a world with `yaml` tells them: (seconds, up) at each change.
std::vector<std::pair<double, bool>> degraded_changes(const std::string& yaml, Duration until) {
  const ScenarioFile f(yaml);
  mailsim::scenario::World world(mailsim::scenario::load_scenario(f.path()));
  std::vector<std::pair<double, bool>> out;
  world.events().service_changed.connect([&](const ServiceChange& c) {
    if (c.mta == "b" && c.kind == "degraded_reply") out.emplace_back(c.at.seconds(), c.up);
  });
  world.run(Time::zero() + until);
  return out;
}

Duration plain_delivery() {
  return delivered_at(record_run(a_to_b("postfix", "{}", kToBob), kDay), "bob@b.example");
}

}  // namespace

TEST_CASE("a degraded RCPT reply defers until the first retry after the window") {
  // The window is [0, 1 h): the attempts at 0 ... 2400 s get 451 4.3.0; 4800 s is the
  // first retry after 3600 s.
  const Duration l0 = plain_delivery();
  const RecordedRun r = record_run(
      a_to_b("postfix", "{}", kToBob, degraded("rcpt", "451 4.3.0 Temporary lookup failure", "1h")),
      kDay);
  CHECK(attempt_starts(r) == std::vector<double>{0, 300, 600, 1200, 2400, 4800});
  for (std::size_t i = 0; i + 1 < r.attempts.size(); ++i) {
    INFO("attempt " << i);
    CHECK(r.attempts[i].outcome == AttemptOutcome::kDeferred);
    REQUIRE(r.attempts[i].recipients.size() == 1);
    CHECK(r.attempts[i].recipients[0].code == 451);
    CHECK(r.attempts[i].recipients[0].enhanced == "4.3.0");
    CHECK(r.attempts[i].recipients[0].text == "Temporary lookup failure");
  }
  CHECK(r.attempts.back().outcome == AttemptOutcome::kSent);
  CHECK(delivered_at(r, "bob@b.example") == Duration::seconds(4800) + l0);
}

TEST_CASE("every command can be degraded; the retry after the window gets through") {
  // A 10 min window: the attempts at 0 and 300 s get the fault's reply, 600 s succeeds.
  struct Case {
    const char* command;
    const char* reply;
    int code;
  };
  const Case cases[] = {
      {"connect", "421 4.3.2 System not accepting network messages", 421},
      {"ehlo", "421 4.3.2 Service shutting down", 421},
      {"mail", "451 4.3.0 Mail system busy", 451},
      {"rcpt", "450 4.2.1 Mailbox busy", 450},
      {"data", "452 4.3.1 Insufficient system storage", 452},
      {"end_of_data", "451 4.3.0 Error: queue file write error", 451},
  };
  const Duration l0 = plain_delivery();
  for (const Case& c : cases) {
    INFO(c.command);
    const RecordedRun r =
        record_run(a_to_b("postfix", "{}", kToBob, degraded(c.command, c.reply, "10m")), kDay);
    CHECK(attempt_starts(r) == std::vector<double>{0, 300, 600});
    REQUIRE(r.attempts.size() == 3);
    CHECK(r.attempts[0].outcome == AttemptOutcome::kDeferred);
    REQUIRE(r.attempts[0].recipients.size() == 1);
    CHECK(r.attempts[0].recipients[0].code == c.code);
    CHECK(r.attempts[0].recipients[0].text == std::string(c.reply).substr(10));
    // Nothing reached b's queue before the window ended.
    for (const KeptQueued& q : r.queued) {
      if (q.node == "b") CHECK(q.at >= Time::zero() + Duration::minutes(10));
    }
    CHECK(delivered_at(r, "bob@b.example") == Duration::seconds(600) + l0);
  }
}

TEST_CASE("a degraded window is told to observers as a service change of its kind") {
  // Two overlapping windows on b, [0, 1 h) and [30 min, 2 h), are one degraded time.
  const ScenarioFile f(a_to_b(
      "postfix", "{}", kToBob,
      "faults:\n"
      "  - {type: degraded_reply, target: b, command: rcpt, reply: \"451 4.3.0 x\", start: 0s,"
      " duration: 1h}\n"
      "  - {type: degraded_reply, target: b, command: mail, reply: \"451 4.3.0 y\", start: 30m,"
      " duration: 90m}\n"));
  mailsim::scenario::World world(mailsim::scenario::load_scenario(f.path()));
  std::vector<ServiceChange> changes;
  world.events().service_changed.connect([&](const ServiceChange& c) { changes.push_back(c); });
  world.run(Time::zero() + kDay);
  REQUIRE(changes.size() == 2);
  CHECK(changes[0].mta == "b");
  CHECK(changes[0].kind == "degraded_reply");
  CHECK_FALSE(changes[0].up);
  CHECK(changes[0].at == Time::zero());
  CHECK(changes[1].up);
  CHECK(changes[1].at == Time::zero() + Duration::hours(2));
}

TEST_CASE("a 554 greeting is followed by the client's QUIT, which the server answers") {
  // RFC 5321 §3.1: a server that greets with 554 waits for QUIT before closing. The
  // sender's session reads the 554, says QUIT and gets 221: the transcript holds all three.
  const RecordedRun r = record_run(
      a_to_b("postfix", "{}", kToBob, degraded("connect", "554 5.3.2 No SMTP service here", "10m")),
      kDay);
  REQUIRE_FALSE(r.attempts.empty());
  std::vector<std::string> lines;
  for (const auto& e : r.attempts[0].transcript)
    lines.push_back(std::string(1, e.direction) + " " + e.line);
  CHECK(lines ==
        std::vector<std::string>{"S 554 5.3.2 No SMTP service here", "C QUIT", "S 221 2.0.0 Bye"});
  CHECK(r.attempts[0].recipients.at(0).code == 554);
}

TEST_CASE("a repeating degraded reply is in force over each of its windows") {
  // RCPT gets 451 over [0, 10 min) and [1 h, 1 h 10 min) (every 1h, count 2). bob's message
  // at 0 s: tried at 0 and 300 s in the first window, at 600 s after it: sent. carol's at
  // 1 h: tried at 3600 s in the second window (451), due its age (300 s) later, at the
  // 3900 s scan (451 again), then at 4200 s, after the window: sent.
  const std::string faults =
      "faults:\n  - {type: degraded_reply, target: b, command: rcpt, reply: \"451 4.3.0 "
      "Temporary lookup failure\", start: 0s, duration: 10m, every: 1h, count: 2}\n";
  const std::string messages =
      "[{at: 0s, origin: a, from: x@a.example, to: bob@b.example, size: 4KiB},"
      " {at: 1h, origin: a, from: x@a.example, to: carol@b.example, size: 4KiB}]";
  const RecordedRun r = record_run(a_to_b("postfix", "{}", messages, faults), kDay);
  CHECK(attempt_starts(r) == std::vector<double>{0, 300, 600, 3600, 3900, 4200});
  std::vector<AttemptOutcome> outcomes;
  for (const AttemptFinished& a : r.attempts) outcomes.push_back(a.outcome);
  CHECK(outcomes == std::vector<AttemptOutcome>{AttemptOutcome::kDeferred,
                                                AttemptOutcome::kDeferred, AttemptOutcome::kSent,
                                                AttemptOutcome::kDeferred,
                                                AttemptOutcome::kDeferred, AttemptOutcome::kSent});
  CHECK(degraded_changes(a_to_b("postfix", "{}", messages, faults), kDay) ==
        std::vector<std::pair<double, bool>>{{0, false}, {600, true}, {3600, false}, {4200, true}});
}

TEST_CASE("a random degraded reply draws its windows from the stream fault:degraded_reply:b") {
  // The recipe of every random fault: from start, up for exponential(mtbf), then down for
  // exponential(mttr), and so on, drawn in that order from the fault's own stream of
  // (seed, run 0). Worked out here with the stream itself, for 20 days.
  const std::string yaml = a_to_b("postfix", "{}", kToBob,
                                  "faults:\n  - {type: degraded_reply, target: b, command: mail, "
                                  "reply: \"451 4.3.0 x\", mtbf: 1d, mttr: 2h}\n");
  const ScenarioFile f(yaml);
  const std::uint64_t seed = mailsim::scenario::load_scenario(f.path()).seed;
  mailsim::RandomStream rng(seed, 0, "fault:degraded_reply:b");
  std::vector<std::pair<double, bool>> expected;
  Time t = Time::zero();
  const Time end = Time::zero() + Duration::days(20);
  while (true) {
    t = t + rng.exponential(Duration::days(1));
    if (t > end) break;
    expected.emplace_back(t.seconds(), false);
    t = t + rng.exponential(Duration::hours(2));
    if (t > end) break;
    expected.emplace_back(t.seconds(), true);
  }
  REQUIRE(expected.size() >= 6);  // 20 days at a mean cycle of 26 h: about 18 windows
  CHECK(degraded_changes(yaml, Duration::days(20)) == expected);
}
