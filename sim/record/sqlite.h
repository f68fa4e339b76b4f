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
  // Opens `path`, which must exist, for writing if the system lets this process write it,
  // else read-only (read_only() says which).
  static Database open_existing(const std::string& path);
  // A private database that SQLite deletes when it is closed, in memory until it grows
  // large, then in a temporary file.
  static Database open_temporary();

  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Runs one or more statements that return nothing the caller needs.
  void exec(const char* sql);
  // Like exec, but returns false, having done nothing, when another connection holds a
  // lock that the statements need (SQLITE_BUSY once the busy timeout is over).
  bool try_exec(const char* sql);
  Statement prepare(std::string_view sql);

  // How long a statement waits for another connection's lock before it fails as busy
  // (60 s unless set; 0: it fails at once).
  void set_busy_timeout(int milliseconds);
  bool read_only() const;
  // The file this connection reads: "" for a temporary database, which no other can open.
  std::string file_name() const;
  // Replaces this database's content by a consistent copy of `source`'s (SQLite's backup).
  void copy_from(Database& source);

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
  // Binds `v` without copying it: the text must stay unchanged until the statement has
  // run (run() or reset() lets go of it). For rows that outlive their insert.
  Statement& bind_text_ref(int i, std::string_view v);
  Statement& bind_null(int i);
  // Returns true while a row is available.
  bool step();
  // Runs a statement that returns no rows, then resets it for the next use.
  void run();
  // Like run(), but keeps the bound values, which costs SQLite less than releasing each:
  // for a caller that binds every parameter anew before each run. Text bound without a copy
  // is not read again until it is rebound.
  void run_rebinding();
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
