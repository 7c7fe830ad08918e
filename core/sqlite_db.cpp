#include "core/sqlite_db.h"

#include <sqlite3.h>

#include <filesystem>
#include <utility>

namespace tunedeck {

// ---- SqliteStatement ----------------------------------------------------------------------

SqliteStatement::SqliteStatement(sqlite3_stmt* statement, std::string db_path)
    : statement_(statement), db_path_(std::move(db_path)) {}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(statement_); }

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : statement_(std::exchange(other.statement_, nullptr)), db_path_(std::move(other.db_path_)) {}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(statement_);
    statement_ = std::exchange(other.statement_, nullptr);
    db_path_ = std::move(other.db_path_);
  }
  return *this;
}

void SqliteStatement::fail(const std::string& what) const {
  const char* sql = sqlite3_sql(statement_);
  throw SqliteError(db_path_ + ": " + what + ": " + sqlite3_errmsg(sqlite3_db_handle(statement_)) +
                    " (in: " + (sql ? sql : "?") + ")");
}

SqliteStatement& SqliteStatement::bind_int64(int index, int64_t value) {
  if (sqlite3_bind_int64(statement_, index, value) != SQLITE_OK) fail("bind failed");
  return *this;
}

SqliteStatement& SqliteStatement::bind_double(int index, double value) {
  if (sqlite3_bind_double(statement_, index, value) != SQLITE_OK) fail("bind failed");
  return *this;
}

SqliteStatement& SqliteStatement::bind_text(int index, const std::string& value) {
  const int rc = sqlite3_bind_text(statement_, index, value.data(), static_cast<int>(value.size()),
                                   SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) fail("bind failed");
  return *this;
}

SqliteStatement& SqliteStatement::bind_null(int index) {
  if (sqlite3_bind_null(statement_, index) != SQLITE_OK) fail("bind failed");
  return *this;
}

bool SqliteStatement::step() {
  const int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail("statement failed");
}

void SqliteStatement::run() {
  while (step()) {
  }
}

void SqliteStatement::reset() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

int64_t SqliteStatement::column_int64(int column) const {
  return sqlite3_column_int64(statement_, column);
}

double SqliteStatement::column_double(int column) const {
  return sqlite3_column_double(statement_, column);
}

std::string SqliteStatement::column_text(int column) const {
  const unsigned char* text = sqlite3_column_text(statement_, column);
  if (text == nullptr) return "";
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(statement_, column)));
}

bool SqliteStatement::column_is_null(int column) const {
  return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

// ---- SqliteDb -------------------------------------------------------------------------------

SqliteDb::SqliteDb(const std::string& path) : path_(path) {
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw SqliteError(path + ": cannot open database: " + message);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, 5000);
  try {
    // journal_mode is the first statement to read the file: a non-database fails here.
    exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
  } catch (...) {
    sqlite3_close(db_);
    throw;
  }
}

SqliteDb::~SqliteDb() { sqlite3_close_v2(db_); }

void SqliteDb::fail(const std::string& what) const {
  throw SqliteError(path_ + ": " + what + ": " + sqlite3_errmsg(db_));
}

void SqliteDb::exec(const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    const std::string message = error ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    throw SqliteError(path_ + ": " + message + " (in: " + sql.substr(0, 200) + ")");
  }
}

SqliteStatement SqliteDb::prepare(const std::string& sql) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &statement, nullptr) !=
      SQLITE_OK) {
    fail("cannot prepare \"" + sql.substr(0, 200) + "\"");
  }
  return SqliteStatement(statement, path_);
}

int64_t SqliteDb::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

namespace {

void check_migration_list(const std::string& component,
                          const std::vector<SqliteMigration>& migrations) {
  for (size_t i = 0; i < migrations.size(); i++) {
    if (migrations[i].version == static_cast<int>(i) + 1) continue;
    throw std::logic_error("schema migrations of '" + component + "' must be numbered 1.." +
                           std::to_string(migrations.size()) + " in order; entry " +
                           std::to_string(i) + " has version " +
                           std::to_string(migrations[i].version));
  }
}

}  // namespace

int SqliteDb::schema_version(const std::string& component) {
  exec(
      "CREATE TABLE IF NOT EXISTS schema_versions (component TEXT PRIMARY KEY, "
      "version INTEGER NOT NULL, updated_at TEXT NOT NULL)");
  SqliteStatement query = prepare("SELECT version FROM schema_versions WHERE component = ?");
  query.bind_text(1, component);
  return query.step() ? static_cast<int>(query.column_int64(0)) : 0;
}

void SqliteDb::migrate(const std::string& component,
                       const std::vector<SqliteMigration>& migrations) {
  check_migration_list(component, migrations);
  const int known = static_cast<int>(migrations.size());
  schema_version(component);  // creates schema_versions outside the transaction below
  SqliteTransaction transaction(*this);
  const int current = schema_version(component);  // re-read under the write lock
  if (current > known) {
    throw SqliteError(path_ + ": the " + component + " schema in this database is version " +
                      std::to_string(current) + ", newer than this tunedeck knows (up to " +
                      std::to_string(known) +
                      "); it was written by a newer tunedeck. Upgrade tunedeck, or use another "
                      "database file.");
  }
  if (current == known) return;  // nothing to do; the transaction rolls back harmlessly
  for (const SqliteMigration& migration : migrations) {
    if (migration.version <= current) continue;
    try {
      exec(migration.sql);
    } catch (const SqliteError& e) {
      throw SqliteError(std::string(e.what()) + " [migrating " + component + " to version " +
                        std::to_string(migration.version) + ": " + migration.description + "]");
    }
  }
  SqliteStatement record = prepare(
      "INSERT INTO schema_versions (component, version, updated_at) "
      "VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) "
      "ON CONFLICT(component) DO UPDATE SET version = excluded.version, "
      "updated_at = excluded.updated_at");
  record.bind_text(1, component).bind_int64(2, known).run();
  transaction.commit();
}

// ---- SqliteTransaction ----------------------------------------------------------------------

SqliteTransaction::SqliteTransaction(SqliteDb& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }

SqliteTransaction::~SqliteTransaction() {
  if (done_) return;
  sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);  // never throws here
}

void SqliteTransaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

std::string sqlite_db_make_folder(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (path != ":memory:" && !parent.empty()) {
    std::error_code error;
    std::filesystem::create_directories(parent, error);
    if (error) {
      throw SqliteError(path + ": cannot create the folder " + parent.string() + ": " +
                        error.message());
    }
  }
  return path;
}

}  // namespace tunedeck
