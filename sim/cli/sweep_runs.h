// The runs of a sweep and how each is done: run k of the sweep's database is point
// (k - 1) / R + 1, replication (k - 1) mod R (R replications per point), so that a run's
// number, parameters and random streams depend only on the sweep file. Each run records
// into its own shard (OUT.db.shards/run-K.db); a completed shard is merged into OUT.db,
// which therefore holds only completed runs. Re-running a sweep does what OUT.db lacks.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "mailsim/scenario/config.h"
#include "mailsim/scenario/sweep.h"

namespace mailsim::cli {

struct SweepRun {
  std::int64_t run_id = 0;
  std::size_t point = 0;  // index into the sweep's points, from 0
  std::uint64_t replication = 0;
};

class SweepPlan {
 public:
  // Loads the scenario at every point. `out` is the sweep's results database.
  SweepPlan(scenario::SweepConfig sweep, std::string out);

  const std::vector<SweepRun>& runs() const { return runs_; }
  const std::string& out() const { return out_; }
  std::string shard_path(std::int64_t run_id) const;
  // "mtas.college.retry = exim, defaults.processing_delay = 10ms"
  std::string label(std::size_t point) const;
  std::vector<std::string> labels() const;

  // Creates OUT.db (or keeps it) and the shard folder, merges shards that completed but
  // were not merged, and returns the runs still to do, in run order. Throws InputError
  // when OUT.db holds a run this sweep would not make (another sweep's results).
  std::vector<SweepRun> prepare() const;
  // Simulates one run into its shard. Returns false when `stop` ended it early (the
  // shard then holds an interrupted run, which is not merged).
  bool simulate(const SweepRun& run, const std::function<bool()>& stop) const;
  // Merges a completed shard into OUT.db and removes it. Call from one thread at a time.
  void merge(const std::string& shard) const;
  // Creates the shard folder (prepare() does too).
  void make_shard_folder() const;
  // Removes the shard folder when nothing is left in it.
  void tidy() const;

 private:
  std::vector<std::pair<std::string, std::string>> parameters(std::size_t point) const;
  bool recover(const SweepRun& run) const;

  scenario::SweepConfig sweep_;
  std::string out_;
  std::string sha256_;
  std::vector<scenario::ScenarioConfig> configs_;  // per point
  std::vector<SweepRun> runs_;
};

// Does `todo` with `jobs` threads, each run into its shard; `merge` says whether each
// completed shard is merged at once (a rank of an MPI sweep leaves that to rank 0).
// Returns the runs that completed. Rethrows the first error of a run, after the others
// stopped.
std::vector<SweepRun> run_locally(const SweepPlan& plan, const std::vector<SweepRun>& todo,
                                  int jobs, bool merge, const std::function<bool()>& stop,
                                  bool quiet);

}  // namespace mailsim::cli
