#include "mailsim/record/check.h"

#include <sqlite3.h>

#include <sstream>

#include "mailsim/core/error.h"
#include "mailsim/record/recorder.h"
#include "sample_run.h"
#include "support/catch.h"

namespace mailsim::record {
namespace {

// The sample run with its two nodes, which attempts and hops refer to.
void record_sample(const std::string& path) {
  test::record_sample_run(path, RecordLevel::kAttempts, [](Recorder& recorder, mta::MailEvents&) {
    recorder.add_node("a", "mta");
    recorder.add_node("b", "mta");
  });
}

// Damages a recorded database the way a faulty model or writer would.
void execute(const std::string& path, const std::string& statements) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, statements.c_str(), nullptr, nullptr, &error);
  const std::string message = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  REQUIRE(message.empty());
  REQUIRE(rc == SQLITE_OK);
}

std::vector<std::string> rules_broken(const std::string& path) {
  std::vector<std::string> rules;
  for (const Violation& v : check_results(path)) rules.push_back(v.rule);
  return rules;
}

TEST_CASE("a faithfully recorded run holds every invariant") {
  test::TempDb db;
  record_sample(db.path());
  CHECK(check_results(db.path()).empty());
}

TEST_CASE("each broken invariant is reported with its offending rows") {
  struct Case {
    const char* damage;
    const char* rule;
    const char* row;
  };
  const Case cases[] = {
      {"UPDATE run SET status = 'running'", "the run ended (status completed or interrupted)",
       "run 1 has status running"},
      {"DELETE FROM recipient", "every user message has recipients", "message 1"},
      {"UPDATE recipient SET status = 'queued' WHERE rcpt = 'eve@b.example'",
       "a recipient has a final time exactly when it is no longer queued",
       "message 1 <eve@b.example> queued final_s 1801.2"},
      {"UPDATE recipient SET latency_s = 7000 WHERE rcpt = 'bob@b.example'",
       "a delivered recipient has its node, time and latency (delivered_s - created_s)",
       "message 1 <bob@b.example> delivered_s 7200.5 latency_s 7000.0"},
      {"UPDATE attempt SET started_s = 5 WHERE attempt_id = 1",
       "nothing happens to a message before it was created",
       "attempt 1 started at 5.0 s, message 1 created at 10.0 s"},
      {"UPDATE attempt SET ended_s = 1700 WHERE attempt_id = 2",
       "an attempt ends no earlier than it starts", "attempt 2: 1800.0 s to 1700.0 s"},
      {"UPDATE attempt SET to_node = 'nowhere' WHERE attempt_id = 2",
       "attempts refer to recorded messages and nodes", "attempt 2 (message 1, a -> nowhere)"},
      {"UPDATE attempt_recipient SET rcpt = 'mallory@b.example' WHERE attempt_id = 2"
       " AND rcpt = 'eve@b.example'",
       "an attempt's recipients are recipients of its message", "attempt 2 <mallory@b.example>"},
      {"UPDATE run SET sim_end_s = 7000", "nothing is recorded after the end of the run",
       "message 1 <bob@b.example> final at 7200.5 s"},
      // qmail's skip of a host it remembers as down, at a Postfix MTA.
      {"UPDATE node SET retry_policy = 'postfix' WHERE name = 'a';"
       " INSERT INTO deferral VALUES (1, 1, 'bob@b.example', 'a', 'mx:b.example', 20, 'tcpto',"
       " 451, '4.4.1', 'timed out twice')",
       "a deferral's kind is one its MTA makes: suspended at postfix, retry_time at exim, tcpto "
       "at qmail, route_disabled at opensmtpd",
       "message 1 <bob@b.example> tcpto at a (postfix) at 20.0 s"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.damage);
    test::TempDb db;
    record_sample(db.path());
    execute(db.path(), c.damage);
    const std::vector<Violation> violations = check_results(db.path());
    REQUIRE_FALSE(violations.empty());
    bool found = false;
    for (const Violation& v : violations) {
      if (v.rule != c.rule) continue;
      found = true;
      REQUIRE_FALSE(v.rows.empty());
      CHECK(v.rows.front() == c.row);
    }
    CHECK(found);
  }
}

TEST_CASE("a miscounted attempt total is caught at level attempts") {
  test::TempDb db;
  record_sample(db.path());
  execute(db.path(), "UPDATE recipient SET attempts = 3 WHERE rcpt = 'bob@b.example'");
  CHECK(rules_broken(db.path()) ==
        std::vector<std::string>{
            "a recipient's attempt count is the number of attempts that carried it"});
}

TEST_CASE("violations print as the rule, the count and the rows") {
  std::ostringstream out;
  print_violations(out, {{"x holds", 12, {"row 1", "row 2"}}});
  CHECK(out.str() == "violated: x holds (12 rows)\n  row 1\n  row 2\n  ... and 10 more\n");
}

TEST_CASE("checking a file that is not a results database is an input error") {
  test::TempDb db;
  execute(db.path(), "CREATE TABLE t (x)");
  CHECK_THROWS_AS(check_results(db.path()), InputError);
}

}  // namespace
}  // namespace mailsim::record
