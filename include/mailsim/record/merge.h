// One results database for many runs: a sweep records each run into a shard of its own
// (a results database holding that run) and merges finished shards into the sweep's
// database, one transaction per shard, so that the database only ever holds whole runs.
// Not thread-safe for the same `results` path: callers merge one shard at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mailsim::record {

// A run as its run table row describes it.
struct StoredRun {
  std::int64_t run_id = 0;
  std::string status;
  std::string scenario;
  std::string scenario_sha256;
  std::uint64_t seed = 0;
  std::optional<std::int64_t> point;
  std::uint64_t replication = 0;
  std::string parameters;  // JSON, as parameters_json() writes it
};

// Creates an empty results database (the schema, no run) at `path`, or keeps the results
// database that is there. Throws InputError for a folder, a file that is not a results
// database, or one written with another schema version.
void open_or_create_results(const std::string& path);

// The runs of the results database at `path`, in run order. Throws InputError when it is
// not one.
std::vector<StoredRun> read_runs(const std::string& path);

// Copies every row of `shard` into `results`, replacing whatever `results` held of the
// shard's runs. Both must have this build's schema.
void merge_results(const std::string& shard, const std::string& results);

}  // namespace mailsim::record
