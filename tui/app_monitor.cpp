#include "tui/app_monitor.h"

#include "core/stats/proc_stats.h"
#include "train/run_log.h"

namespace tunedeck {
namespace {

constexpr size_t kStatsHistory = 120;  // snapshots the GPU pane's sparklines span
constexpr int kRecentRuns = 5;
constexpr std::chrono::seconds kReopenDelay{5};  // between tries to open a broken run log

// What makes a list of runs look different on screen.
std::string runs_key(const std::vector<RunInfo>& runs) {
  std::string key;
  for (const RunInfo& run : runs)
    key +=
        std::to_string(run.id) + run.status + std::to_string(run.last_step) + run.updated_at + ";";
  return key;
}

}  // namespace

AppMonitor::AppMonitor(StatsSampler& sampler, std::string run_log_path, AppEventQueue& events,
                       std::chrono::milliseconds interval)
    : sampler_(sampler),
      events_(events),
      interval_(interval),
      run_log_path_(std::move(run_log_path)) {}

AppMonitor::~AppMonitor() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void AppMonitor::start() {
  thread_ = std::thread([this] {
    proc_stats_name_this_thread("td-monitor");
    run();
  });
}

void AppMonitor::watch(int64_t run_id) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    watched_ = run_id;
    watch_changed_ = true;
  }
  wake_.notify_all();
}

void AppMonitor::set_run_log(const std::string& path) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (path == run_log_path_) return;
    run_log_path_ = path;
    run_log_changed_ = true;
  }
  wake_.notify_all();
}

void AppMonitor::run() {
  std::unique_ptr<RunLog> log;
  while (true) {
    look(log);
    std::unique_lock<std::mutex> lock(mutex_);
    // Quick looks until the sampler's first snapshot is in: the GPU pane fills at once.
    const auto wait = last_stats_sequence_ == 0 ? std::chrono::milliseconds(100) : interval_;
    wake_.wait_for(lock, wait, [this] { return stop_ || watch_changed_ || run_log_changed_; });
    if (stop_) return;
  }
}

// Exceptions stop here: a run log that cannot be read is shown in the training pane.
void AppMonitor::look(std::unique_ptr<RunLog>& log) {
  look_at_stats();
  std::string path;
  int64_t run_id;
  bool reset;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (run_log_changed_) {
      log.reset();
      next_open_try_ = {};
      run_log_changed_ = false;
      last_runs_key_.clear();
    }
    path = run_log_path_;
    run_id = watched_;
    reset = watch_changed_;
    watch_changed_ = false;
  }
  try {
    if (!log) {
      if (std::chrono::steady_clock::now() < next_open_try_) return;
      next_open_try_ = std::chrono::steady_clock::now() + kReopenDelay;
      log = std::make_unique<RunLog>(RunLog::open(path));
    }
    look_at_runs(*log);
    if (run_id > 0) look_at_watched(*log, run_id, reset);
    last_error_.clear();
  } catch (const std::exception& e) {
    log.reset();
    if (e.what() == last_error_) return;
    last_error_ = e.what();
    AppEvent event;
    event.kind = AppEventKind::kRuns;
    event.ok = false;
    event.text = e.what();
    events_.push(std::move(event));
  }
}

void AppMonitor::look_at_stats() {
  if (sampler_.latest().sequence == last_stats_sequence_) return;
  AppEvent event;
  event.kind = AppEventKind::kStats;
  event.stats = sampler_.history(kStatsHistory);
  if (event.stats.empty()) return;
  last_stats_sequence_ = event.stats.back().sequence;
  events_.push(std::move(event));
}

void AppMonitor::look_at_runs(RunLog& log) {
  std::vector<RunInfo> runs = log.list_runs(kRecentRuns);
  const std::string key = runs_key(runs);
  if (key == last_runs_key_) return;
  last_runs_key_ = key;
  AppEvent event;
  event.kind = AppEventKind::kRuns;
  event.runs = std::move(runs);
  events_.push(std::move(event));
}

// New metric rows since the last look: by step from one before the last step seen (a step may
// be logged twice), skipping rows already sent (their ids only grow).
void AppMonitor::look_at_watched(RunLog& log, int64_t run_id, bool reset) {
  if (reset) {
    last_step_ = -1;
    last_metric_id_ = 0;
    last_run_key_.clear();
  }
  std::optional<RunInfo> run = log.get_run(run_id);
  if (!run) {
    if (!reset) return;
    AppEvent event;
    event.kind = AppEventKind::kNotice;
    event.ok = false;
    event.text = "no run " + std::to_string(run_id) + " in the run log " + log.path() +
                 " (tunedeck runs lists them)";
    events_.push(std::move(event));
    return;
  }
  if (reset) {  // said only once the run is found: a missing one gets the notice above instead
    AppEvent found;
    found.kind = AppEventKind::kNotice;
    found.text = "following run " + std::to_string(run_id) + " (" + run->name + ", " + run->status +
                 ") in the run log";
    events_.push(std::move(found));
  }
  AppEvent event;
  event.kind = AppEventKind::kRunMetrics;
  event.reset = reset;
  for (RunMetrics& m : log.metrics(run_id, last_step_ - 1)) {
    if (m.id <= last_metric_id_) continue;
    last_metric_id_ = m.id;
    last_step_ = std::max(last_step_, m.step);
    event.metrics.push_back(std::move(m));
  }
  const std::string run_key = run->status + run->updated_at;
  if (!reset && event.metrics.empty() && run_key == last_run_key_) return;
  last_run_key_ = run_key;
  event.run = std::move(*run);
  events_.push(std::move(event));
}

}  // namespace tunedeck
