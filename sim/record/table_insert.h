// One table's INSERT for the writer thread, prepared for several numbers of rows in one
// statement (INSERT ... VALUES (...), (...), ...): kRowsPerInsert, a quarter of that, and
// so on down to one. Running one statement for many rows costs SQLite less than running one
// per row: the statement's start and reset, the opening of the table's and its indexes'
// cursors and the seek to the table's end are paid once per statement, and an index entry
// that follows the one before it is placed without a search from the root while the
// statement's cursor stays open. Private to the record layer.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "record/sqlite.h"

namespace mailsim::record {

class TableInsert {
 public:
  // Rows per statement, at most: 256 costs more to prepare than it saves at two simulated
  // hours of isp-scale.
  static constexpr std::size_t kRowsPerInsert = 64;
  // SQLite before 3.32 binds at most 999 parameters to a statement (32,766 since); the
  // widest table, attempt, has 11 bound columns.
  static constexpr std::size_t kMaxColumns = 999 / kRowsPerInsert;

  // Every row gets `run_id` in its column run_id, written into the statement's text rather
  // than bound for each row; `columns` are the others, bound by insert(). REQUIRES: at
  // most kMaxColumns of them.
  TableInsert(sql::Database& db, std::string_view table, std::int64_t run_id,
              std::initializer_list<std::string_view> columns);

  // Inserts rows[0], ..., rows[size - 1] in that order (so rowids follow it), binding each
  // with bind(statement, p, row), where p is the 1-based index of the row's first parameter
  // (its columns are p, p + 1, ...). bind must bind every column of the row: the statements
  // keep their bindings from one run to the next (sql::Statement::run_rebinding). Text may be
  // bound without a copy: each statement runs before insert() returns.
  template <class Rows, class Bind>
  void insert(const Rows& rows, Bind bind) {
    const std::size_t n = rows.size();
    std::size_t i = 0;
    std::size_t per_statement = kRowsPerInsert;
    for (sql::Statement& statement : statements_) {  // the most rows first
      for (; n - i >= per_statement; i += per_statement) {
        for (std::size_t k = 0; k < per_statement; ++k) {
          bind(statement, static_cast<int>(k) * columns_ + 1, rows[i + k]);
        }
        statement.run_rebinding();
      }
      per_statement /= kStep;
    }
  }

 private:
  // Each statement holds kStep times the rows of the next, the last one row: a table's
  // rows of a batch take at most kStep - 1 statements of each size past the largest.
  static constexpr std::size_t kStep = 4;
  static constexpr std::size_t kStatements = 4;
  static_assert(kRowsPerInsert == kStep * kStep * kStep);
  static_assert(kStatements == 4, "the constructor prepares one statement per size");

  int columns_;
  std::array<sql::Statement, kStatements> statements_;
};

}  // namespace mailsim::record
