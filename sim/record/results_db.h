// Opening a results database for the report verbs: read-only, and only if it is ours.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "mailsim/core/error.h"
#include "record/sqlite.h"

namespace mailsim::record {

// The application_id (PRAGMA application_id) that marks a mailsim results database.
inline constexpr std::int64_t kApplicationId = 1835100524;  // 'mail'

// The schema version this build writes and reads (PRAGMA user_version; see schema.sql).
// Older files (one run per file, no run_id columns) are refused with a hint to re-run.
inline constexpr std::int64_t kSchemaVersion = 8;

// Throws InputError "not a mailsim results database" when `path` is missing, is not an
// SQLite file, or is not marked as ours; and when it has an older schema.
sql::Database open_results(const std::string& path);
bool is_results_database(const std::string& path);

// Throws InputError "not a mailsim results database (why)" for `path`.
[[noreturn]] void not_ours(const std::string& path, const std::string& why);

// Runs a reader over the database at `path`, turning SQLite errors (a damaged file, a
// file that only looks like ours) into InputError.
template <class F>
auto read_results(const std::string& path, F read) {
  try {
    return read(open_results(path));
  } catch (const InputError&) {
    throw;
  } catch (const std::runtime_error& e) {
    not_ours(path, e.what());
  }
}

// The schema version the database was written with (PRAGMA user_version), so that readers
// can leave out what older files do not have.
std::int64_t schema_version(sql::Database& db);

// The ids of the runs in the database, ascending.
std::vector<std::int64_t> run_ids(sql::Database& db);

// A statement over one run's rows: every `?` in `sql` is the run's id.
sql::Statement of_run(sql::Database& db, std::string_view sql, std::int64_t run);

// Throws InputError: `path` holds no run `run_id` (the message lists the runs it holds).
[[noreturn]] void no_such_run(const std::string& path, std::int64_t run_id);

// Milliseconds-rounded duration text ("2h0m31.87s" style), stable across platforms.
std::string format_seconds(double seconds);

}  // namespace mailsim::record
