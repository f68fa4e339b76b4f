#include "mailsim/record/merge.h"

#include <filesystem>
#include <stdexcept>

#include "mailsim/core/error.h"
#include "record/results_db.h"
#include "record/schema_sql.h"

namespace mailsim::record {
namespace {

// The tables whose rows belong to a run (those with a run_id column), run last so that a
// run row only appears with its rows.
std::vector<std::string> run_tables(sql::Database& db) {
  std::vector<std::string> tables;
  sql::Statement s = db.prepare(
      "SELECT m.name FROM sqlite_schema m, pragma_table_info(m.name) c"
      " WHERE m.type = 'table' AND c.name = 'run_id' AND m.name <> 'run' ORDER BY m.name");
  while (s.step()) tables.push_back(s.column_text(0));
  tables.emplace_back("run");
  return tables;
}

std::string quoted(const std::string& name) { return "\"" + name + "\""; }

}  // namespace

void open_or_create_results(const std::string& path) {
  const SourceLocation where{path, 0, 0, ""};
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) {
    throw InputError("the output path is a folder", "give a file name, for example -o sweep.db",
                     where);
  }
  if (std::filesystem::exists(path, ignored)) {
    if (!is_results_database(path)) {
      throw InputError(
          "the output file exists and is not a mailsim results database; not overwriting it",
          "choose another output path (-o FILE.db) or remove the file", where);
    }
    read_results(path, [](sql::Database) { return 0; });  // refuses another schema version
    return;
  }
  try {
    sql::Database db = sql::Database::open_for_writing(path);
    db.exec(kSchemaTablesSql);
    db.exec(kSchemaIndexesSql);
  } catch (const std::runtime_error& e) {
    std::filesystem::remove(path, ignored);
    throw InputError("cannot create the results database: " + std::string(e.what()),
                     "choose an output path in a folder that exists and is writable (-o FILE.db)",
                     where);
  }
}

std::vector<StoredRun> read_runs(const std::string& path) {
  return read_results(path, [](sql::Database db) {
    std::vector<StoredRun> runs;
    sql::Statement s = db.prepare(
        "SELECT run_id, status, scenario, scenario_sha256, seed, point, replication, parameters"
        " FROM run ORDER BY run_id");
    while (s.step()) {
      StoredRun r{s.column_int(0), s.column_text(1), s.column_text(2), s.column_text(3),
                  static_cast<std::uint64_t>(s.column_int(4))};
      if (!s.is_null(5)) r.point = s.column_int(5);
      r.replication = static_cast<std::uint64_t>(s.column_int(6));
      r.parameters = s.column_text(7);
      runs.push_back(std::move(r));
    }
    return runs;
  });
}

void merge_results(const std::string& shard, const std::string& results) {
  sql::Database db = sql::Database::open_for_writing(results);
  db.prepare("ATTACH DATABASE ? AS shard").bind_text(1, shard).run();
  {
    sql::Statement version = db.prepare("PRAGMA shard.user_version");
    if (!version.step() || version.column_int(0) != kSchemaVersion) {
      throw std::runtime_error("shard " + shard + " has another schema version");
    }
  }  // finished before DETACH, which an open statement would block
  db.exec("BEGIN IMMEDIATE");
  try {
    for (const std::string& t : run_tables(db)) {
      const std::string table = quoted(t);
      db.exec(("DELETE FROM main." + table + " WHERE run_id IN (SELECT run_id FROM shard.run)")
                  .c_str());
      db.exec(("INSERT INTO main." + table + " SELECT * FROM shard." + table).c_str());
    }
    db.exec("COMMIT");
  } catch (...) {
    db.exec("ROLLBACK");
    throw;
  }
  db.exec("DETACH DATABASE shard");
}

}  // namespace mailsim::record
