// Postfix's connection cache (reference §2): the queue manager turns it on for a
// destination on demand, once deliveries to it run back to back (qmgr_entry.c); a session
// with nothing waiting then stays cached idle for smtp_connection_cache_time_limit 2 s, a
// delivery selected meanwhile takes it with an RSET instead of connect, greeting and EHLO,
// and when the time is up the cache closes it without QUIT (scache).
#include <string>
#include <vector>

#include "scenario/of_message.h"
#include "scenario/recorded_run.h"
#include "support/catch.h"

using mailsim::Duration;
using mailsim::Time;
using namespace mailsim::mta;

namespace {

// a (Postfix) sends to b over 10 Gbps with 10 ms latency: a round trip R is 20 ms. b's
// content filter answers the final "." 1 ms per KiB later. Message 1 (5000 KiB: 5 s in
// the filter) and 2 (1 KiB) come at 0 s, message 3 (1 KiB) at 0.5 s, message 4 (1 KiB)
// at `fourth`.
RecordedRun cache_run(const std::string& fourth) {
  const auto message = [](const std::string& at, const std::string& size) {
    return "\n    - {at: " + at +
           ", origin: a, from: x@a.example, to: bob@b.example, size: " + size + "}";
  };
  return record_run(R"(
name: cache
hosts: [{name: a}, {name: b}]
links: [{between: [a, b], bandwidth: 10Gbps, latency: 10ms}]
dns:
  mx: {b.example: "10 mail.b.example"}
mtas:
  - {name: a, host: a, hostname: mail.a.example, local_domains: [a.example], mailboxes: [x]}
  - {name: b, host: b, hostname: mail.b.example, local_domains: [b.example], mailboxes: [bob],
     receive: {content_filter: {per_kib: 1ms}}}
traffic:
  messages:)" + message("0s", "5000KiB") +
                        message("0s", "1KiB") + message("500ms", "1KiB") + message(fourth, "1KiB") +
                        "\n",
                    Duration::seconds(20));
}

AttemptFinished only_attempt(const RecordedRun& r, MessageNumber msg) {
  const std::vector<AttemptFinished> a = of_message(r.attempts, msg);
  REQUIRE(a.size() == 1);
  CHECK(a[0].outcome == AttemptOutcome::kSent);
  REQUIRE_FALSE(a[0].transcript.empty());
  return a[0];
}

bool quits(const AttemptFinished& a) {
  for (const TranscriptEntry& e : a.transcript) {
    if (e.direction == 'C' && e.line == "QUIT") return true;
  }
  return false;
}

bool near(Time t, double seconds) {
  const double d = t.seconds() - seconds;
  return d > -0.005 && d < 0.005;  // the filter's share of the headers a adds, the bytes' time
}

}  // namespace

TEST_CASE("postfix caches a session on demand, keeps it idle 2 s, and reuses it meanwhile") {
  // Messages 1 and 2 are selected at 0 s, when no delivery to b has ended yet: the cache
  // stays off and both sessions QUIT. Message 2's transaction ends after connect (R),
  // greeting (2 R), EHLO (3 R), MAIL/RCPT/DATA (4 R) and "." (5 R + 1 ms) = 0.101 s, its
  // session after QUIT (6 R), in whole second 0. Message 3, selected at 0.5 s, is back to
  // back with it (second 0 <= 0 + 1): store and load go on. No session is cached yet, so it
  // connects; its transaction ends at 0.5 + 5 R + 1 ms = 0.601 s, and with nothing waiting
  // its session goes into the cache without QUIT: its attempt ends there. Message 1 (5 s in
  // the filter) still runs, so the destination's flags stay. A message 4 selected before
  // 0.601 + 2 = 2.601 s takes the cached session (RSET first, MAIL one round trip after the
  // start, done at start + 3 R + 1 ms); one selected after it connects anew.
  const RecordedRun reused = cache_run("2500ms");
  const AttemptFinished first = only_attempt(reused, 1);
  const AttemptFinished second = only_attempt(reused, 2);
  const AttemptFinished third = only_attempt(reused, 3);
  const AttemptFinished fourth = only_attempt(reused, 4);
  CHECK(quits(first));
  CHECK(quits(second));
  CHECK(second.transcript.front().line.starts_with("220 "));
  CHECK(third.transcript.front().line.starts_with("220 "));
  CHECK(third.started == Time::zero() + Duration::milliseconds(500));
  CHECK(near(third.ended, 0.601));
  CHECK_FALSE(quits(third));
  CHECK(fourth.started == Time::zero() + Duration::milliseconds(2500));
  CHECK(fourth.transcript.front().line == "RSET");
  CHECK(near(fourth.ended, 2.561));
  CHECK_FALSE(quits(fourth));
  // Message 1 runs past 5 s (5 s in the filter, its 5 MB in TCP slow start before), so it
  // keeps the destination's flags for message 4.
  CHECK(first.ended > Time::zero() + Duration::seconds(5));

  const RecordedRun expired = cache_run("2700ms");
  const AttemptFinished late = only_attempt(expired, 4);
  CHECK(late.started == Time::zero() + Duration::milliseconds(2700));
  CHECK(late.transcript.front().line.starts_with("220 "));
  CHECK(near(late.ended, 2.801));  // 2.7 + 5 R + 1 ms, then cached in turn
  for (const RecordedRun* r : {&reused, &expired}) {
    REQUIRE(r->finals.size() == 4);
    for (const KeptFinal& f : r->finals) CHECK(f.status == FinalStatus::kDelivered);
  }
}
