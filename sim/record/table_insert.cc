#include "record/table_insert.h"

#include <string>

namespace mailsim::record {
namespace {

// INSERT INTO table(a, b) VALUES (?, ?), (?, ?), ... with `rows` rows.
std::string insert_sql(std::string_view table, std::initializer_list<std::string_view> columns,
                       std::size_t rows) {
  std::string names;
  std::string values = "(";
  for (std::string_view c : columns) {
    if (!names.empty()) {
      names += ", ";
      values += ", ";
    }
    names += c;
    values += '?';
  }
  values += ')';
  std::string sql = "INSERT INTO " + std::string(table) + "(" + names + ") VALUES ";
  for (std::size_t r = 0; r < rows; ++r) {
    if (r > 0) sql += ", ";
    sql += values;
  }
  return sql;
}

}  // namespace

TableInsert::TableInsert(sql::Database& db, std::string_view table,
                         std::initializer_list<std::string_view> columns)
    : columns_(static_cast<int>(columns.size())),
      one_(db.prepare(insert_sql(table, columns, 1))),
      many_(db.prepare(insert_sql(table, columns, kRowsPerInsert))) {}

}  // namespace mailsim::record
