// A message's bookkeeping lasts as long as the message does, through the World with real
// MTAs: the catalog forgets a message when its last copy leaves the last queue holding it,
// after the bounces it caused were created, and says so with message_finished. So what the
// run keeps follows the mail in flight, not the mail run (DESIGN "One message's path").
#include <algorithm>
#include <string>
#include <vector>

#include "mailsim/mta/events.h"
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

// The sender's server a (a.example, mailbox x) and the recipient's server b (b.example,
// mailbox bob), 10 ms apart; x@a.example sends `count` messages from a, to `to`, one every
// minute from 0 s; Postfix's retry law everywhere.
std::string every_minute(int count, const std::string& to, const std::string& faults = "[]") {
  std::string messages;
  for (int i = 0; i < count; ++i) {
    messages += std::string(i > 0 ? ", " : "") + "{at: " + std::to_string(60 * i) +
                "s, origin: a, from: x@a.example, to: " + to + "}";
  }
  return R"(
name: lifetime
hosts: [{name: a}, {name: b}]
links: [{between: [a, b], bandwidth: 10Mbps, latency: 10ms}]
dns:
  mx: {a.example: "10 mail.a.example", b.example: "10 mail.b.example"}
defaults:
  retry: postfix
  timeouts: {connect: 30s}
mtas:
  - {name: a, host: a, hostname: mail.a.example, local_domains: [a.example], mailboxes: [x]}
  - {name: b, host: b, hostname: mail.b.example, local_domains: [b.example], mailboxes: [bob]}
traffic:
  messages: [)" +
         messages + R"(]
faults: )" +
         faults + "\n";
}

// What a run showed of the messages' lives: the events in order, and the catalog's live
// count as each message was created (the new one included).
struct Lives {
  std::vector<std::string> order;  // "created N", "final N", "finished N"
  std::vector<std::size_t> live_at_creation;
  std::vector<MessageCreated> created;
  std::vector<AttemptFinished> attempts;
  std::vector<KeptFinal> finals;
  std::vector<MessageFinished> finished;
  std::size_t live_at_end = 0;
};

Lives run(const std::string& yaml, Duration until) {
  const ScenarioFile file(yaml);
  mailsim::scenario::World world(mailsim::scenario::load_scenario(file.path()));
  Lives l;
  auto& events = world.events();
  events.message_created.connect([&](const MessageCreated& e) {
    l.order.push_back("created " + std::to_string(e.msg));
    l.live_at_creation.push_back(world.catalog().live());
    l.created.push_back(e);
  });
  events.attempt_finished.connect([&](const AttemptFinished& e) { l.attempts.push_back(e); });
  events.recipient_final.connect([&](const RecipientFinal& e) {
    l.order.push_back("final " + std::to_string(e.msg));
    l.finals.push_back(e);
  });
  events.message_finished.connect([&](const MessageFinished& e) {
    l.order.push_back("finished " + std::to_string(e.msg));
    l.finished.push_back(e);
  });
  world.run(Time::zero() + until);
  l.live_at_end = world.catalog().live();
  return l;
}

}  // namespace

TEST_CASE("after each of many sequential messages is delivered, the catalog holds none") {
  // Each message takes well under a minute (a few 10 ms round trips), so when message k
  // is created the k-1 before it are finished: the catalog holds the new one only. Each
  // finishes once, when the last of its two copies goes: a's when a's attempt to b ends,
  // b's when b delivers it to bob's mailbox.
  constexpr int kMessages = 50;
  const Lives l = run(every_minute(kMessages, "bob@b.example"), Duration::hours(2));
  REQUIRE(l.created.size() == kMessages);
  CHECK(l.live_at_creation == std::vector<std::size_t>(kMessages, 1));
  REQUIRE(l.finished.size() == kMessages);
  for (MessageNumber k = 1; k <= kMessages; ++k) {
    const std::vector<MessageFinished> done = of_message(l.finished, k);
    const std::vector<AttemptFinished> tries = of_message(l.attempts, k);
    const std::vector<KeptFinal> finals = of_message(l.finals, k);
    REQUIRE(done.size() == 1);
    REQUIRE(tries.size() == 1);
    REQUIRE(finals.size() == 1);
    CHECK(done[0].at == std::max(tries[0].ended, finals[0].at));
  }
  CHECK(l.live_at_end == 0);
}

TEST_CASE("a message held in a queue stays in the catalog until it is delivered") {
  // b's host is down for the first 30 min: messages 1-5 (0-240 s) all wait in a's deferred
  // queue, none finished, so when message k is created the catalog holds k. After b is
  // back, Postfix's retries deliver each; at the end of the day none is held.
  const std::string faults = "[{type: host_down, target: b, start: 0s, duration: 30m}]";
  const Lives l = run(every_minute(5, "bob@b.example", faults), Duration::days(1));
  CHECK(l.live_at_creation == std::vector<std::size_t>{1, 2, 3, 4, 5});
  REQUIRE(l.finished.size() == 5);
  for (const MessageFinished& f : l.finished) CHECK(f.at >= Time::zero() + Duration::minutes(30));
  CHECK(l.live_at_end == 0);
}

TEST_CASE("a bounced message finishes after its bounce is created, the bounce on delivery") {
  // b refuses nobody@b.example (550 5.1.1): a bounces message 1 as that attempt ends,
  // queueing bounce 2 first and only then letting 1's copy go; a delivers the bounce to
  // x's mailbox, and 2 finishes.
  const Lives l = run(every_minute(1, "nobody@b.example"), Duration::hours(1));
  CHECK(l.order == std::vector<std::string>{"created 1", "final 1", "created 2", "finished 1",
                                            "final 2", "finished 2"});
  CHECK(l.live_at_creation == std::vector<std::size_t>{1, 2});
  REQUIRE(l.created.size() == 2);
  CHECK(l.created[1].kind == MessageKind::kBounce);
  CHECK(l.created[1].about == 1);
  CHECK(l.live_at_end == 0);
}
