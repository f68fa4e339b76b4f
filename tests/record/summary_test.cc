#include "mailsim/record/summary.h"

#include <sqlite3.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "mailsim/core/error.h"
#include "mailsim/record/recorder.h"
#include "sample_run.h"
#include "support/catch.h"

namespace mailsim::record {
namespace {

using test::at_seconds;
using test::record_latency_run;

TEST_CASE("the summary counts turns deferred without connecting apart from the attempts") {
  // The sample run (two recipients, each carried by 2 attempts) and one suspended turn of
  // both: 2 deferral rows; the attempts stay 4. The text report names them on their own
  // line, which a run without deferrals does not have.
  test::TempDb db;
  test::record_sample_run(db.path(), RecordLevel::kAttempts,
                          [](Recorder&, mta::MailEvents& events) {
                            events.delivery_deferred({1,
                                                      "a",
                                                      "mx:b.example",
                                                      at_seconds(600),
                                                      "suspended",
                                                      {"bob@b.example", "eve@b.example"},
                                                      451,
                                                      "4.4.1",
                                                      "delivery temporarily suspended"});
                          });
  const Summary s = read_summary(db.path());
  CHECK(s.deferrals == 2);
  CHECK(s.recipients.attempts == 4);
  std::ostringstream text;
  print_summary(s, text);
  CHECK(text.str().find("\ndeferrals   2 (turns deferred without connecting)\n") !=
        std::string::npos);
  std::ostringstream json;
  print_summary_json(s, json);
  CHECK(json.str().find("\"deferrals\":2,") != std::string::npos);
  test::TempDb plain;
  test::record_sample_run(plain.path(), RecordLevel::kAttempts);
  CHECK(test::printed_summary(plain.path()).find("deferrals") == std::string::npos);
}

TEST_CASE("the summary gives the recipient figures per client kind when there are several") {
  // Messages 1 and 2 from desktop clients (latencies 2 s and 8 s), 3 from mailx on the
  // server (0.25 s), 4 with no client kind (a bounce-like outside message: left out).
  test::TempDb db;
  Recorder recorder(db.path(), {"clients", "", 1, "0.1.0"}, RecordLevel::kSummary,
                    Existing::kRefuse, Summarise::kAsWritten);
  mta::MailEvents events;
  recorder.subscribe(events);
  const std::vector<std::pair<const char*, double>> sent = {
      {"desktop", 2}, {"desktop", 8}, {"local", 0.25}, {"", 1}};
  for (mta::MessageNumber msg = 1; msg <= 4; ++msg) {
    const auto& [kind, latency] = sent[msg - 1];
    events.message_created(
        {msg, "", "s@a", {"r@b"}, 100, "a", at_seconds(10), mta::MessageKind::kUser, 0, kind});
    events.recipient_final({msg, "r@b", mta::FinalStatus::kDelivered, "b", at_seconds(10 + latency),
                            250, "2.0.0 ok", ""});
  }
  recorder.finish(at_seconds(60));
  test::check_live_summary(recorder, db.path());
  const Summary s = read_summary(db.path());
  REQUIRE(s.client_kinds.size() == 2);
  CHECK(s.client_kinds[0].kind == "desktop");
  CHECK(s.client_kinds[0].recipients.delivered == 2);
  CHECK(s.client_kinds[0].recipients.latency_p50_s == Approx(2));  // rank ceil(0.5 * 2) = 1
  CHECK(s.client_kinds[0].recipients.latency_max_s == Approx(8));
  CHECK(s.client_kinds[1].kind == "local");
  CHECK(s.client_kinds[1].recipients.latency_max_s == Approx(0.25));
  std::ostringstream text;
  print_summary(s, text);
  CHECK(text.str().find("client kind desktop\n  recipients  2: delivered 2,") != std::string::npos);
  CHECK(text.str().find("client kind local\n  recipients  1: delivered 1,") != std::string::npos);
  std::ostringstream json;
  print_summary_json(s, json);
  CHECK(json.str().find("\"client_kinds\":[{\"kind\":\"desktop\",\"recipients\":2,") !=
        std::string::npos);
}

TEST_CASE("the summary counts final states and takes nearest-rank latency percentiles") {
  test::TempDb db;
  record_latency_run(db.path());
  const Summary s = read_summary(db.path());
  CHECK(s.scenario == "latencies");
  CHECK(s.status == "completed");
  CHECK(s.seed == 42);
  CHECK(s.record_level == "summary");
  CHECK(*s.sim_end_s == Approx(172800));
  CHECK(s.messages == 12);
  CHECK(s.recipients.count == 12);
  CHECK(s.recipients.delivered == 10);
  CHECK(s.recipients.bounced == 1);
  CHECK(s.recipients.expired == 0);
  CHECK(s.recipients.queued == 1);
  // Sorted latencies: 0.5 1.25 12 30 45 60 900 3600 7200 86400. Nearest rank of p over n=10
  // is ceil(p/100 * 10): p50 -> rank 5 = 45 s, p90 -> rank 9 = 7200 s, p99 -> rank 10 =
  // 86400 s; max 86400 s.
  CHECK(s.recipients.latency_p50_s == Approx(45));
  CHECK(s.recipients.latency_p90_s == Approx(7200));
  CHECK(s.recipients.latency_p99_s == Approx(86400));
  CHECK(s.recipients.latency_max_s == Approx(86400));
  // 10 delivered x 1 + bounced 2 + queued 1 = 13 over 12 recipients.
  CHECK(s.recipients.attempts == 13);
  CHECK(s.recipients.attempts_per_recipient == Approx(13.0 / 12.0));
  // Level summary keeps no hops, samples or attempt rows.
  CHECK(s.nodes.empty());
  CHECK(s.retry_policies.empty());
}

TEST_CASE("the printed summary is a short stable table") {
  test::TempDb db;
  record_latency_run(db.path());
  CHECK(test::printed_summary(db.path()) ==
        "scenario    latencies (seed 42), simulated 2d\n"
        "messages    12\n"
        "recipients  12: delivered 10, bounced 1, expired 0, still queued 1\n"
        "latency     p50 45s  p90 2h  max 1d\n"
        "attempts    13 (1.08 per recipient)\n"
        "deferrals   not recorded at level summary (run with --record attempts)\n");
}

TEST_CASE("bounces and warnings are counted apart from the user mail they report on") {
  test::TempDb db;
  {
    Recorder recorder(db.path(), {"notices", "", 1, "0.1.0"}, RecordLevel::kSummary,
                      Existing::kRefuse, Summarise::kAsWritten);
    mta::MailEvents events;
    recorder.subscribe(events);
    // Message 1 is refused at 60 s; its bounce (2) is delivered at once; a warning (3)
    // about another message (4) is delivered after 1 s; 4 is delivered after 1 h.
    events.message_created({1, "", "s@a", {"r@b"}, 100, "a", at_seconds(0)});
    events.message_created({4, "", "s@a", {"q@b"}, 100, "a", at_seconds(0)});
    events.recipient_final(
        {1, "r@b", mta::FinalStatus::kBounced, "a", at_seconds(60), 550, "5.1.1 unknown", ""});
    events.message_created(
        {2, "", "", {"s@a"}, 2000, "a", at_seconds(60), mta::MessageKind::kBounce, 1});
    events.recipient_final(
        {2, "s@a", mta::FinalStatus::kDelivered, "a", at_seconds(60), 250, "2.0.0 ok", ""});
    events.message_created(
        {3, "", "", {"s@a"}, 2000, "a", at_seconds(100), mta::MessageKind::kWarning, 4});
    events.recipient_final(
        {3, "s@a", mta::FinalStatus::kDelivered, "a", at_seconds(101), 250, "2.0.0 ok", ""});
    events.recipient_final(
        {4, "q@b", mta::FinalStatus::kDelivered, "b", at_seconds(3600), 250, "2.0.0 ok", ""});
    recorder.finish(at_seconds(7200));
    test::check_live_summary(recorder, db.path());
  }
  const Summary s = read_summary(db.path());
  CHECK(s.messages == 2);
  CHECK(s.recipients.count == 2);
  CHECK(s.recipients.delivered == 1);
  CHECK(s.recipients.bounced == 1);
  CHECK(s.recipients.latency_p50_s == 3600);
  CHECK(s.bounces_sent == 1);
  CHECK(s.warnings_sent == 1);
  std::ostringstream out;
  print_summary(s, out);
  CHECK(out.str().find("\nnotices     1 bounce, 1 delay warning sent\n") != std::string::npos);
}

TEST_CASE("the summary of a run that did not finish says so") {
  test::TempDb db;
  { Recorder recorder(db.path(), {"killed", "", 1, "0.1.0"}, RecordLevel::kSummary); }
  const Summary s = read_summary(db.path());
  CHECK(s.status == "running");
  CHECK(!s.sim_end_s);
  std::ostringstream out;
  print_summary(s, out);
  CHECK(
      out.str().starts_with("scenario    killed (seed 1), run running: results are incomplete\n"));
  CHECK(out.str().find("latency     (nothing delivered)\n") != std::string::npos);
}

TEST_CASE("reading a missing file or a database that is not ours is an input error") {
  test::TempDb db;
  SECTION("missing") { CHECK_THROWS_AS(read_summary(db.path()), InputError); }
  SECTION("not SQLite") {
    std::ofstream(db.path()) << "hello, this is text and not a database at all\n";
    CHECK_THROWS_AS(read_summary(db.path()), InputError);
  }
  SECTION("SQLite without a run table") {
    sqlite3* raw = nullptr;
    sqlite3_open(db.path().c_str(), &raw);
    sqlite3_exec(raw, "CREATE TABLE other(x)", nullptr, nullptr, nullptr);
    sqlite3_close(raw);
    try {
      read_summary(db.path());
      FAIL("expected InputError");
    } catch (const InputError& e) {
      CHECK(e.problem().starts_with("not a mailsim results database"));
      CHECK(e.where().file == db.path());
      CHECK(!e.hint().empty());
    }
  }
}

}  // namespace
}  // namespace mailsim::record
