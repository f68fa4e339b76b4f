// The receive-side limits of ../shared/reference/mta-behaviour.md §4 seen from a Postfix
// sender: too many connections from one client (421 4.7.0), too many recipients (452
// 4.5.3, the rest retried in a later transaction), a message over the size limit (552
// 5.3.4, bounced), and a content filter that holds the reply to the end of DATA. Each
// latency is compared with the plain delivery L0 of the same message on the same world.
#include <algorithm>

#include "scenario/receive_world.h"
#include "support/catch.h"

using mailsim::Duration;
using namespace mailsim::mta;

namespace {

const Duration kDay = Duration::days(1);

std::string message_to(const std::string& to, const std::string& at = "0s") {
  return "{at: " + at + ", origin: a, from: x@a.example, to: " + to + ", size: 4KiB}";
}

}  // namespace

TEST_CASE("a second simultaneous connection from the same client gets 421 4.7.0") {
  // Two messages at 0 open two connections at once; b allows one per client. The second
  // is refused at its greeting, deferred, and Postfix's scan at 300 s sends it alone:
  // delivered at 300 s + L0 (L0: carol's message alone).
  const Duration l0 = delivered_at(
      record_run(a_to_b("postfix", "{}", "[" + message_to("carol@b.example") + "]"), kDay),
      "carol@b.example");
  const RecordedRun r = record_run(
      a_to_b("postfix", "{max_connections_per_client: 1}",
             "[" + message_to("bob@b.example") + ", " + message_to("carol@b.example") + "]"),
      kDay);
  CHECK(attempt_starts(r) == std::vector<double>{0, 0, 300});
  REQUIRE(r.attempts.size() == 3);
  const AttemptFinished& refused =
      r.attempts[0].outcome == AttemptOutcome::kSent ? r.attempts[1] : r.attempts[0];
  CHECK(refused.outcome == AttemptOutcome::kDeferred);
  CHECK(refused.code == 421);
  CHECK(refused.enhanced == "4.7.0");
  // a is the scenario's first host: 10.0.0.1 (sim/mta/address.h).
  CHECK(refused.text == "mail.b.example Error: too many connections from 10.0.0.1");
  CHECK(delivered_at(r, "carol@b.example") == Duration::seconds(300) + l0);
}

TEST_CASE("the recipient past the limit gets 452 4.5.3 and goes in a later transaction") {
  // b takes 2 recipients per message: bob and carol go at once, dave is deferred by 452
  // and retried alone by the scan at 300 s, as a message to dave alone would go (L0).
  const Duration l0 = delivered_at(
      record_run(a_to_b("postfix", "{}", "[" + message_to("dave@b.example") + "]"), kDay),
      "dave@b.example");
  const RecordedRun r =
      record_run(a_to_b("postfix", "{max_recipients: 2}",
                        "[" + message_to("[bob@b.example, carol@b.example, dave@b.example]") + "]"),
                 kDay);
  CHECK(attempt_starts(r) == std::vector<double>{0, 300});
  REQUIRE(r.attempts.size() == 2);
  CHECK(r.attempts[0].outcome == AttemptOutcome::kSent);  // to bob and carol
  REQUIRE(r.attempts[0].recipients.size() == 3);
  CHECK(r.attempts[0].recipients[0].code == 250);
  CHECK(r.attempts[0].recipients[1].code == 250);
  CHECK(r.attempts[0].recipients[2].code == 452);
  CHECK(r.attempts[0].recipients[2].enhanced == "4.5.3");
  CHECK(r.attempts[0].recipients[2].text == "Error: too many recipients");
  CHECK(delivered_at(r, "bob@b.example") < Duration::seconds(1));
  CHECK(delivered_at(r, "dave@b.example") == Duration::seconds(300) + l0);
}

TEST_CASE("a message over the size limit is refused with 552 5.3.4 and bounced") {
  // 4 KiB of body is over b's 2 KiB: refused at MAIL (SIZE=), a permanent failure.
  std::string limited = a_to_b("postfix", "{}", "[" + message_to("bob@b.example") + "]");
  const std::string anchor = "mailboxes: [bob, carol, dave],";
  limited.replace(limited.find(anchor), anchor.size(), anchor + " message_size_limit: 2KiB,");
  const RecordedRun s = record_run(limited, kDay);
  REQUIRE(!s.attempts.empty());
  CHECK(s.attempts[0].outcome == AttemptOutcome::kRejected);
  CHECK(s.attempts[0].code == 552);
  CHECK(s.attempts[0].enhanced == "5.3.4");
  CHECK(s.attempts[0].text == "Message size exceeds fixed limit");
  REQUIRE(!s.finals.empty());
  CHECK(s.finals[0].rcpt == "bob@b.example");
  CHECK(s.finals[0].status == FinalStatus::kBounced);
}

TEST_CASE("a content filter delays the reply to the end of DATA by its time for the message") {
  // per_message 2 s and per_kib 1 s: for the message's `size` octets as b receives them
  // (the created message, a adds no header of its own) the reply to "." comes
  // 2 s + size / 1024 s later, and b queues (and delivers) the message then.
  const std::string messages = "[" + message_to("bob@b.example") + "]";
  const RecordedRun plain = record_run(a_to_b("postfix", "{}", messages), kDay);
  const RecordedRun filtered = record_run(
      a_to_b("postfix", "{content_filter: {per_message: 2s, per_kib: 1s}}", messages), kDay);
  REQUIRE(filtered.created.size() == 1);
  const std::int64_t size = filtered.created[0].size_bytes;
  const Duration filter = Duration::seconds(2) + Duration::nanoseconds(1'000'000'000 * size / 1024);
  CHECK(delivered_at(filtered, "bob@b.example") == delivered_at(plain, "bob@b.example") + filter);
  REQUIRE(filtered.attempts.size() == 1);
  CHECK(filtered.attempts[0].ended - plain.attempts[0].ended == filter);
}

TEST_CASE("a message the content filter accepts after its sender gave up is still the same one") {
  // a and b 10 s apart; a's queue lifetime is 5 min, Postfix's smtp_data_done_timeout
  // 600 s (reference §3). a's "." reaches b at t + 10 s (t: when a sent it); b's filter
  // answers 595 s later, at t + 605 s. a gave up at t + 600 s: the message is older than
  // its lifetime, so it expires at a and a lets its copy go; a's close reaches b only at
  // t + 610 s, so b still queues the message at t + 605 s and delivers it. That copy is
  // message 1, as a created it, not a message from outside numbered anew.
  std::string yaml = a_to_b("{preset: postfix, queue_lifetime: 5m}",
                            "{content_filter: {per_message: 595s}}", kToBob);
  const std::string fast = "latency: 10ms";
  yaml.replace(yaml.find(fast), fast.size(), "latency: 10s");
  const RecordedRun r = record_run(yaml, kDay);
  REQUIRE(r.attempts.size() == 1);
  CHECK(r.attempts[0].text == "Timed out waiting for the reply to end of data");
  REQUIRE(r.of_kind(MessageKind::kUser).size() == 1);
  // Queued: message 1 at a, its expiry notice (message 2) at a, message 1 at b.
  REQUIRE(r.queued.size() == 3);
  CHECK(r.queued[1].msg == 2);
  CHECK(r.queued[2].node == "b");
  CHECK(r.queued[2].msg == 1);
  // a gave up (t + 600 s) before b queued (t + 605 s), and b queued before a's close
  // could reach it (t + 610 s).
  const Duration gave_up = r.attempts[0].ended.since_start();
  const Duration queued_at_b = r.queued[2].at.since_start();
  CHECK(gave_up < queued_at_b);
  CHECK(queued_at_b < gave_up + Duration::seconds(10));
  CHECK(delivered_at(r, "bob@b.example") >= queued_at_b);
}

TEST_CASE("the end-of-data timeout counts from the dot however long the earlier stages took") {
  // Regression guard for Delivery's reply timer, which leaves its engine event at an earlier
  // stage's deadline and moves it on when it fires. a and b 10 s apart, b's filter holds
  // its reply to "." 700 s. From the start of a's connect: the greeting comes at 40 s (the
  // handshake, then its 10 s way), EHLO's reply at 60 s, the replies to MAIL, RCPT and DATA
  // (pipelined) at 80 s (each plus microseconds for its bytes on the link), and "." goes at once.
  // The greeting's 300 s timer (due at 340 s) is still pending when "." starts Postfix's 600 s
  // smtp_data_done_timeout (reference §3): the session must end at 680 s, 600 s after the "." (the
  // transcript stamps a line when it goes), not at 340 s.
  std::string yaml = a_to_b("postfix", "{content_filter: {per_message: 700s}}", kToBob);
  const std::string fast = "latency: 10ms";
  yaml.replace(yaml.find(fast), fast.size(), "latency: 10s");
  const RecordedRun r = record_run(yaml, Duration::seconds(900));
  REQUIRE(r.attempts.size() >= 1);
  const AttemptFinished& a = r.attempts[0];
  CHECK(a.text == "Timed out waiting for the reply to end of data");
  const auto dot = std::find_if(a.transcript.begin(), a.transcript.end(),
                                [](const TranscriptEntry& e) { return e.line == "."; });
  REQUIRE(dot != a.transcript.end());
  CHECK(dot->direction == 'C');
  CHECK(dot->at - a.started > Duration::seconds(80));  // and the bytes' time on the 10 Mbps link
  CHECK(dot->at - a.started < Duration::seconds(81));
  CHECK(a.ended == dot->at + Duration::seconds(600));
}
