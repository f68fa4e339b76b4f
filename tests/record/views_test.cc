// The schema's views answer common questions from the tables; these tests check them on
// the sample run, whose rows are known by heart (see sample_run.h).
#include "mailsim/record/recorder.h"
#include "sample_run.h"
#include "support/catch.h"

namespace mailsim::record {
namespace {

using test::query_double;
using test::query_int;
using test::query_text;

void record_sample(const std::string& path) {
  test::record_sample_run(path, RecordLevel::kAttempts);
}

TEST_CASE("the schema has a version") {
  test::TempDb db;
  record_sample(db.path());
  // 7 since the deferral kinds retry_time, tcpto and route_disabled (schema.sql lists the
  // versions).
  CHECK(query_int(db.path(), "PRAGMA user_version") == 8);
}

TEST_CASE("recipient_latency lists delivered recipients with their latency from creation") {
  test::TempDb db;
  record_sample(db.path());
  CHECK(query_int(db.path(), "SELECT COUNT(*) FROM recipient_latency") == 1);
  CHECK(query_text(db.path(), "SELECT rcpt FROM recipient_latency") == "bob@b.example");
  // Created at 10 s, delivered at 7200.5 s.
  CHECK(query_double(db.path(), "SELECT latency_s FROM recipient_latency") == 7190.5);
  CHECK(query_int(db.path(), "SELECT attempts FROM recipient_latency") == 2);
}

TEST_CASE("hop_delay measures each stay from arrival to the next hop or the delivery") {
  test::TempDb db;
  record_sample(db.path());
  // At a from 10 s until b received it at 1801 s; at b from 1801 s until bob's delivery
  // at 7200.5 s.
  CHECK(query_double(db.path(), "SELECT delay_s FROM hop_delay WHERE node = 'a'") == 1791.0);
  CHECK(query_double(db.path(), "SELECT left_s FROM hop_delay WHERE node = 'b'") == 7200.5);
  CHECK(query_double(db.path(), "SELECT delay_s FROM hop_delay WHERE node = 'b'") == 5399.5);
}

TEST_CASE("recipient_attempts counts the attempts that carried each recipient") {
  test::TempDb db;
  record_sample(db.path());
  // Both attempts a->b carried both recipients; the first (a connect timeout) deferred
  // them, the second handed them to b.
  for (const char* rcpt : {"bob@b.example", "eve@b.example"}) {
    const std::string where = std::string(" FROM recipient_attempts WHERE rcpt = '") + rcpt + "'";
    CAPTURE(rcpt);
    CHECK(query_int(db.path(), "SELECT attempts" + where) == 2);
    CHECK(query_int(db.path(), "SELECT deferred" + where) == 1);
    CHECK(query_double(db.path(), "SELECT first_attempt_s" + where) == 10.0);
    CHECK(query_double(db.path(), "SELECT last_attempt_s" + where) == 1800.0);
  }
}

TEST_CASE("recipient_attempts lists a recipient no attempt carried, with none") {
  test::TempDb db;
  {
    Recorder recorder(db.path(), {"local", "", 1, "0.1.0"}, RecordLevel::kAttempts);
    mta::MailEvents events;
    recorder.subscribe(events);
    // Message 1 for far@b (carried by one attempt) and near@a (delivered locally at a).
    events.message_created({1, "", "s@a", {"far@b", "near@a"}, 100, "a", test::at_seconds(0)});
    mta::AttemptFinished attempt =
        test::make_attempt(1, "a", "b", 1, 2, mta::AttemptOutcome::kSent, 250, "2.0.0", "ok");
    attempt.recipients = {{"far@b", mta::RecipientOutcome::kAccepted, 250, "2.0.0", "ok"}};
    events.attempt_finished(attempt);
    events.recipient_final(
        {1, "near@a", mta::FinalStatus::kDelivered, "a", test::at_seconds(0.5), 250, "ok", ""});
    events.recipient_final(
        {1, "far@b", mta::FinalStatus::kDelivered, "b", test::at_seconds(3), 250, "ok", ""});
    recorder.finish(test::at_seconds(10));
  }
  CHECK(query_int(db.path(), "SELECT count(*) FROM recipient_attempts") == 2);
  CHECK(query_int(db.path(), "SELECT attempts FROM recipient_attempts WHERE rcpt = 'near@a'") == 0);
  CHECK(query_int(db.path(), "SELECT deferred FROM recipient_attempts WHERE rcpt = 'near@a'") == 0);
  CHECK(query_int(db.path(), "SELECT attempts FROM recipient_attempts WHERE rcpt = 'far@b'") == 1);
}

}  // namespace
}  // namespace mailsim::record
