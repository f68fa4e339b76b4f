// Moving on to the next MX host when a host fails after the connect, as Postfix's
// smtp_connect.c does (reference §4), seen through the World with a scripted primary.
#include <string>
#include <vector>

#include "scenario/recorded_run.h"
#include "scenario/scripted_server.h"
#include "support/catch.h"

using mailsim::Duration;
using mailsim::Time;
using namespace mailsim::mta;

namespace {

// b.example: MX 10 mail.p.example (the primary, answered by a script), MX 20
// mail.k.example (the backup, a relay for b.example). a sends one message at 0 s; the run
// lasts 10 s, before anyone retries.
std::vector<AttemptFinished> primary_scripted(const std::string& greeting,
                                              const std::vector<std::string>& replies) {
  const ScenarioFile file(R"(
name: nextmx
hosts: [{name: a}, {name: p}, {name: k}]
links:
  - {between: [a, p], bandwidth: 10Mbps, latency: 10ms}
  - {between: [a, k], bandwidth: 10Mbps, latency: 10ms}
  - {between: [k, p], bandwidth: 10Mbps, latency: 10ms}
dns:
  mx: {b.example: ["10 mail.p.example", "20 mail.k.example"]}
mtas:
  - {name: a, host: a, hostname: mail.a.example}
  - {name: p, host: p, hostname: mail.p.example, local_domains: [b.example], mailboxes: [bob]}
  - {name: k, host: k, hostname: mail.k.example, relay_domains: [b.example]}
traffic:
  messages: [{at: 0s, origin: a, from: x@a.example, to: bob@b.example}]
)");
  mailsim::scenario::World world(mailsim::scenario::load_scenario(file.path()));
  std::vector<AttemptFinished> from_a;
  world.events().attempt_finished.connect([&](const AttemptFinished& a) {
    if (a.from_node == "a") from_a.push_back(a);
  });
  world.start();
  serve_script(world.network(), *world.topology().find("p"), greeting, replies);
  world.simulator().run_until(Time::zero() + Duration::seconds(10));
  return from_a;
}

}  // namespace

TEST_CASE("a failed greeting, EHLO or a 421 moves the delivery on to the next MX host") {
  // Postfix smtp_connect.c: a 4xx greeting, a 5xx one (smtp_skip_5xx_greeting), a failed
  // EHLO/HELO or a 421 at any stage before the message is taken end the session with
  // that host, and the recipients go to the next MX at once (reference §4: try at least
  // two addresses). The backup k takes the message in the same delivery.
  struct Case {
    std::string greeting;
    std::vector<std::string> replies;
    int code;
  };
  for (const Case& c : std::vector<Case>{
           {"421 4.3.2 mail.p.example Service not available", {"250 ok"}, 421},
           {"554 5.3.2 mail.p.example No SMTP service here", {"250 ok"}, 554},
           {"220 mail.p.example ESMTP", {"421 4.7.0 Try again later"}, 421},
           {"220 mail.p.example ESMTP", {"250 mail.p.example", "421 4.3.0 Closing"}, 421},
       }) {
    INFO(c.greeting << " / " << c.replies.back());
    const std::vector<AttemptFinished> tried = primary_scripted(c.greeting, c.replies);
    REQUIRE(tried.size() == 2);
    CHECK(tried[0].to_node == "p");
    CHECK(tried[0].outcome == AttemptOutcome::kDeferred);
    CHECK(tried[0].code == c.code);
    REQUIRE(tried[0].recipients.size() == 1);
    CHECK(tried[0].recipients[0].outcome == RecipientOutcome::kDeferred);
    CHECK(tried[1].to_node == "k");
    CHECK(tried[1].started == tried[0].ended);
    CHECK(tried[1].outcome == AttemptOutcome::kSent);
  }
}

TEST_CASE("a 4xx to MAIL other than 421 defers the message without trying the next MX") {
  // A transaction-level 450 is the message's failure at a host that works (Postfix keeps
  // such recipients for a later attempt, it does not move on): one attempt, deferred.
  const std::vector<AttemptFinished> tried =
      primary_scripted("220 mail.p.example ESMTP", {"250 mail.p.example", "450 4.3.0 Not now"});
  REQUIRE(tried.size() == 1);
  CHECK(tried[0].to_node == "p");
  CHECK(tried[0].outcome == AttemptOutcome::kDeferred);
  CHECK(tried[0].code == 450);
}
