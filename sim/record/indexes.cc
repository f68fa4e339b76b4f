#include "record/indexes.h"

#include <algorithm>
#include <optional>
#include <set>
#include <vector>

#include "record/schema_sql.h"

namespace mailsim::record {
namespace {

// The names of the indexes schema.sql makes, read back from a database made with it.
const std::vector<std::string>& schema_indexes() {
  static const std::vector<std::string> names = [] {
    sql::Database db = sql::Database::open_temporary();
    db.exec(kSchemaTablesSql);
    db.exec(kSchemaIndexesSql);
    std::vector<std::string> out;
    sql::Statement s =
        db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL");
    while (s.step()) out.push_back(s.column_text(0));
    return out;
  }();
  return names;
}

std::size_t missing_indexes(sql::Database& db) {
  std::set<std::string> present;
  sql::Statement s = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index'");
  while (s.step()) present.insert(s.column_text(0));
  const std::vector<std::string>& wanted = schema_indexes();
  return static_cast<std::size_t>(std::count_if(
      wanted.begin(), wanted.end(), [&](const auto& n) { return !present.contains(n); }));
}

bool run_not_ended(sql::Database& db) {
  sql::Statement s = db.prepare("SELECT count(*) FROM run WHERE status = 'running'");
  return s.step() && s.column_int(0) > 0;
}

enum class Indexing { kCreated, kInUse };

// Creates the indexes in the file, unless another connection has it open. In exclusive
// locking mode the first read takes the file's exclusive lock, which any other connection
// to a WAL database (a live writer, even idle between its transactions, or a reader)
// prevents; without a busy timeout the attempt fails at once. Throws when the file cannot
// be written after all (a read-only folder, a full disk).
Indexing create_indexes(sql::Database& db) {
  db.set_busy_timeout(0);
  db.exec("PRAGMA locking_mode = EXCLUSIVE");
  if (!db.try_exec("BEGIN IMMEDIATE")) return Indexing::kInUse;
  try {
    db.exec(kSchemaIndexesSql);
    db.exec("COMMIT");
  } catch (...) {
    db.try_exec("ROLLBACK");
    throw;
  }
  // One self-contained file, as the recorder leaves a run that ended.
  db.exec("PRAGMA journal_mode = DELETE");
  return Indexing::kCreated;
}

}  // namespace

sql::Database open_indexed(const std::string& path, std::ostream* notes) {
  std::optional<sql::Database> db(open_results(path));
  const std::size_t missing = missing_indexes(*db);
  if (missing == 0) return std::move(*db);
  const bool running = run_not_ended(*db);
  db.reset();  // its shared lock would keep the exclusive one below from being taken
  const std::string lacking =
      path + " lacks " +
      (missing == schema_indexes().size() ? std::string("its indexes")
                                          : std::to_string(missing) + " of its indexes") +
      (running ? " (its run did not end)" : "");
  const auto note = [&](const std::string& what) {
    if (notes != nullptr) *notes << "mailsim: " << lacking << ": " << what << "\n";
  };
  std::string cannot_write = "the file is read-only";
  std::optional<Indexing> indexing;
  {
    sql::Database file = sql::Database::open_existing(path);
    if (!file.read_only()) {
      try {
        indexing = create_indexes(file);
      } catch (const std::runtime_error& e) {
        cannot_write = e.what();
      }
    }
  }
  if (indexing == Indexing::kCreated) {
    note("created them, once, for this and later readers");
    return open_results(path);
  }
  if (indexing == Indexing::kInUse) {
    note(std::string(running ? "its run is still being written" : "it is open elsewhere") +
         ", so it is read without them, which may be slow");
    return open_results(path);
  }
  note("it cannot be written here (" + cannot_write +
       "), so an indexed temporary copy is read; the file is left as it is");
  sql::Database source = open_results(path);
  sql::Database copy = sql::Database::open_temporary();
  copy.copy_from(source);
  copy.exec(kSchemaIndexesSql);
  return copy;
}

}  // namespace mailsim::record
