// The app's watcher thread: every interval it copies the stats sampler's history and reads the
// run log (the newest runs; new metrics of the watched run, whichever process writes them) and
// posts what changed as events. The UI thread never waits on sqlite or the sampler.
// Not the stats sampler (core/stats/stats_sampler.h) nor the run log (train/run_log.h).
// Thread rules: public methods from any thread; the run log connection lives on the thread.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/stats/stats_sampler.h"
#include "tui/app_event_queue.h"

namespace tunedeck {

class RunLog;  // train/run_log.h

class AppMonitor {
 public:
  // `sampler` and `events` must outlive the monitor. `run_log_path` is the database to read.
  AppMonitor(StatsSampler& sampler, std::string run_log_path, AppEventQueue& events,
             std::chrono::milliseconds interval = std::chrono::milliseconds(1000));
  ~AppMonitor();  // stops and joins
  AppMonitor(const AppMonitor&) = delete;
  AppMonitor& operator=(const AppMonitor&) = delete;

  void start();
  // Follows `run_id` (0: none) from the next look on; wakes the thread.
  void watch(int64_t run_id);
  // Reads another run log database from the next look on (a config's [run] db).
  void set_run_log(const std::string& path);

 private:
  void run();
  void look(std::unique_ptr<RunLog>& log);  // one round: stats, runs, watched run
  void look_at_stats();
  void look_at_runs(RunLog& log);
  void look_at_watched(RunLog& log, int64_t run_id, bool reset);

  StatsSampler& sampler_;
  AppEventQueue& events_;
  const std::chrono::milliseconds interval_;

  std::mutex mutex_;  // the fields below, held only to read or set them
  std::condition_variable wake_;
  bool stop_ = false;
  std::string run_log_path_;
  bool run_log_changed_ = true;
  int64_t watched_ = 0;
  bool watch_changed_ = false;

  // Thread-only state.
  uint64_t last_stats_sequence_ = 0;
  std::string last_runs_key_;
  int64_t last_step_ = -1;
  int64_t last_metric_id_ = 0;
  std::string last_run_key_;
  std::string last_error_;
  std::chrono::steady_clock::time_point next_open_try_{};
  std::thread thread_;
};

}  // namespace tunedeck
