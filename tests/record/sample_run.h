// Test support for the record layer: a temporary database path, SQL queries on it, and
// hand-built runs of events whose rows the tests know by heart.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "mailsim/mta/events.h"
#include "mailsim/record/recorder.h"

namespace mailsim::record::test {

// A unique path under the system's temp folder; removes the file (and SQLite's side
// files) when it goes out of scope.
class TempDb {
 public:
  TempDb();
  ~TempDb();
  TempDb(const TempDb&) = delete;
  TempDb& operator=(const TempDb&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The first column of the first row of `sql` as text ("" for NULL or no row).
std::string query_text(const std::string& db_path, const std::string& sql);
std::int64_t query_int(const std::string& db_path, const std::string& sql);
double query_double(const std::string& db_path, const std::string& sql);

// Message 1 <1.a@a.example> from carol@a.example, 25KiB, created at 10 s at node a for
// bob@b.example and eve@b.example. Queued at a as Q1 at 10 s; attempt 1 a->b 10..40 s
// conn_timeout 451; attempt 2 a->b 1800..1801 s sent (4 transcript lines, 26112 bytes);
// queued at b as Q2 at 1801 s; eve bounced at 1801.2 s with 550 5.1.1; bob delivered at
// 7200.5 s with a header block.
void emit_sample_run(mta::MailEvents& events);

// The run info the sample run is recorded under: scenario "sample", hash "abc123", seed 7.
extern const RunInfo kSampleInfo;
// Records the sample run into `path` at `level` and finishes it at 86400 s. `more` runs
// after the sample's events and before the finish, to add nodes or further events.
void record_sample_run(const std::string& path, RecordLevel level,
                       const std::function<void(Recorder&, mta::MailEvents&)>& more = {});

Time at_seconds(double s);

// After the run's end: checks that the recorder's summary (Recorder::summary, made as the
// rows were written) is the one read_summary() reads back from `path`, as text and as
// JSON, byte for byte. The helpers below that record a run check it.
void check_live_summary(Recorder& recorder, const std::string& path);

// The text print_summary() gives for the first run read back from `path`.
std::string printed_summary(const std::string& path);

// Scenario "latencies", seed 42, level summary, finished at 2 d: twelve one-recipient
// messages (s@a to r@b) created at 100 s at a. Ten delivered with one attempt each, after
// 60, 0.5, 3600, 12, 45, 7200, 30, 900, 1.25 and 86400 s; one bounced at 200 s after
// two attempts; one still queued after one attempt.
void record_latency_run(const std::string& path);

// An attempt of message `msg` from `from` to `to` with the deciding reply; no recipients.
mta::AttemptFinished make_attempt(mta::MessageNumber msg, std::string from, std::string to,
                                  double started_s, double ended_s, mta::AttemptOutcome outcome,
                                  int code, std::string enhanced, std::string text);

}  // namespace mailsim::record::test
