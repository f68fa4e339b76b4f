#include "record/sqlite.h"

#include <sqlite3.h>

#include <stdexcept>
#include <utility>

namespace mailsim::record::sql {
namespace {

[[noreturn]] void fail(sqlite3* db, const std::string& what) {
  throw std::runtime_error("sqlite: " + what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

// A connection is used by one thread at a time (the recorder's moves to its writer thread
// and stays there, as does the summary's second one to the thread that reads the node
// tallies), so SQLite need not lock around each call (SQLITE_OPEN_NOMUTEX).
sqlite3* open(const std::string& path, int flags) {
  // Nothing reads SQLite's memory statistics; keeping them takes a global lock around every
  // allocation. Possible only before SQLite initializes, which the first open does.
  static const int memstatus_off = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  static_cast<void>(memstatus_off);
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    const std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    throw std::runtime_error(message);
  }
  sqlite3_extended_result_codes(db, 1);
  // Another process may be reading the file (sqlite3, pandas, `mailsim report` on a sweep
  // that is still running) or writing it: wait for its lock rather than fail at once.
  sqlite3_busy_timeout(db, 60'000);
  return db;
}

}  // namespace

Database Database::open_for_writing(const std::string& path) {
  return Database(open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
}

Database Database::open_read_only(const std::string& path) {
  return Database(open(path, SQLITE_OPEN_READONLY));
}

Database Database::open_existing(const std::string& path) {
  return Database(open(path, SQLITE_OPEN_READWRITE));
}

Database Database::open_temporary() {
  return Database(open("", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE));
}

Database::Database(Database&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    sqlite3_close(db_);
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

Database::~Database() { sqlite3_close(db_); }

void Database::exec(const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    throw std::runtime_error("sqlite: " + message);
  }
}

bool Database::try_exec(const char* sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return true;
  const std::string message = error ? error : sqlite3_errmsg(db_);
  sqlite3_free(error);
  if ((rc & 0xff) == SQLITE_BUSY) {
    if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return false;
  }
  throw std::runtime_error("sqlite: " + message);
}

void Database::set_busy_timeout(int milliseconds) { sqlite3_busy_timeout(db_, milliseconds); }

std::string Database::file_name() const {
  const char* name = sqlite3_db_filename(db_, "main");
  return name != nullptr ? name : "";
}

bool Database::read_only() const { return sqlite3_db_readonly(db_, "main") == 1; }

void Database::copy_from(Database& source) {
  sqlite3_backup* backup = sqlite3_backup_init(db_, "main", source.db_, "main");
  if (backup == nullptr) fail(db_, "copy");
  const int rc = sqlite3_backup_step(backup, -1);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) fail(db_, "copy");
}

Statement Database::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
      SQLITE_OK) {
    fail(db_, "prepare " + std::string(sql));
  }
  return Statement(db_, stmt);
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind_int(int i, std::int64_t v) {
  if (sqlite3_bind_int64(stmt_, i, v) != SQLITE_OK) fail(db_, "bind");
  return *this;
}

Statement& Statement::bind_double(int i, double v) {
  if (sqlite3_bind_double(stmt_, i, v) != SQLITE_OK) fail(db_, "bind");
  return *this;
}

Statement& Statement::bind_text(int i, std::string_view v) {
  if (sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8) !=
      SQLITE_OK) {
    fail(db_, "bind");
  }
  return *this;
}

Statement& Statement::bind_text_ref(int i, std::string_view v) {
  if (sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8) != SQLITE_OK) {
    fail(db_, "bind");
  }
  return *this;
}

Statement& Statement::bind_null(int i) {
  if (sqlite3_bind_null(stmt_, i) != SQLITE_OK) fail(db_, "bind");
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  // Reset so that the statement can run again; its error's text is taken first, as reset
  // may replace it.
  const std::runtime_error error("sqlite: " + std::string(sqlite3_sql(stmt_)) + ": " +
                                 sqlite3_errmsg(db_));
  sqlite3_reset(stmt_);
  throw error;
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::run_rebinding() {
  while (step()) {
  }
  sqlite3_reset(stmt_);
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

std::int64_t Statement::column_int(int col) const { return sqlite3_column_int64(stmt_, col); }

double Statement::column_double(int col) const { return sqlite3_column_double(stmt_, col); }

std::string Statement::column_text(int col) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  if (!text) return {};
  return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
}

}  // namespace mailsim::record::sql
