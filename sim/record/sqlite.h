// A thin RAII layer over the SQLite C API, private to the record layer: a connection and
// its prepared statements. Errors throw std::runtime_error with SQLite's message; the
// callers that know the user's file turn open failures into InputError. A Database and its
// Statements are used by one thread at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace mailsim::record::sql {

class Statement;

class Database {
 public:
  // Creates or opens `path` for writing.
  static Database open_for_writing(const std::string& path);
  static Database open_read_only(const std::string& path);

  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Runs one or more statements that return nothing the caller needs.
  void exec(const char* sql);
  Statement prepare(std::string_view sql);

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

// Binding indexes are 1-based, column indexes 0-based, as in SQLite.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& bind_int(int i, std::int64_t v);
  Statement& bind_double(int i, double v);
  Statement& bind_text(int i, std::string_view v);
  Statement& bind_null(int i);
  // Returns true while a row is available.
  bool step();
  // Runs a statement that returns no rows, then resets it for the next use.
  void run();
  void reset();

  bool is_null(int col) const;
  std::int64_t column_int(int col) const;
  double column_double(int col) const;
  std::string column_text(int col) const;

 private:
  friend class Database;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace mailsim::record::sql
