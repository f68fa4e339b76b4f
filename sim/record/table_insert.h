// One table's INSERT for the writer thread, prepared twice: for one row, and for
// kRowsPerInsert rows in one statement (INSERT ... VALUES (...), (...), ...). Running one
// statement for many rows costs SQLite less than running one per row: the statement's start
// and reset, the opening of the table's and its indexes' cursors and the seek to the table's
// end are paid once per kRowsPerInsert rows. Private to the record layer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>

#include "record/sqlite.h"

namespace mailsim::record {

class TableInsert {
 public:
  // Rows per statement: past 16, the statements' size grows and what each row saves does not.
  static constexpr std::size_t kRowsPerInsert = 16;

  // Every row gets `run_id` in its column run_id, written into the statement's text rather
  // than bound for each row; `columns` are the others, bound by insert().
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
    for (; n - i >= kRowsPerInsert; i += kRowsPerInsert) {
      for (std::size_t k = 0; k < kRowsPerInsert; ++k) {
        bind(many_, static_cast<int>(k) * columns_ + 1, rows[i + k]);
      }
      many_.run_rebinding();
    }
    for (; i < n; ++i) {
      bind(one_, 1, rows[i]);
      one_.run_rebinding();
    }
  }

 private:
  int columns_;
  sql::Statement one_;
  sql::Statement many_;
};

}  // namespace mailsim::record
