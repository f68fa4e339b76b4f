// A batch the writer cannot write stops the run at the next hand-over, not at its end, and
// leaves the file marked failed (writer.h).
#include <chrono>
#include <optional>
#include <thread>

#include "mailsim/record/recorder.h"
#include "record/rows.h"
#include "sample_run.h"
#include "support/catch.h"

namespace mailsim::record {
namespace {

using test::at_seconds;
using test::query_int;
using test::query_text;

// Polls the file until its run is 'failed' (the writer has failed a batch), for up to a
// minute: the writer works on its own thread.
bool wait_until_failed(const std::string& path) {
  for (int i = 0; i < 6000; ++i) {
    if (query_text(path, "SELECT status FROM run") == "failed") return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

TEST_CASE("a batch that fails to be written stops the run at the next hand-over") {
  test::TempDb db;
  std::optional<Recorder> recorder;
  recorder.emplace(db.path(), test::kSampleInfo, RecordLevel::kSummary);
  // Node names are unique in a run (node's UNIQUE (run_id, name)): the batch holding these
  // two rows fails with SQLite's constraint error, as a full disk would fail it.
  recorder->add_node("a", "host");
  recorder->add_node("a", "host");
  mta::MailEvents events;
  recorder->subscribe(events);
  mta::MessageNumber msg = 0;
  const auto created = [&] {
    events.message_created({++msg, "", "s@a", {"r@b"}, 100, "a", at_seconds(0)});
  };
  // A message is one row at level summary. With the two nodes, the kBatchRows - 2'th
  // message fills the first batch, which is handed over: queued, not yet written.
  for (std::size_t i = 0; i < kBatchRows - 2; ++i) REQUIRE_NOTHROW(created());
  REQUIRE(wait_until_failed(db.path()));
  // Rows are taken as usual until the next batch is full; its hand-over throws.
  for (std::size_t i = 0; i < kBatchRows - 1; ++i) REQUIRE_NOTHROW(created());
  CHECK_THROWS_WITH(created(), Catch::Contains("writing the results file failed") &&
                                   Catch::Contains("UNIQUE constraint failed: node"));
  // As mailsim run does on an error: fail() hands over the rest, and throws again.
  CHECK_THROWS_WITH(recorder->fail(at_seconds(10)),
                    Catch::Contains("UNIQUE constraint failed: node"));
  recorder.reset();
  // The failed batch was rolled back and the later ones dropped: a failed run, no row of
  // it but the run's, so that no reader takes it for complete.
  CHECK(query_text(db.path(), "SELECT status FROM run") == "failed");
  CHECK(query_int(db.path(), "SELECT sim_end_s IS NULL FROM run") == 1);
  CHECK(query_int(db.path(), "SELECT count(*) FROM node") == 0);
  CHECK(query_int(db.path(), "SELECT count(*) FROM message") == 0);
}

TEST_CASE("a recorder whose writer failed is destroyed without throwing") {
  test::TempDb db;
  {
    Recorder recorder(db.path(), test::kSampleInfo, RecordLevel::kSummary);
    recorder.add_node("a", "host");
    recorder.add_node("a", "host");
    // No finish(): the destructor hands the nodes over, and the writer fails them.
  }
  CHECK(query_text(db.path(), "SELECT status FROM run") == "failed");
}

}  // namespace
}  // namespace mailsim::record
