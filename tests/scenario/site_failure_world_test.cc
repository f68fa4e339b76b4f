// Site-level failures that come after the connect (reference §2, §3): a server that
// accepts the connection and never greets. Postfix counts the greeting timeout against the
// destination like a failed connect, and tries the next MX host with the recipients.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "scenario/of_message.h"
#include "scenario/recorded_run.h"
#include "scenario/scripted_server.h"
#include "support/catch.h"

using mailsim::Duration;
using mailsim::Time;
using namespace mailsim::mta;

namespace {

struct Run {
  std::vector<AttemptFinished> from_a;
  std::vector<KeptFinal> finals;
};

// a (Postfix, `a_keys` added; mailbox x@a.example for the bounces) sends `messages`; b.example's MX
// records are `mx`; the host p answers port 25 with a server that never greets. Links of 10 ms each
// way.
Run with_silent_p(const std::string& a_keys, const std::string& mx, const std::string& messages,
                  Duration until) {
  const ScenarioFile file(R"(
name: silent
hosts: [{name: a}, {name: p}, {name: k}]
links:
  - {between: [a, p], bandwidth: 10Mbps, latency: 10ms}
  - {between: [a, k], bandwidth: 10Mbps, latency: 10ms}
dns:
  mx: {b.example: )" + mx +
                          R"(}
mtas:
  - {name: a, host: a, hostname: mail.a.example, local_domains: [a.example], mailboxes: [x])" +
                          a_keys + R"(}
  - {name: p, host: p, hostname: mail.p.example, local_domains: [b.example], mailboxes: [bob]}
  - {name: k, host: k, hostname: mail.k.example, local_domains: [b.example], mailboxes: [bob]}
traffic:
  messages: )" + messages +
                          "\n");
  mailsim::scenario::World world(mailsim::scenario::load_scenario(file.path()));
  Run run;
  world.events().attempt_finished.connect([&](const AttemptFinished& a) {
    if (a.from_node == "a") run.from_a.push_back(a);
  });
  world.events().recipient_final.connect([&](const RecipientFinal& f) { run.finals.push_back(f); });
  world.start();
  serve_script(world.network(), *world.topology().find("p"), "", {"250 ok"});
  world.simulator().run_until(Time::zero() + until);
  return run;
}

std::string message_at(int seconds) {
  return "{at: " + std::to_string(seconds) + "s, origin: a, from: x@a.example, to: bob@b.example}";
}

}  // namespace

TEST_CASE("the fourth greeting timeout makes a postfix destination dead, as connect failures do") {
  // Messages 1-4 come at 0, 1, 2, 3 s; each connects after one 20 ms round trip and waits
  // for a greeting that never comes: smtp_helo_timeout 300 s (reference §3) ends them at
  // 300.02, 301.02, 302.02 and 303.02 s. Each is a site-level failure (Postfix throttles on
  // a session failure before anything was delivered): failed cohorts 1/5 + 1/4 + 1/3 + 1/2
  // >= 1 at the 4th, so mail.p.example is dead from 303.02 s to 603.02 s. Message 5 comes
  // at 304 s and is deferred without a connection (no attempt row); before greeting
  // timeouts counted it connected at once. Postfix's next times: message 1 300.02 + 300.02
  // = 600.04 <= 600 + 1, so the 600 s scan takes it while the destination is still dead:
  // deferred without connecting, and past its 500 s queue lifetime it expires then, with
  // the reason of the failure that killed the destination. Messages 2-4 (601.04 s and
  // later) and 5 (304 + 300 = 604 s) wait for the 900 s scan, when the window is back at 5:
  // all four connect at 900 s.
  const Run run =
      with_silent_p(", retry: {preset: postfix, queue_lifetime: 500s}", "\"10 mail.p.example\"",
                    "[" + message_at(0) + ", " + message_at(1) + ", " + message_at(2) + ", " +
                        message_at(3) + ", " + message_at(304) + "]",
                    Duration::seconds(1300));
  REQUIRE(run.from_a.size() == 8);
  for (std::size_t i = 0; i < 4; ++i) {
    const AttemptFinished& a = run.from_a[i];
    CHECK(a.msg == i + 1);
    CHECK(a.started == Time::zero() + Duration::seconds(static_cast<std::int64_t>(i)));
    CHECK(a.ended == Time::zero() + Duration::seconds(300 + static_cast<std::int64_t>(i)) +
                         Duration::milliseconds(20));
    CHECK(a.outcome == AttemptOutcome::kLost);
    CHECK(a.code == 451);
  }
  std::vector<MessageNumber> at_900;
  for (std::size_t i = 4; i < 8; ++i) {
    CHECK(run.from_a[i].started == Time::zero() + Duration::seconds(900));
    at_900.push_back(run.from_a[i].msg);
  }
  std::sort(at_900.begin(), at_900.end());
  CHECK(at_900 == std::vector<MessageNumber>{2, 3, 4, 5});
  const std::vector<KeptFinal> first = of_message(run.finals, 1);
  REQUIRE(first.size() == 1);
  CHECK(first[0].status == FinalStatus::kExpired);
  CHECK(first[0].at == Time::zero() + Duration::seconds(600));
  CHECK(first[0].code == 451);
  CHECK(first[0].reply ==
        "4.4.1 delivery temporarily suspended: conversation with mail.p.example timed out while "
        "receiving the initial server greeting");
}

TEST_CASE("a greeting timeout moves the delivery on to the next MX host") {
  // b.example: MX 10 mail.p.example (silent), MX 20 mail.k.example. The session with p
  // times out at 0.02 + 300 s; the recipient goes to k at once, in the same delivery, and
  // is delivered there: k's attempt starts when p's ends.
  const Run run = with_silent_p("", "[\"10 mail.p.example\", \"20 mail.k.example\"]",
                                "[" + message_at(0) + "]", Duration::seconds(400));
  REQUIRE(run.from_a.size() == 2);
  CHECK(run.from_a[0].to_node == "p");
  CHECK(run.from_a[0].outcome == AttemptOutcome::kLost);
  CHECK(run.from_a[0].ended == Time::zero() + Duration::seconds(300) + Duration::milliseconds(20));
  CHECK(run.from_a[1].to_node == "k");
  CHECK(run.from_a[1].started == run.from_a[0].ended);
  CHECK(run.from_a[1].outcome == AttemptOutcome::kSent);
  REQUIRE(run.finals.size() == 1);
  CHECK(run.finals[0].status == FinalStatus::kDelivered);
}
