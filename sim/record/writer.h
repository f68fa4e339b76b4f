// The recorder's writer thread: owns the database connection, takes whole batches of
// rows and inserts them with prepared statements, the batches of about half a second in
// one transaction (committed then even if no batch follows, and at the run's end). The
// simulation thread blocks in submit() only when the writer is 16 batches behind. When a
// batch fails (disk full, a duplicate key), the writer rolls back its transaction (the
// rows since the last commit), marks the run 'failed' if the file can still be written
// (else it stays 'running'), drops every later batch, and the next submit() throws its
// error: the run stops within 16 batches of the failing one rather than at its end.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "record/live_summary.h"
#include "record/rows.h"
#include "record/sqlite.h"

namespace mailsim::record {

class Writer {
 public:
  // Every row written carries `run_id`, the run row already in the database. With
  // `summarise`, the summary's figures are tallied from the rows as they are written.
  Writer(sql::Database db, std::int64_t run_id, bool summarise);
  // Writes what was submitted, then closes the database.
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Throws the writer's error (std::runtime_error) once a batch has failed.
  void submit(Batch batch);
  // An empty batch to fill next: one already written, whose memory is in use (no page
  // faults, no allocations), or a new one if none is back yet.
  Batch spare();
  // Waits until every submitted batch is written. Rethrows the writer's error.
  void drain();
  // After the batch that ended the run is written (drain()): the summary's tallies of the
  // rows written (LiveSummary), once; absent unless made with `summarise`, and at a second
  // call. Rethrows the writer's error: the rows of a failed batch were rolled back, and
  // the tallies would count them.
  std::optional<SummaryTallies> take_tallies();

 private:
  void run(sql::Database db);
  // Called in a handler of the exception that failed a batch: records it as the error
  // that submit() and drain() throw, and marks the run failed in the file if it can.
  void fail(sql::Database& db);

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Batch> queue_;
  std::vector<Batch> spares_;  // written and cleared
  bool busy_ = false;
  bool stopping_ = false;
  std::exception_ptr error_;
  std::int64_t run_id_;
  std::optional<LiveSummary> live_;  // the writer thread's until the run's end is written
  bool tallies_taken_ = false;
  std::thread thread_;
};

}  // namespace mailsim::record
