// The training run log: one row per run (what ran, where, its status and pre-flight report) and
// one row per logged step (loss, lr, grad norm, tokens/s, eval loss, memory), kept in the same
// sqlite file as memory under its own "run_log" schema. Every write commits at once, so another
// process (`tunedeck runs watch`, the app's training pane) sees it as it happens.
// Not the trainer, and not the in-process progress channel (that is TrainProgress).
// Thread rules: one RunLog per thread (it is one connection); other threads and processes open
// their own on the same file (WAL: readers never block the writer; a writer waits up to 5 s).
#pragma once
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/sqlite_db.h"

namespace tunedeck {

// What start_run() records about a new run.
struct RunStart {
  std::string name;
  std::string method;       // "lora" or "full"
  std::string config_toml;  // the config file's text, as run
  std::string output_dir;
  std::string template_hash;  // hash of the rendered chat template
  int64_t total_steps = 0;
  int64_t pid = 0;   // the training process; 0: this process
  std::string host;  // where it runs; "": this machine's host name
};

// The figures of one training step: what the run log stores (RunMetrics) and the trainer
// publishes as it goes (TrainProgress, train/trainer.h).
struct StepFigures {
  int64_t step = 0;
  int epoch = 0;
  double loss = 0;
  double lr = 0;
  double grad_norm = 0;
  double tokens_per_s = 0;
  std::optional<double> eval_loss;  // on steps that evaluated (TrainProgress: the latest)
  double elapsed_s = 0;             // since the run (or its resume) started
};

// One logged step. A NaN loss, lr, grad norm, tokens/s or elapsed time (a diverged run) is kept
// and read back as NaN; a NaN eval loss reads back as none.
struct RunMetrics : StepFigures {
  int64_t id = 0;  // set by the database, increasing in log order; ignored by log_metrics()
  int64_t memory_bytes = 0;
  std::string created_at;  // set by the database: UTC, "2027-01-04T09:30:00.123Z"
};

struct RunInfo {
  int64_t id = 0;
  std::string name;
  std::string method;
  // "running", "finished", "failed", "cancelled"; or "stale": recorded as running, but its pid
  // no longer exists on this host (the process was killed). Stale is reported, never stored.
  std::string status;
  std::string config_toml;
  std::string output_dir;
  std::string template_hash;
  int64_t total_steps = 0;
  int64_t pid = 0;
  std::string host;
  std::string started_at;           // UTC, like RunMetrics::created_at
  std::string updated_at;           // the last write to the run or its metrics
  std::string finished_at;          // "" while running
  std::string error;                // "" unless failed (or cancelled with a reason)
  nlohmann::json summary;           // the pre-flight report; null until set_summary()
  int64_t last_step = -1;           // the newest logged step; -1: none yet
  std::optional<double> last_loss;  // that step's loss (none when NaN or no step yet)
};

class RunLog {
 public:
  // Opens or creates the database (and its parent folders) and brings the run_log schema up to
  // date. Throws SqliteError naming the file when it cannot be opened, is not a database, or
  // holds a run_log schema newer than this build knows.
  static RunLog open(const std::string& path);
  // The run_log component's schema steps, oldest first (see SqliteDb::migrate).
  static std::vector<SqliteMigration> migrations();

  RunLog(RunLog&&) noexcept = default;
  RunLog& operator=(RunLog&&) noexcept = default;

  const std::string& path() const { return db_->path(); }

  // Records a run with status "running" and returns its id. Throws std::invalid_argument when
  // the method is not "lora" or "full".
  int64_t start_run(const RunStart& start);
  // Appends one step's metrics and commits. Steps are logged in non-decreasing order; a step may
  // be logged twice (the trainer's final eval at the last step). Throws std::invalid_argument
  // for an unknown run.
  void log_metrics(int64_t run_id, const RunMetrics& metrics);
  // Stores the pre-flight report (replacing an earlier one). Throws for an unknown run.
  void set_summary(int64_t run_id, const nlohmann::json& summary);
  // Ends the run: status "finished", "failed" or "cancelled", with the error ("" for none).
  // Throws std::invalid_argument for another status or an unknown run.
  void finish_run(int64_t run_id, const std::string& status, const std::string& error = "");

  // The newest `limit` runs, newest first (limit <= 0: all).
  std::vector<RunInfo> list_runs(int limit = 20);
  std::optional<RunInfo> get_run(int64_t run_id);
  // The run's metrics with step > after_step, by step, then in log order. To follow a live run
  // without missing a step logged twice, ask again with after_step = the last step seen - 1 and
  // skip the ids already seen.
  std::vector<RunMetrics> metrics(int64_t run_id, int64_t after_step = -1);

 private:
  explicit RunLog(const std::string& path);
  void require_run(int64_t run_id);  // throws std::invalid_argument naming the id and the file
  void touch_run(int64_t run_id);    // updated_at = now; throws for an unknown run
  RunInfo read_run(const SqliteStatement& row) const;
  bool is_stale(const RunInfo& run) const;

  std::unique_ptr<SqliteDb> db_;  // a pointer so that a RunLog can be moved
  std::string this_host_;
};

}  // namespace tunedeck
