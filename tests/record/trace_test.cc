#include "mailsim/record/trace.h"

#include <sstream>

#include "mailsim/core/error.h"
#include "mailsim/record/recorder.h"
#include "sample_run.h"
#include "support/catch.h"

namespace mailsim::record {
namespace {

std::string trace_of(RecordLevel level, const std::string& message = "1") {
  test::TempDb db;
  test::record_sample_run(db.path(), level);
  std::ostringstream out;
  print_trace(db.path(), message, out);
  return out.str();
}

bool has_line(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

TEST_CASE("a trace opens with the message and each recipient's fate") {
  const std::string t = trace_of(RecordLevel::kFull);
  INFO(t);
  CHECK(t.starts_with(
      "message 1  <1.a@a.example>  from carol@a.example  25KiB, created 00:00:10.000 at a\n"));
  CHECK(has_line(t,
                 "  to bob@b.example: delivered at 02:00:00.500 on b "
                 "(latency 1h59m50.5s, 2 attempts)"));
  CHECK(has_line(t,
                 "  to eve@b.example: bounced at 00:30:01.200 on b (2 attempts): "
                 "550 5.1.1 <eve@b.example>: User unknown"));
}

TEST_CASE("a trace shows each hop with its wait, attempts, retries and dialogue") {
  const std::string t = trace_of(RecordLevel::kFull);
  INFO(t);
  CHECK(has_line(t, "hop 1: a -> b  (queued at a as Q1 at 00:00:10.000, waited 0s)"));
  CHECK(has_line(t,
                 "  attempt 1 at 00:00:10.000: conn_timeout  "
                 "451 4.4.1 connect to b:25: Connection timed out"));
  // Attempt 1 ended at 40 s, attempt 2 started at 1800 s: 1760 s = 29m20s.
  CHECK(has_line(t, "    (retry after 29m20s)"));
  CHECK(
      has_line(t, "  attempt 2 at 00:30:00.000: sent  250 2.0.0 Ok: queued as Q2  (26112 bytes)"));
  CHECK(has_line(t, "    00:30:00.100 S: 220 b ESMTP mailsim"));
  CHECK(has_line(t, "    00:30:00.100 C: EHLO a"));
  CHECK(has_line(t, "hop 2: b  (queued at b as Q2 at 00:30:01.000)"));
  CHECK(has_line(
      t, "  eve@b.example bounced at 00:30:01.200: 550 5.1.1 <eve@b.example>: User unknown"));
  CHECK(has_line(t, "  delivered to the mailbox of bob@b.example at 02:00:00.500"));
  CHECK(t.find("dialogue not recorded") == std::string::npos);
}

TEST_CASE("a trace shows a turn deferred without connecting between the attempts") {
  // The sample run, and a turn of a's at 600 s for both recipients deferred because b was
  // dead: attempt 1 ended at 40 s, the turn at 600 s (retry after 560 s = 9m20s), attempt 2
  // at 1800 s (1200 s = 20m after the turn, which has no duration).
  test::TempDb db;
  test::record_sample_run(
      db.path(), RecordLevel::kAttempts, [](Recorder&, mta::MailEvents& events) {
        events.delivery_deferred({1,
                                  "a",
                                  "mx:b.example",
                                  test::at_seconds(600),
                                  "suspended",
                                  {"bob@b.example", "eve@b.example"},
                                  451,
                                  "4.4.1",
                                  "delivery temporarily suspended: connect to b:25: "
                                  "Connection timed out"});
      });
  std::ostringstream out;
  print_trace(db.path(), "1", out);
  const std::string t = out.str();
  INFO(t);
  CHECK(t.find("  attempt 1 at 00:00:10.000: conn_timeout  451 4.4.1 connect to b:25: "
               "Connection timed out\n"
               "    (retry after 9m20s)\n"
               "  deferred at 00:10:00.000 without connecting (suspended, mx:b.example): 451 "
               "4.4.1 delivery temporarily suspended: connect to b:25: Connection timed out\n"
               "    (retry after 20m)\n"
               "  attempt 2 at 00:30:00.000: sent") != std::string::npos);
  CHECK(has_line(t, "hop 1: a -> b  (queued at a as Q1 at 00:00:10.000, waited 0s)"));
  // Two rows (one per recipient), one turn; the recipients' attempt counts are unchanged.
  CHECK(test::query_int(db.path(), "SELECT count(*) FROM deferral") == 2);
  CHECK(test::query_int(db.path(), "SELECT sum(deferrals) FROM recipient_attempts") == 2);
  CHECK(has_line(t,
                 "  to bob@b.example: delivered at 02:00:00.500 on b "
                 "(latency 1h59m50.5s, 2 attempts)"));
}

TEST_CASE("a trace ends with the header block of each delivered copy") {
  const std::string t = trace_of(RecordLevel::kFull);
  INFO(t);
  CHECK(
      t.ends_with("delivered copy on b (bob@b.example):\n"
                  "  Return-Path: <carol@a.example>\n"
                  "  Received: from a (a [10.0.0.1]) by b with ESMTP id Q2\n"
                  "  Subject: hello\n"));
}

TEST_CASE("below level full the trace says the dialogue and header blocks were not recorded") {
  const std::string t = trace_of(RecordLevel::kAttempts);
  INFO(t);
  CHECK(has_line(t, "(dialogue not recorded; run with --record full)"));
  CHECK(has_line(t, "hop 1: a -> b  (queued at a as Q1 at 00:00:10.000, waited 0s)"));
  CHECK(t.find(" S: 220") == std::string::npos);
  CHECK(
      t.ends_with("delivered copy on b (bob@b.example):\n"
                  "  (header block not recorded; run with --record full)\n"));
}

TEST_CASE("at level summary the trace has the fates but no hops") {
  const std::string t = trace_of(RecordLevel::kSummary);
  CHECK(t.find("  to bob@b.example: delivered at 02:00:00.500") != std::string::npos);
  CHECK(t.find("hop 1") == std::string::npos);
  CHECK(t.find("not recorded") != std::string::npos);
}

TEST_CASE("a trace names the bounces a message caused, and a bounce the message it is about") {
  test::TempDb db;
  test::record_sample_run(db.path(), RecordLevel::kAttempts,
                          [](Recorder&, mta::MailEvents& events) {
                            // b bounces eve's copy of message 1 back to carol.
                            events.message_created({2,
                                                    "2.b@b.example",
                                                    "",
                                                    {"carol@a.example"},
                                                    3000,
                                                    "b",
                                                    test::at_seconds(1801.2),
                                                    mta::MessageKind::kBounce,
                                                    1});
                          });
  std::ostringstream original, bounce;
  print_trace(db.path(), "1", original);
  print_trace(db.path(), "2", bounce);
  INFO(original.str() + bounce.str());
  CHECK(has_line(original.str(), "bounce sent about it: message 2 from b at 00:30:01.200"));
  CHECK(
      bounce.str().starts_with("message 2  <2.b@b.example>  from <>  3kB bounce, created "
                               "00:30:01.200 at b, about message 1\n"));
}

TEST_CASE("a message is found by its number or its Message-ID with or without brackets") {
  const std::string by_number = trace_of(RecordLevel::kFull, "1");
  CHECK(trace_of(RecordLevel::kFull, "1.a@a.example") == by_number);
  CHECK(trace_of(RecordLevel::kFull, "<1.a@a.example>") == by_number);
}

TEST_CASE("an unknown message is an input error naming it") {
  for (const char* message : {"42", "<nobody@nowhere>"}) {
    try {
      trace_of(RecordLevel::kAttempts, message);
      FAIL("expected InputError");
    } catch (const InputError& e) {
      CHECK(e.problem().find(message) != std::string::npos);
    }
  }
}

TEST_CASE("tracing in a missing database is an input error") {
  std::ostringstream out;
  CHECK_THROWS_AS(print_trace("/nonexistent-mailsim-dir/x.db", "1", out), InputError);
}

}  // namespace
}  // namespace mailsim::record
