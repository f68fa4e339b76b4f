// `mailsim report --json`: one JSON object with stable keys (summary.h lists them).
#include <sstream>
#include <string>

#include "mailsim/record/recorder.h"
#include "mailsim/record/summary.h"
#include "sample_run.h"
#include "support/catch.h"

namespace mailsim::record {
namespace {

std::string json_of(const std::string& db_path) {
  std::ostringstream out;
  print_summary_json(read_summary(db_path), out);
  return out.str();
}

TEST_CASE("the JSON summary holds the run, the recipient figures, nodes and policies") {
  test::TempDb db;
  test::record_latency_run(db.path());
  CHECK(json_of(db.path()) ==
        "{\"report_format\":1,\"scenario\":\"latencies\",\"seed\":42,\"status\":\"completed\","
        "\"record_level\":\"summary\",\"sim_end_s\":172800,\"messages\":12,\"bounces_sent\":0,"
        "\"warnings_sent\":0,\"recipients\":12,"
        "\"delivered\":10,\"bounced\":1,\"expired\":0,\"queued\":1,\"latency_p50_s\":45,"
        "\"latency_p90_s\":7200,\"latency_p99_s\":86400,\"latency_max_s\":86400,"
        "\"attempts\":13,\"attempts_per_recipient\":1.0833333333333333,\"deferrals\":0,"
        "\"nodes\":[],"
        "\"retry_policies\":[],\"client_kinds\":[]}\n");
}

TEST_CASE("the JSON summary has null for what is unknown: latency, end time, queue peak") {
  test::TempDb db;
  {
    Recorder recorder(db.path(), {"killed", "", 1, "0.1.0"}, RecordLevel::kAttempts);
    recorder.add_node("a", "router");
  }
  const std::string json = json_of(db.path());
  CHECK(json.find("\"status\":\"running\",\"record_level\":\"attempts\",\"sim_end_s\":null") !=
        std::string::npos);
  CHECK(json.find("\"latency_p50_s\":null,\"latency_p90_s\":null,\"latency_p99_s\":null,"
                  "\"latency_max_s\":null") != std::string::npos);
  CHECK(json.find("\"nodes\":[{\"name\":\"a\",\"kind\":\"router\",\"retry_policy\":null,"
                  "\"messages\":0,\"mean_time_s\":null,\"peak_queue\":null}]") !=
        std::string::npos);
}

TEST_CASE("JSON strings escape quotes, backslashes and control characters") {
  test::TempDb db;
  { Recorder recorder(db.path(), {"a \"b\" \\ c\n\x01", "", 1, "0.1.0"}, RecordLevel::kSummary); }
  CHECK(json_of(db.path()).find("\"scenario\":\"a \\\"b\\\" \\\\ c\\n\\u0001\",") !=
        std::string::npos);
}

}  // namespace
}  // namespace mailsim::record
