#include "record/results_db.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <stdexcept>

#include "mailsim/core/error.h"
#include "mailsim/core/time.h"

namespace mailsim::record {

void not_ours(const std::string& path, const std::string& why) {
  throw InputError("not a mailsim results database (" + why + ")",
                   "give the .db file that `mailsim run` wrote (-o OUT.db)",
                   SourceLocation{path, 0, 0, ""});
}

namespace {
std::int64_t application_id(sql::Database& db) {
  sql::Statement id = db.prepare("PRAGMA application_id");
  return id.step() ? id.column_int(0) : 0;
}
}  // namespace

bool is_results_database(const std::string& path) {
  try {
    sql::Database db = sql::Database::open_read_only(path);
    return application_id(db) == kApplicationId;
  } catch (const std::runtime_error&) {
    return false;
  }
}

sql::Database open_results(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) not_ours(path, "no such file");
  try {
    sql::Database db = sql::Database::open_read_only(path);
    if (application_id(db) != kApplicationId) not_ours(path, "it was not written by mailsim run");
    if (const std::int64_t v = schema_version(db); v < kSchemaVersion) {
      throw InputError("written by an older mailsim (schema version " + std::to_string(v) +
                           "; this one reads version " + std::to_string(kSchemaVersion) + ")",
                       "run the scenario again with this mailsim", SourceLocation{path, 0, 0, ""});
    }
    return db;
  } catch (const InputError&) {
    throw;
  } catch (const std::runtime_error& e) {
    not_ours(path, e.what());
  }
}

std::int64_t schema_version(sql::Database& db) {
  sql::Statement version = db.prepare("PRAGMA user_version");
  return version.step() ? version.column_int(0) : 0;
}

std::vector<std::int64_t> run_ids(sql::Database& db) {
  std::vector<std::int64_t> ids;
  sql::Statement s = db.prepare("SELECT run_id FROM run ORDER BY run_id");
  while (s.step()) ids.push_back(s.column_int(0));
  return ids;
}

sql::Statement of_run(sql::Database& db, std::string_view sql, std::int64_t run) {
  sql::Statement s = db.prepare(sql);
  const int n = static_cast<int>(std::count(sql.begin(), sql.end(), '?'));
  for (int i = 1; i <= n; ++i) s.bind_int(i, run);
  return s;
}

void no_such_run(const std::string& path, std::int64_t run_id) {
  throw InputError("no run " + std::to_string(run_id) + " in this results database",
                   "give --run with one of the run_id values of its run table "
                   "(sqlite3 FILE 'SELECT run_id, point, replication, parameters FROM run')",
                   SourceLocation{path, 0, 0, "--run"});
}

std::string format_seconds(double seconds) {
  const auto ms = static_cast<std::int64_t>(std::llround(seconds * 1000.0));
  return to_string(Duration::milliseconds(ms));
}

}  // namespace mailsim::record
