// Greylisting seen from the sender (../shared/reference/mta-behaviour.md §5): the first
// attempt is deferred with the greylist's reply and the message arrives with the sender's
// first retry that falls after the greylist delay. The retry runs the same SMTP session
// as an ungreylisted delivery, so the latency is that retry's time plus the plain
// delivery time L0 of the same message, measured on the same world without greylisting.
#include <map>

#include "scenario/receive_world.h"
#include "support/catch.h"

using mailsim::Duration;
using mailsim::Time;
using namespace mailsim::mta;

namespace {

const Duration kDay = Duration::days(1);

Duration plain_delivery(const std::string& retry) {
  const RecordedRun r = record_run(a_to_b(retry, "{}", kToBob), kDay);
  REQUIRE(attempt_starts(r) == std::vector<double>{0});
  return delivered_at(r, "bob@b.example");
}

void check_greylisted_first(const RecordedRun& r, int code, const std::string& enhanced) {
  REQUIRE(!r.attempts.empty());
  const AttemptFinished& first = r.attempts.front();
  CHECK(first.outcome == AttemptOutcome::kDeferred);
  REQUIRE(first.recipients.size() == 1);
  CHECK(first.recipients[0].code == code);
  CHECK(first.recipients[0].enhanced == enhanced);
  CHECK(r.attempts.back().outcome == AttemptOutcome::kSent);
}

}  // namespace

TEST_CASE("postgrey and a Postfix sender: the message arrives with the retry at 300 s") {
  // Postfix: the attempt at 0 fails after a few round trips (t_f < 1 s); the next is due
  // at t_f + max(age, minimal_backoff 300 s) = t_f + 300 and the deferred-queue scan at
  // 300 s picks it (due within its 1 s tolerance). The retry's RCPT reaches b exactly
  // 300 s after the first one did: postgrey passes a triplet first seen >= 300 s ago.
  const Duration l0 = plain_delivery("postfix");
  const RecordedRun r = record_run(a_to_b("postfix", "{greylisting: postgrey}", kToBob), kDay);
  CHECK(attempt_starts(r) == std::vector<double>{0, 300});
  check_greylisted_first(r, 450, "4.2.0");
  CHECK(r.attempts.front().recipients[0].text ==
        "<bob@b.example>: Recipient address rejected: Greylisted, see "
        "http://postgrey.schweikert.ch/help/b.example.html");
  CHECK(delivered_at(r, "bob@b.example") == Duration::seconds(300) + l0);
}

TEST_CASE("milter-greylist and a Postfix sender: the message arrives with the retry at 2400 s") {
  // Postfix's gaps double with the message's age (at least 300 s), each retry taken by
  // the next 300 s scan: attempts at 0, 300 (age 300 -> next 600), 600 (-> 1200),
  // 1200 (-> 2400). The first three retries come before milter-greylist's 1800 s; the
  // one at 2400 s is the first after it.
  const Duration l0 = plain_delivery("postfix");
  const RecordedRun r =
      record_run(a_to_b("postfix", "{greylisting: milter-greylist}", kToBob), kDay);
  CHECK(attempt_starts(r) == std::vector<double>{0, 300, 600, 1200, 2400});
  check_greylisted_first(r, 451, "4.7.1");
  CHECK(r.attempts.front().recipients[0].text == "Greylisting in action, please come back later");
  CHECK(delivered_at(r, "bob@b.example") == Duration::seconds(2400) + l0);
}

TEST_CASE("postgrey and a qmail sender: the message arrives with the retry at 400 s") {
  // qmail retries at ages 400 k^2 s: 400 s is the first retry and already past 300 s.
  const Duration l0 = plain_delivery("qmail");
  const RecordedRun r = record_run(a_to_b("qmail", "{greylisting: postgrey}", kToBob), kDay);
  CHECK(attempt_starts(r) == std::vector<double>{0, 400});
  check_greylisted_first(r, 450, "4.2.0");
  CHECK(delivered_at(r, "bob@b.example") == Duration::seconds(400) + l0);
}

TEST_CASE("a custom greylist of 20 minutes with its own reply") {
  // Postfix attempts at 0, 300, 600, 1200 s: 1200 s is the first at least 20 min after 0.
  const Duration l0 = plain_delivery("postfix");
  const RecordedRun r = record_run(
      a_to_b("postfix", "{greylisting: {delay: 20m, reply: \"451 4.7.1 Come back in 20 minutes\"}}",
             kToBob),
      kDay);
  CHECK(attempt_starts(r) == std::vector<double>{0, 300, 600, 1200});
  check_greylisted_first(r, 451, "4.7.1");
  CHECK(r.attempts.front().recipients[0].text == "Come back in 20 minutes");
  CHECK(delivered_at(r, "bob@b.example") == Duration::seconds(1200) + l0);
}

TEST_CASE("a second message of a passed triplet is not greylisted") {
  // The first message passes at 300 s; the same triplet at 1000 s goes through at once.
  const RecordedRun r =
      record_run(a_to_b("postfix", "{greylisting: postgrey}",
                        "[{at: 0s, origin: a, from: x@a.example, to: bob@b.example},"
                        " {at: 1000s, origin: a, from: x@a.example, to: bob@b.example}]"),
                 kDay);
  CHECK(attempt_starts(r) == std::vector<double>{0, 300, 1000});
  CHECK(r.attempts.back().outcome == AttemptOutcome::kSent);
}

TEST_CASE("the shipped greylisting scenario: each sender's first retry after 300 s gets through") {
  // Postfix: the 300 s scan (above). qmail: age 400 s. Exim: the attempt at 0 fails at
  // t_f < 1 s; rule F,2h,15m makes it due at t_f + 15 min, and Exim's 30 min queue runs
  // take it at 1800 s.
  const mailsim::scenario::ScenarioConfig c =
      mailsim::scenario::load_scenario(MAILSIM_SOURCE_DIR "/scenarios/greylisting.yaml");
  mailsim::scenario::World world(c);
  std::map<MessageNumber, std::vector<double>> starts;
  world.events().attempt_finished.connect(
      [&](const AttemptFinished& a) { starts[a.msg].push_back(a.started.seconds()); });
  world.run(Time::zero() + c.duration);
  CHECK(starts[1] == std::vector<double>{0, 300});   // from the Postfix sender
  CHECK(starts[2] == std::vector<double>{0, 400});   // qmail
  CHECK(starts[3] == std::vector<double>{0, 1800});  // Exim
}
