// The writer's multi-row INSERT: rows go in kRowsPerInsert at a time, the rest in smaller
// statements down to one row, and the table holds every row, in the order given (its rowids
// follow that order), whatever the count's remainder by each statement's size; every row
// has the run_id given; a row that breaks a constraint fails the insert.
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

TEST_CASE("a table's rows go in statements of every size in the order given") {
  constexpr std::size_t k = TableInsert::kRowsPerInsert;
  // Around each statement size (1, 4, 16, 64 rows); k - 1 takes three statements of each
  // size below k; 2k + 21 two of k rows, then one of each smaller size.
  for (const std::size_t n :
       {std::size_t{0}, std::size_t{1}, std::size_t{3}, std::size_t{4}, std::size_t{5},
        std::size_t{15}, std::size_t{16}, std::size_t{17}, k - 1, k, k + 1, 2 * k + 21}) {
    sql::Database db = sql::Database::open_temporary();
    db.exec("CREATE TABLE t (run_id INTEGER, a INTEGER, b TEXT, c INTEGER)");
    TableInsert insert(db, "t", 3, {"a", "b", "c"});
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
    sql::Statement c = db.prepare(
        "SELECT count(*), count(DISTINCT c), min(c), count(DISTINCT run_id), min(run_id) FROM t");
    REQUIRE(c.step());
    CHECK(c.column_int(0) == static_cast<std::int64_t>(n));
    // Every row's third parameter landed in its own row's column c, and run_id is 3.
    CHECK(c.column_int(1) == (n == 0 ? 0 : 1));
    CHECK(c.column_int(3) == (n == 0 ? 0 : 1));
    if (n > 0) {
      CHECK(c.column_int(2) == 7);
      CHECK(c.column_int(4) == 3);
    }
  }
}

TEST_CASE("a row that breaks a constraint fails the insert, and a rollback undoes all of it") {
  constexpr std::size_t k = TableInsert::kRowsPerInsert;
  sql::Database db = sql::Database::open_temporary();
  db.exec("CREATE TABLE t (run_id INTEGER, a INTEGER, b TEXT NOT NULL, c INTEGER)");
  db.exec("CREATE UNIQUE INDEX t_key ON t (run_id, a)");
  TableInsert insert(db, "t", 1, {"a", "b", "c"});
  // Rows 1..k + 3, but row k - 4 repeats row 2's key: it falls in the first k-row
  // statement, after rows that statement has already inserted.
  std::vector<Row> rows;
  for (std::size_t i = 1; i <= k + 3; ++i) {
    rows.push_back({static_cast<std::int64_t>(i == k - 4 ? 2 : i), "r"});
  }
  db.exec("BEGIN");
  CHECK_THROWS_WITH(insert.insert(rows,
                                  [](sql::Statement& s, int p, const Row& r) {
                                    s.bind_int(p, r.number).bind_text_ref(p + 1, r.text);
                                    s.bind_int(p + 2, 0);
                                  }),
                    Catch::Contains("UNIQUE constraint failed: t.run_id, t.a"));
  // As the writer does with a batch that failed.
  db.exec("ROLLBACK");
  CHECK(table_rows(db).empty());
  // The statements work again after the failure, the k-row one that failed included: the
  // next insert of k + 2 rows is whole.
  rows.clear();
  std::string expected;
  for (std::size_t i = 1; i <= k + 2; ++i) {
    rows.push_back({static_cast<std::int64_t>(i), "x"});
    expected += (i == 1 ? "" : " ") + std::to_string(i) + ":x";
  }
  insert.insert(rows, [](sql::Statement& s, int p, const Row& r) {
    s.bind_int(p, r.number).bind_text_ref(p + 1, r.text).bind_int(p + 2, 0);
  });
  CHECK(table_rows(db) == expected);
}

}  // namespace
}  // namespace mailsim::record
