#include "train/run_log.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "agent/memory.h"

namespace tunedeck {

// ---- Schema ---------------------------------------------------------------------------------

// The run_log component's schema steps. Append new steps; never edit a released one.
// The loss-like columns are nullable: sqlite stores a NaN as NULL, and a diverged run's NaN loss
// must still be logged.
std::vector<SqliteMigration> RunLog::migrations() {
  return {
      {1, "runs and their per-step metrics", R"(
CREATE TABLE runs (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL,
  method        TEXT NOT NULL CHECK (method IN ('lora', 'full')),
  status        TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed', 'cancelled')),
  config_toml   TEXT NOT NULL DEFAULT '',
  output_dir    TEXT NOT NULL DEFAULT '',
  template_hash TEXT NOT NULL DEFAULT '',
  total_steps   INTEGER NOT NULL DEFAULT 0,
  pid           INTEGER NOT NULL DEFAULT 0,
  host          TEXT NOT NULL DEFAULT '',
  started_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  finished_at   TEXT,
  error         TEXT NOT NULL DEFAULT '',
  summary_json  TEXT
);
CREATE TABLE metrics (
  id           INTEGER PRIMARY KEY,
  run_id       INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step         INTEGER NOT NULL,
  epoch        INTEGER NOT NULL DEFAULT 0,
  loss         REAL,
  lr           REAL,
  grad_norm    REAL,
  tokens_per_s REAL,
  eval_loss    REAL,
  memory_bytes INTEGER NOT NULL DEFAULT 0,
  elapsed_s    REAL,
  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX metrics_by_run_step ON metrics(run_id, step);
)"},
  };
}

namespace {

const char kNow[] = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

// The path, its folder made (see sqlite_db_make_folder).
std::string prepared_path(const std::string& path) {
  if (path.empty()) throw std::invalid_argument("run log database path is empty");
  return sqlite_db_make_folder(path);
}

std::string host_name() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "";
  return name;
}

// NULL (how sqlite stores a NaN) reads back as NaN.
double column_double_or_nan(const SqliteStatement& row, int column) {
  if (row.column_is_null(column)) return std::numeric_limits<double>::quiet_NaN();
  return row.column_double(column);
}

std::optional<double> column_optional_double(const SqliteStatement& row, int column) {
  if (row.column_is_null(column)) return std::nullopt;
  return row.column_double(column);
}

// Columns of read_run(), in order.
const char kRunColumns[] =
    "id, name, method, status, config_toml, output_dir, template_hash, total_steps, pid, host, "
    "started_at, updated_at, finished_at, error, summary_json, "
    "(SELECT step FROM metrics WHERE run_id = runs.id ORDER BY step DESC, id DESC LIMIT 1), "
    "(SELECT loss FROM metrics WHERE run_id = runs.id ORDER BY step DESC, id DESC LIMIT 1)";

}  // namespace

// ---- Opening --------------------------------------------------------------------------------

RunLog::RunLog(const std::string& path)
    : db_(std::make_unique<SqliteDb>(prepared_path(path))), this_host_(host_name()) {
  db_->migrate("run_log", migrations());
}

RunLog RunLog::open(const std::string& path) { return RunLog(path); }

// ---- Writing --------------------------------------------------------------------------------

int64_t RunLog::start_run(const RunStart& start) {
  if (start.method != "lora" && start.method != "full") {
    throw std::invalid_argument("run method '" + start.method +
                                "' is not one of \"lora\", \"full\"");
  }
  SqliteStatement insert = db_->prepare(
      "INSERT INTO runs (name, method, status, config_toml, output_dir, template_hash, "
      "total_steps, pid, host) VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?)");
  insert.bind_text(1, start.name)
      .bind_text(2, start.method)
      .bind_text(3, start.config_toml)
      .bind_text(4, start.output_dir)
      .bind_text(5, start.template_hash)
      .bind_int64(6, start.total_steps)
      .bind_int64(7, start.pid != 0 ? start.pid : static_cast<int64_t>(getpid()))
      .bind_text(8, start.host.empty() ? this_host_ : start.host)
      .run();
  return db_->last_insert_rowid();
}

void RunLog::require_run(int64_t run_id) {
  SqliteStatement query = db_->prepare("SELECT 1 FROM runs WHERE id = ?");
  query.bind_int64(1, run_id);
  if (!query.step()) {
    throw std::invalid_argument("no run " + std::to_string(run_id) + " in " + path());
  }
}

void RunLog::touch_run(int64_t run_id) {
  require_run(run_id);
  db_->prepare(std::string("UPDATE runs SET updated_at = ") + kNow + " WHERE id = ?")
      .bind_int64(1, run_id)
      .run();
}

void RunLog::log_metrics(int64_t run_id, const RunMetrics& m) {
  SqliteTransaction transaction(*db_);
  touch_run(run_id);
  SqliteStatement insert = db_->prepare(
      "INSERT INTO metrics (run_id, step, epoch, loss, lr, grad_norm, tokens_per_s, eval_loss, "
      "memory_bytes, elapsed_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  insert.bind_int64(1, run_id)
      .bind_int64(2, m.step)
      .bind_int64(3, m.epoch)
      .bind_double(4, m.loss)
      .bind_double(5, m.lr)
      .bind_double(6, m.grad_norm)
      .bind_double(7, m.tokens_per_s)
      .bind_int64(9, m.memory_bytes)
      .bind_double(10, m.elapsed_s);
  if (m.eval_loss)
    insert.bind_double(8, *m.eval_loss);
  else
    insert.bind_null(8);
  insert.run();
  transaction.commit();
}

void RunLog::set_summary(int64_t run_id, const nlohmann::json& summary) {
  SqliteTransaction transaction(*db_);
  touch_run(run_id);
  db_->prepare("UPDATE runs SET summary_json = ? WHERE id = ?")
      .bind_text(1, summary.dump())
      .bind_int64(2, run_id)
      .run();
  transaction.commit();
}

void RunLog::finish_run(int64_t run_id, const std::string& status, const std::string& error) {
  if (status != "finished" && status != "failed" && status != "cancelled") {
    throw std::invalid_argument("run " + std::to_string(run_id) + ": final status '" + status +
                                "' is not one of \"finished\", \"failed\", \"cancelled\"");
  }
  SqliteTransaction transaction(*db_);
  touch_run(run_id);
  db_->prepare(std::string("UPDATE runs SET status = ?, error = ?, finished_at = ") + kNow +
               " WHERE id = ?")
      .bind_text(1, status)
      .bind_text(2, error)
      .bind_int64(3, run_id)
      .run();
  transaction.commit();
}

// ---- Reading --------------------------------------------------------------------------------

// A run recorded as running whose process is gone from this host. Another host's process cannot
// be checked, so its run stays "running".
bool RunLog::is_stale(const RunInfo& run) const {
  if (run.status != "running" || run.pid <= 0 || run.host != this_host_) return false;
  return kill(static_cast<pid_t>(run.pid), 0) != 0 && errno == ESRCH;
}

RunInfo RunLog::read_run(const SqliteStatement& row) const {
  RunInfo run;
  run.id = row.column_int64(0);
  run.name = row.column_text(1);
  run.method = row.column_text(2);
  run.status = row.column_text(3);
  run.config_toml = row.column_text(4);
  run.output_dir = row.column_text(5);
  run.template_hash = row.column_text(6);
  run.total_steps = row.column_int64(7);
  run.pid = row.column_int64(8);
  run.host = row.column_text(9);
  run.started_at = row.column_text(10);
  run.updated_at = row.column_text(11);
  run.finished_at = row.column_text(12);
  run.error = row.column_text(13);
  if (!row.column_is_null(14)) {
    try {
      run.summary = nlohmann::json::parse(row.column_text(14));
    } catch (const nlohmann::json::parse_error& e) {
      throw SqliteError(path() + ": run " + std::to_string(run.id) +
                        " has a summary_json that is not JSON: " + e.what());
    }
  }
  if (!row.column_is_null(15)) run.last_step = row.column_int64(15);
  run.last_loss = column_optional_double(row, 16);
  if (is_stale(run)) run.status = "stale";
  return run;
}

std::vector<RunInfo> RunLog::list_runs(int limit) {
  SqliteStatement query =
      db_->prepare(std::string("SELECT ") + kRunColumns + " FROM runs ORDER BY id DESC LIMIT ?");
  query.bind_int64(1, limit > 0 ? limit : -1);  // sqlite: a negative LIMIT means none
  std::vector<RunInfo> runs;
  while (query.step()) runs.push_back(read_run(query));
  return runs;
}

std::optional<RunInfo> RunLog::get_run(int64_t run_id) {
  SqliteStatement query =
      db_->prepare(std::string("SELECT ") + kRunColumns + " FROM runs WHERE id = ?");
  query.bind_int64(1, run_id);
  if (!query.step()) return std::nullopt;
  return read_run(query);
}

std::vector<RunMetrics> RunLog::metrics(int64_t run_id, int64_t after_step) {
  SqliteStatement query = db_->prepare(
      "SELECT id, step, epoch, loss, lr, grad_norm, tokens_per_s, eval_loss, memory_bytes, "
      "elapsed_s, created_at FROM metrics WHERE run_id = ? AND step > ? ORDER BY step, id");
  query.bind_int64(1, run_id).bind_int64(2, after_step);
  std::vector<RunMetrics> rows;
  while (query.step()) {
    RunMetrics m;
    m.id = query.column_int64(0);
    m.step = query.column_int64(1);
    m.epoch = static_cast<int>(query.column_int64(2));
    m.loss = column_double_or_nan(query, 3);
    m.lr = column_double_or_nan(query, 4);
    m.grad_norm = column_double_or_nan(query, 5);
    m.tokens_per_s = column_double_or_nan(query, 6);
    m.eval_loss = column_optional_double(query, 7);
    m.memory_bytes = query.column_int64(8);
    m.elapsed_s = column_double_or_nan(query, 9);
    m.created_at = query.column_text(10);
    rows.push_back(m);
  }
  return rows;
}

}  // namespace tunedeck
