// Many runs in one results database: shards merged into it keep their run ids, and the
// readers (summary, check, trace) keep the runs apart. The sample run's rows are known by
// heart (sample_run.h); here it is recorded as runs 1 and 2, run 2 with eve's bounce
// turned into a delivery, so that the two differ.
#include "mailsim/record/merge.h"

#include <sqlite3.h>

#include <sstream>

#include "mailsim/core/error.h"
#include "mailsim/record/check.h"
#include "mailsim/record/summary.h"
#include "mailsim/record/trace.h"
#include "sample_run.h"
#include "support/catch.h"

namespace mailsim::record {
namespace {

using test::query_int;
using test::query_text;

void execute(const std::string& path, const std::string& statements) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  const int rc = sqlite3_exec(db, statements.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(db);
  REQUIRE(rc == SQLITE_OK);
}

// The sample run recorded as run `run_id` of a sweep's point 1 into `path`.
void record_shard(const std::string& path, std::int64_t run_id) {
  RunInfo info = test::kSampleInfo;
  info.run_id = run_id;
  info.point = 1;
  info.replication = static_cast<std::uint64_t>(run_id - 1);
  info.parameters = {{"mtas.a.retry", "exim"}};
  Recorder recorder(path, info, RecordLevel::kAttempts);
  recorder.add_node("a", "mta");
  recorder.add_node("b", "mta");
  mta::MailEvents events;
  recorder.subscribe(events);
  test::emit_sample_run(events);
  recorder.finish(test::at_seconds(86400));
}

// Runs 1 and 2 merged into `results`; in run 2 eve was delivered at 1801.2 s instead.
void merge_two(const std::string& results) {
  test::TempDb one, two;
  record_shard(one.path(), 1);
  record_shard(two.path(), 2);
  execute(two.path(),
          "UPDATE recipient SET status = 'delivered', final_node = 'b', delivered_s = 1801.2,"
          " latency_s = 1791.2, last_code = 250, last_reply = '2.0.0 Ok'"
          " WHERE rcpt = 'eve@b.example'");
  open_or_create_results(results);
  merge_results(one.path(), results);
  merge_results(two.path(), results);
}

TEST_CASE("merged shards keep their run ids on every row and their parameters") {
  test::TempDb db;
  merge_two(db.path());
  CHECK(query_int(db.path(), "SELECT count(*) FROM run") == 2);
  // Each run has the sample's 2 recipients, 2 attempts, 1 message and 2 hops.
  for (const char* table : {"recipient", "attempt", "message", "hop"}) {
    CAPTURE(table);
    const std::string count = std::string("SELECT count(*) FROM ") + table + " WHERE run_id = ";
    CHECK(query_int(db.path(), count + "1") == query_int(db.path(), count + "2"));
    CHECK(query_int(db.path(), count + "1") > 0);
  }
  CHECK(query_text(db.path(), "SELECT value FROM run_parameter WHERE run_id = 2") == "exim");
  CHECK(query_text(db.path(), "SELECT parameters FROM run WHERE run_id = 1") ==
        "{\"mtas.a.retry\":\"exim\"}");
  CHECK(query_int(db.path(), "SELECT replication FROM run WHERE run_id = 2") == 1);
}

TEST_CASE("merging a run again replaces its rows instead of adding to them") {
  test::TempDb db, again;
  merge_two(db.path());
  record_shard(again.path(), 2);
  merge_results(again.path(), db.path());
  CHECK(query_int(db.path(), "SELECT count(*) FROM recipient WHERE run_id = 2") == 2);
  CHECK(query_text(db.path(),
                   "SELECT status FROM recipient WHERE run_id = 2 AND rcpt = 'eve@b.example'") ==
        "bounced");
}

TEST_CASE("the views keep runs apart") {
  test::TempDb db;
  merge_two(db.path());
  // One delivered recipient in run 1 (bob), two in run 2 (bob and eve).
  CHECK(query_int(db.path(), "SELECT count(*) FROM recipient_latency WHERE run_id = 1") == 1);
  CHECK(query_int(db.path(), "SELECT count(*) FROM recipient_latency WHERE run_id = 2") == 2);
  // Each run's two attempts carried each recipient: 2, not 4.
  CHECK(query_int(db.path(), "SELECT max(attempts) FROM recipient_attempts") == 2);
  CHECK(query_int(db.path(), "SELECT count(*) FROM hop_delay") == 4);
}

TEST_CASE("summaries are read run by run") {
  test::TempDb db;
  merge_two(db.path());
  const std::vector<Summary> all = read_summaries(db.path());
  REQUIRE(all.size() == 2);
  CHECK(all[0].run_id == 1);
  CHECK(all[0].recipients.delivered == 1);
  CHECK(all[0].recipients.bounced == 1);
  CHECK(all[1].recipients.delivered == 2);
  CHECK(all[1].point == 1);
  CHECK(all[1].replication == 1);
  CHECK(read_summary(db.path(), 2).recipients.delivered == 2);
  CHECK_THROWS_AS(read_summary(db.path(), 3), InputError);
}

TEST_CASE("check holds on every run and names the run of a broken row") {
  test::TempDb db;
  merge_two(db.path());
  CHECK(check_results(db.path()).empty());
  execute(db.path(),
          "UPDATE recipient SET latency_s = 1 WHERE run_id = 2 AND rcpt = 'eve@b.example'");
  const std::vector<Violation> v = check_results(db.path());
  REQUIRE(v.size() == 1);
  REQUIRE(v[0].rows.size() == 1);
  CHECK(v[0].rows[0] == "run 2: message 1 <eve@b.example> delivered_s 1801.2 latency_s 1.0");
}

TEST_CASE("trace needs the run when the database holds several") {
  test::TempDb db;
  merge_two(db.path());
  std::ostringstream out;
  CHECK_THROWS_AS(print_trace(db.path(), "1", out), InputError);
  print_trace(db.path(), "1", out, 2);
  CHECK(out.str().find("to eve@b.example: delivered") != std::string::npos);
}

TEST_CASE("an empty results database is made, and an existing one kept") {
  test::TempDb db;
  open_or_create_results(db.path());
  CHECK(read_runs(db.path()).empty());
  merge_two(db.path());
  open_or_create_results(db.path());
  CHECK(read_runs(db.path()).size() == 2);
}

}  // namespace
}  // namespace mailsim::record
