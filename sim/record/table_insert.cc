#include "record/table_insert.h"

#include <cassert>
#include <string>

namespace mailsim::record {
namespace {

// INSERT OR FAIL INTO table(run_id, a, b) VALUES (RUN_ID, ?, ?), (RUN_ID, ?, ?), ... with
// `rows` rows. OR FAIL: a row that breaks a constraint fails the statement as the default
// (OR ABORT) does, but leaves the statement's earlier rows in place rather than undoing
// them; the writer rolls the whole batch back on any error, so the two end alike. Under
// OR ABORT, SQLite keeps a statement journal for every multi-row statement in a
// transaction: a copy of each page the statement changes (the tables' and indexes' right
// edges), written for nothing, and a savepoint opened and released for every statement.
std::string insert_sql(std::string_view table, std::int64_t run_id,
                       std::initializer_list<std::string_view> columns, std::size_t rows) {
  std::string names = "run_id";
  std::string values = "(" + std::to_string(run_id);
  for (std::string_view c : columns) {
    names += ", ";
    names += c;
    values += ", ?";
  }
  values += ')';
  std::string sql = "INSERT OR FAIL INTO " + std::string(table) + "(" + names + ") VALUES ";
  for (std::size_t r = 0; r < rows; ++r) {
    if (r > 0) sql += ", ";
    sql += values;
  }
  return sql;
}

}  // namespace

TableInsert::TableInsert(sql::Database& db, std::string_view table, std::int64_t run_id,
                         std::initializer_list<std::string_view> columns)
    : columns_(static_cast<int>(columns.size())),
      statements_{db.prepare(insert_sql(table, run_id, columns, kRowsPerInsert)),
                  db.prepare(insert_sql(table, run_id, columns, kRowsPerInsert / kStep)),
                  db.prepare(insert_sql(table, run_id, columns, kStep)),
                  db.prepare(insert_sql(table, run_id, columns, 1))} {
  assert(columns.size() <= kMaxColumns && "more parameters than old SQLite binds");
}

}  // namespace mailsim::record
