// The writer's multi-row INSERT: rows go in kRowsPerInsert at a time, the rest one by one,
// and the table holds every row, in the order given (its rowids follow that order),
// whether the count is below, at, or past a multiple of kRowsPerInsert.
#include "record/table_insert.h"

#include <string>
#include <vector>

#include "record/sqlite.h"
#include "support/catch.h"

namespace mailsim::record {
namespace {

struct Row {
  std::int64_t number;
  std::string text;
};

// The table's rows in rowid order, as "number:text" joined by spaces.
std::string table_rows(sql::Database& db) {
  sql::Statement s = db.prepare("SELECT a, b FROM t ORDER BY rowid");
  std::string out;
  while (s.step()) {
    if (!out.empty()) out += ' ';
    out += std::to_string(s.column_int(0)) + ":" + s.column_text(1);
  }
  return out;
}

TEST_CASE("a table's rows go in whole statements and one by one in the order given") {
  constexpr std::size_t k = TableInsert::kRowsPerInsert;
  // 0 and 1: no whole statement; k - 1, k, k + 1: around one; 2k + 5: two, then 5 alone.
  for (const std::size_t n : {std::size_t{0}, std::size_t{1}, k - 1, k, k + 1, 2 * k + 5}) {
    sql::Database db = sql::Database::open_temporary();
    db.exec("CREATE TABLE t (a INTEGER, b TEXT, c INTEGER)");
    TableInsert insert(db, "t", {"a", "b", "c"});
    std::vector<Row> rows;
    std::string want;
    for (std::size_t i = 0; i < n; ++i) {
      // Descending numbers: the order must be the vector's, not the numbers'.
      const auto number = static_cast<std::int64_t>(1000 - i);
      rows.push_back({number, "row" + std::to_string(i)});
      if (!want.empty()) want += ' ';
      want += std::to_string(number) + ":row" + std::to_string(i);
    }
    insert.insert(rows, [](sql::Statement& s, int p, const Row& r) {
      s.bind_int(p, r.number).bind_text_ref(p + 1, r.text).bind_int(p + 2, 7);
    });
    CAPTURE(n);
    CHECK(table_rows(db) == want);
    sql::Statement c = db.prepare("SELECT count(*), count(DISTINCT c), min(c) FROM t");
    REQUIRE(c.step());
    CHECK(c.column_int(0) == static_cast<std::int64_t>(n));
    // Every row's third parameter landed in its own row's column c.
    CHECK(c.column_int(1) == (n == 0 ? 0 : 1));
    if (n > 0) CHECK(c.column_int(2) == 7);
  }
}

}  // namespace
}  // namespace mailsim::record
