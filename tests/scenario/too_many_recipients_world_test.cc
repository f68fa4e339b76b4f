// "452 4.5.3 Error: too many recipients" at RCPT (reference §4: too many recipients is 452),
// as each preset's source handles it: Exim (transports/smtp.c, sync_responses) sends the
// recipients refused so, after another RCPT was answered, in another transaction over the
// same connection; Postfix (smtp_proto.c, smtp_rcpt_fail) defers them to its next try.
#include <string>
#include <vector>

#include "scenario/of_message.h"
#include "scenario/recorded_run.h"
#include "support/catch.h"

using mailsim::Duration;
using mailsim::Time;
using namespace mailsim::mta;

namespace {

// a (retry law `law`) sends one message at 0 s to u1..u5@b.example; b accepts 2 recipients
// per transaction (Postfix's smtpd_recipient_limit). 10 Gbps, 10 ms: a round trip R is 20 ms.
RecordedRun five_recipients(const std::string& law, Duration until) {
  return record_run(R"(
name: limit
hosts: [{name: a}, {name: b}]
links: [{between: [a, b], bandwidth: 10Gbps, latency: 10ms}]
dns:
  mx: {b.example: "10 mail.b.example"}
mtas:
  - {name: a, host: a, hostname: mail.a.example, local_domains: [a.example], mailboxes: [x],
     retry: )" + law + R"(}
  - {name: b, host: b, hostname: mail.b.example, local_domains: [b.example],
     mailboxes: [u1, u2, u3, u4, u5], receive: {max_recipients: 2}}
traffic:
  messages:
    - {at: 0s, origin: a, from: x@a.example,
       to: [u1@b.example, u2@b.example, u3@b.example, u4@b.example, u5@b.example]}
)",
                    until);
}

// The recipients of an attempt that got `code`.
std::vector<std::string> with_code(const AttemptFinished& a, int code) {
  std::vector<std::string> out;
  for (const AttemptRecipient& r : a.recipients) {
    if (r.code == code) out.push_back(r.rcpt);
  }
  return out;
}

bool near(Time t, Duration d) {
  const Duration e = t - (Time::zero() + d);
  return e < Duration::microseconds(100) && e > Duration::microseconds(-100);
}

}  // namespace

TEST_CASE("exim sends the recipients refused with 452 in another transaction on the connection") {
  // One session: connect (R), greeting (2 R), EHLO (3 R), MAIL, 5 RCPT and DATA pipelined
  // (replies at 4 R: u1 u2 250, u3 u4 u5 452 4.5.3), the data, "." answered at 5 R. A 452
  // after a 250: Exim's RCPT_452, so MAIL, RCPT u3 u4 u5 and DATA follow at once (replies
  // at 6 R: u5 gets 452 again), "." at 7 R; then u5 alone, "." at 9 R, and QUIT's reply at
  // 10 R ends the session and the last row. Three attempt rows, each starting where the
  // last ended, every recipient delivered by 0.2 s.
  const RecordedRun r = five_recipients("exim", Duration::seconds(10));
  const std::vector<AttemptFinished> a = of_message(r.attempts, 1);
  REQUIRE(a.size() == 3);
  const Duration round_trip = Duration::milliseconds(20);
  CHECK(a[0].started == Time::zero());
  CHECK(near(a[0].ended, round_trip * 5));
  CHECK(with_code(a[0], 250) == std::vector<std::string>{"u1@b.example", "u2@b.example"});
  CHECK(with_code(a[0], 452) ==
        std::vector<std::string>{"u3@b.example", "u4@b.example", "u5@b.example"});
  CHECK(a[1].started == a[0].ended);
  CHECK(a[1].transcript.front().line.starts_with("MAIL FROM:"));
  CHECK(near(a[1].ended, round_trip * 7));
  CHECK(with_code(a[1], 250) == std::vector<std::string>{"u3@b.example", "u4@b.example"});
  CHECK(with_code(a[1], 452) == std::vector<std::string>{"u5@b.example"});
  CHECK(a[2].started == a[1].ended);
  CHECK(near(a[2].ended, round_trip * 10));
  CHECK(with_code(a[2], 250) == std::vector<std::string>{"u5@b.example"});
  for (const AttemptFinished& t : a) CHECK(t.outcome == AttemptOutcome::kSent);
  REQUIRE(r.finals.size() == 5);
  for (const KeptFinal& f : r.finals) {
    CHECK(f.status == FinalStatus::kDelivered);
    CHECK(f.at < Time::zero() + Duration::milliseconds(200));
  }
}

TEST_CASE("postfix defers the recipients refused with 452 to its next try") {
  // The first session delivers u1 u2 and ends after QUIT at about 6 R = 0.12 s; u3-u5 are
  // deferred with 452 4.5.3. Postfix's next time: 0.12 + clamp(age 0.12, 300, 4000) =
  // 300.12 <= 300 + 1, so the 300 s scan tries them: u3 u4 get through, u5 gets 452 again
  // at about 300.12 s, age 300.12: next 600.24 <= 601, the 600 s scan delivers it.
  const RecordedRun r = five_recipients("postfix", Duration::seconds(700));
  const std::vector<AttemptFinished> a = of_message(r.attempts, 1);
  REQUIRE(a.size() == 3);
  CHECK(a[0].started == Time::zero());
  CHECK(with_code(a[0], 452) ==
        std::vector<std::string>{"u3@b.example", "u4@b.example", "u5@b.example"});
  CHECK(a[1].started == Time::zero() + Duration::seconds(300));
  CHECK(with_code(a[1], 250) == std::vector<std::string>{"u3@b.example", "u4@b.example"});
  CHECK(with_code(a[1], 452) == std::vector<std::string>{"u5@b.example"});
  CHECK(a[2].started == Time::zero() + Duration::seconds(600));
  CHECK(with_code(a[2], 250) == std::vector<std::string>{"u5@b.example"});
  REQUIRE(r.finals.size() == 5);
  for (const KeptFinal& f : r.finals) CHECK(f.status == FinalStatus::kDelivered);
}
