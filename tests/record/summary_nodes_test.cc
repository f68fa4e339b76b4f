// The summary's figures per node and per retry policy, and how it describes a run that
// did not complete.
#include <sstream>
#include <string>

#include "mailsim/record/recorder.h"
#include "mailsim/record/summary.h"
#include "sample_run.h"
#include "support/catch.h"

namespace mailsim::record {
namespace {

using test::at_seconds;

// MTAs a (postfix) and b (exim) relay to c; three messages from a, one recipient each:
//   1 (r1@c): a->b sent at 0..1; b->c deferred at 1 and 600, sent at 1800..1801;
//             delivered at 1802 (latency 1802 s). Most attempts by b: exim.
//   2 (r2@c): a->b deferred at 0, sent at 300..301; b->c sent at 301..302; delivered at
//             303 (latency 303 s). Most attempts by a: postfix.
//   3 (r3@c): a->b sent at 0..1, b->c sent at 1..2; delivered at 3 (latency 3 s). A tie,
//             and b tried last: exim.
// Queue samples of b: 1 at 60 s, 2 at 120 s.
void record_mixed_run(const std::string& path, RecordLevel level = RecordLevel::kAttempts) {
  Recorder recorder(path, {"mixed", "", 1, "0.1.0"}, level, Existing::kRefuse,
                    Summarise::kAsWritten);
  recorder.add_node("a", "host", "postfix");
  recorder.add_node("b", "host", "exim");
  recorder.add_node("c", "host");
  mta::MailEvents events;
  recorder.subscribe(events);
  auto attempt = [&](mta::MessageNumber msg, const char* from, const char* to, double start,
                     bool sent) {
    mta::AttemptFinished a =
        test::make_attempt(msg, from, to, start, start + 1,
                           sent ? mta::AttemptOutcome::kSent : mta::AttemptOutcome::kDeferred,
                           sent ? 250 : 451, "", sent ? "Ok" : "try later");
    const std::string rcpt = "r" + std::to_string(msg) + "@c";
    a.recipients = {{rcpt,
                     sent ? mta::RecipientOutcome::kAccepted : mta::RecipientOutcome::kDeferred,
                     sent ? 250 : 451, "", a.text}};
    events.attempt_finished(a);
    if (sent) events.message_queued({msg, to, "Q", from, at_seconds(start + 1)});
  };
  auto delivered = [&](mta::MessageNumber msg, double at) {
    events.recipient_final({msg, "r" + std::to_string(msg) + "@c", mta::FinalStatus::kDelivered,
                            "c", at_seconds(at), 250, "2.0.0 ok", ""});
  };
  for (mta::MessageNumber msg = 1; msg <= 3; ++msg) {
    events.message_created(
        {msg, "", "s@a", {"r" + std::to_string(msg) + "@c"}, 100, "a", at_seconds(0)});
    events.message_queued({msg, "a", "Q", "", at_seconds(0)});
  }
  attempt(1, "a", "b", 0, true);
  attempt(1, "b", "c", 1, false);
  attempt(1, "b", "c", 600, false);
  attempt(1, "b", "c", 1800, true);
  delivered(1, 1802);
  attempt(2, "a", "b", 0, false);
  attempt(2, "a", "b", 300, true);
  attempt(2, "b", "c", 301, true);
  delivered(2, 303);
  attempt(3, "a", "b", 0, true);
  attempt(3, "b", "c", 1, true);
  delivered(3, 3);
  recorder.add_queue_nodes({"b"});
  const QueueSample b_60{0, {0, 0, 1}}, b_120{0, {0, 1, 1}};
  recorder.add_queue_sample(at_seconds(60), {&b_60, 1});
  recorder.add_queue_sample(at_seconds(120), {&b_120, 1});
  recorder.finish(at_seconds(3600));
  test::check_live_summary(recorder, path);
}

TEST_CASE("per node: messages, the mean time they spent there and the queue's peak") {
  test::TempDb db;
  record_mixed_run(db.path());
  const Summary s = read_summary(db.path());
  REQUIRE(s.nodes.size() == 3);
  const NodeSummary& a = s.nodes[0];
  const NodeSummary& b = s.nodes[1];
  const NodeSummary& c = s.nodes[2];
  CHECK(a.name == "a");
  CHECK(a.kind == "host");
  CHECK(a.retry_policy == "postfix");
  CHECK(a.messages == 3);
  CHECK(*a.mean_time_s == Approx((1 + 301 + 1) / 3.0));  // until b received each
  CHECK(!a.peak_queue);
  CHECK(b.retry_policy == "exim");
  CHECK(*b.mean_time_s == Approx((1800 + 1 + 1) / 3.0));
  CHECK(b.peak_queue == 2);
  CHECK(c.retry_policy.empty());
  CHECK(*c.mean_time_s == Approx(1));  // until delivered
}

TEST_CASE("per retry policy: each recipient counts under the MTA that made most of its attempts") {
  test::TempDb db;
  record_mixed_run(db.path());
  const Summary s = read_summary(db.path());
  REQUIRE(s.retry_policies.size() == 2);
  const PolicySummary& postfix = s.retry_policies[0];
  const PolicySummary& exim = s.retry_policies[1];
  CHECK(postfix.policy == "postfix");
  CHECK(postfix.nodes == std::vector<std::string>{"a"});
  CHECK(postfix.recipients.count == 1);
  CHECK(postfix.recipients.attempts == 3);
  CHECK(postfix.recipients.latency_max_s == Approx(303));
  CHECK(exim.policy == "exim");
  CHECK(exim.recipients.count == 2);
  CHECK(exim.recipients.delivered == 2);
  CHECK(exim.recipients.attempts == 6);  // message 1: 4, message 3: 2
  CHECK(exim.recipients.latency_p50_s == Approx(3));
  CHECK(exim.recipients.latency_p90_s == Approx(1802));
}

// The mixed run's printed figures for all its user mail, the same at every record level.
constexpr const char* kMixedRunHead =
    "scenario    mixed (seed 1), simulated 1h\n"
    "messages    3\n"
    "recipients  3: delivered 3, bounced 0, expired 0, still queued 0\n"
    "latency     p50 5m3s  p90 30m2s  max 30m2s\n"
    "attempts    9 (3.00 per recipient)\n";

TEST_CASE("the printed summary adds a block per retry policy when there are several") {
  test::TempDb db;
  record_mixed_run(db.path());
  CHECK(test::printed_summary(db.path()) ==
        std::string(kMixedRunHead) +
            "retry policy postfix (a)\n"
            "  recipients  1: delivered 1, bounced 0, expired 0, still queued 0\n"
            "  latency     p50 5m3s  p90 5m3s  max 5m3s\n"
            "  attempts    3 (3.00 per recipient)\n"
            "retry policy exim (b)\n"
            "  recipients  2: delivered 2, bounced 0, expired 0, still queued 0\n"
            "  latency     p50 3s  p90 30m2s  max 30m2s\n"
            "  attempts    6 (3.00 per recipient)\n");
}

TEST_CASE("at level summary the printed summary says what was not recorded, not zeros") {
  // The same run: its recipients, latencies and attempt counts are kept at every level,
  // but without attempt and deferral rows neither the deferrals nor the per-policy
  // figures are known.
  test::TempDb db;
  record_mixed_run(db.path(), RecordLevel::kSummary);
  CHECK(test::printed_summary(db.path()) ==
        std::string(kMixedRunHead) +
            "deferrals   not recorded at level summary (run with --record attempts)\n"
            "retry policies postfix, exim: figures not recorded at level summary\n");
}

TEST_CASE("an interrupted run's summary says where it stopped") {
  test::TempDb db;
  {
    Recorder recorder(db.path(), {"stopped", "", 1, "0.1.0"}, RecordLevel::kAttempts,
                      Existing::kRefuse, Summarise::kAsWritten);
    mta::MailEvents events;
    recorder.subscribe(events);
    test::emit_sample_run(events);
    recorder.finish_interrupted(at_seconds(5000));
    test::check_live_summary(recorder, db.path());
  }
  const Summary s = read_summary(db.path());
  CHECK(s.status == "interrupted");
  CHECK(*s.sim_end_s == Approx(5000));
  std::ostringstream out;
  print_summary(s, out);
  CHECK(out.str().starts_with(
      "scenario    stopped (seed 1), run interrupted at 1h23m20s: results are incomplete\n"));
}

}  // namespace
}  // namespace mailsim::record
