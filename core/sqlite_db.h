// A thin RAII layer over one sqlite connection: open (WAL), exec, prepared statements,
// transactions, and versioned schema migrations per component ("memory", "run_log", ...), so
// memory (agent/) and the training run log (train/) share one database file, each owning its
// tables. Not an ORM and not a connection pool.
// Thread rules: one SqliteDb (and its statements) per thread; open another SqliteDb on the same
// file in another thread or process (WAL: readers never block the writer; writers wait up to the
// busy timeout). Every error is a SqliteError naming the file and sqlite's message.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace tunedeck {

class SqliteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A prepared statement. Bind parameters are 1-based, columns 0-based (sqlite's convention).
// Valid while its SqliteDb lives. Move-only.
class SqliteStatement {
 public:
  SqliteStatement(sqlite3_stmt* statement, std::string db_path);
  ~SqliteStatement();
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  SqliteStatement& bind_int64(int index, int64_t value);
  SqliteStatement& bind_double(int index, double value);
  SqliteStatement& bind_text(int index, const std::string& value);
  SqliteStatement& bind_null(int index);

  // Advances to the next row: true when a row is ready, false when the statement is done.
  bool step();
  // Steps to the end, for statements that return no rows.
  void run();
  // Makes the statement runnable again with new bindings (old bindings are cleared).
  void reset();

  int64_t column_int64(int column) const;
  double column_double(int column) const;
  std::string column_text(int column) const;  // "" for NULL
  bool column_is_null(int column) const;

 private:
  [[noreturn]] void fail(const std::string& what) const;
  sqlite3_stmt* statement_ = nullptr;
  std::string db_path_;
};

// One schema step of a component. Versions of a component's list run 1, 2, 3, ... in order.
struct SqliteMigration {
  int version = 0;
  std::string description;  // one line: what the step adds
  std::string sql;          // one or more statements, run in the migration's transaction
};

class SqliteDb {
 public:
  // Opens or creates the file (the parent folder must exist; ":memory:" works too) with
  // journal_mode=WAL, synchronous=NORMAL (a committed transaction survives a killed process;
  // the last ones may be lost on power failure), foreign_keys=ON, busy timeout 5 s.
  explicit SqliteDb(const std::string& path);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  const std::string& path() const { return path_; }
  sqlite3* handle() { return db_; }

  // Runs one or more statements that return no rows.
  void exec(const std::string& sql);
  SqliteStatement prepare(const std::string& sql);
  int64_t last_insert_rowid() const;

  // Brings `component` up to the last version in `migrations`, applying the missing steps in
  // one immediate transaction (so two processes opening at once migrate once). Versions live in
  // the table schema_versions(component, version, updated_at). Throws SqliteError naming the
  // file and both versions when the database holds a newer version than `migrations` knows.
  // REQUIRES: migrations numbered 1..N in order.
  void migrate(const std::string& component, const std::vector<SqliteMigration>& migrations);
  // The component's version in this database; 0 when it has never been migrated.
  int schema_version(const std::string& component);

 private:
  [[noreturn]] void fail(const std::string& what) const;
  sqlite3* db_ = nullptr;
  std::string path_;
};

// Creates the folder `path` lives in (":memory:" and a bare file name need none) and returns
// `path`, for opening a database whose folder may not exist yet. Throws SqliteError naming the
// folder when it cannot be made.
std::string sqlite_db_make_folder(const std::string& path);

// BEGIN IMMEDIATE ... COMMIT; rolls back in the destructor unless commit() was called (an
// exception leaves the database as it was before the transaction).
class SqliteTransaction {
 public:
  explicit SqliteTransaction(SqliteDb& db);
  ~SqliteTransaction();
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;
  void commit();

 private:
  SqliteDb& db_;
  bool done_ = false;
};

}  // namespace tunedeck
