// StatsSampler: collects a StatsSnapshot (NVML, the torch allocator through a provider, /proc,
// MemoryAccounting) on its own thread every interval into a ring buffer. Never draws.
// Thread rules: any method from any thread. Readers (latest, history) take only a short lock to
// copy and never wait for NVML. Sampling (the thread, sample_once) is serialised.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/stats/memory_accounting.h"
#include "core/stats/nvml_source.h"
#include "core/stats/proc_stats.h"
#include "core/stats/stats_snapshot.h"

namespace tunedeck {

struct StatsSamplerOptions {
  std::chrono::milliseconds interval{1000};  // time between samples on the thread
  size_t history_capacity = 600;             // snapshots kept (600 at 1 s = 10 minutes)
  std::string nvml_library;  // [stats] nvml_library; "" = $TUNEDECK_NVML_LIBRARY or the default
};

// Returns the CUDA caching allocator's figures with available = true. Called on the sampling
// thread; may throw (recorded in the snapshot's error, allocator.available stays false).
using AllocatorStatsProvider = std::function<AllocatorStats()>;
// Returns the CPU block cache's figures (cpu_block_cache_stats); same rules as above.
using CpuCacheStatsProvider = std::function<CpuBlockCacheStats()>;

class StatsSampler {
 public:
  // `accounting` must outlive the sampler. Throws std::invalid_argument naming the option when
  // interval <= 0 or history_capacity == 0. NVML is opened at the first sample, not here.
  explicit StatsSampler(const MemoryAccounting& accounting, StatsSamplerOptions options = {});
  ~StatsSampler();  // stop()
  StatsSampler(const StatsSampler&) = delete;
  StatsSampler& operator=(const StatsSampler&) = delete;

  // Installs (or with {} removes) the allocator provider; used from the next sample on.
  void set_allocator_provider(AllocatorStatsProvider provider);
  void set_cpu_cache_provider(CpuCacheStatsProvider provider);  // likewise

  // Starts the thread: a sample at once, then one every interval. No-op when already running.
  void start();
  // Wakes and joins the thread; returns once a sample in progress (if any) has finished.
  // The history is kept; start() may be called again.
  void stop();
  bool running() const;

  // Samples now on the calling thread, adds it to the history and returns it.
  StatsSnapshot sample_once();

  // The newest snapshot; sequence == 0 when nothing was sampled yet.
  StatsSnapshot latest() const;
  // The newest `max_count` snapshots (at most history_capacity), oldest first.
  std::vector<StatsSnapshot> history(size_t max_count = std::numeric_limits<size_t>::max()) const;

 private:
  StatsSnapshot collect();  // REQUIRES: sample_mutex_ held
  void sample_gpu(StatsSnapshot& snapshot);
  // Calls `provider` (read under provider_mutex_) into `out`; a throw leaves `out` default and
  // is recorded in the snapshot's error, prefixed with `what`.
  template <typename Stats>
  void sample_provider(const std::function<Stats()>& provider, Stats& out, const char* what,
                       StatsSnapshot& snapshot);
  void publish(const StatsSnapshot& snapshot);
  void run();               // the thread's body
  void sample_on_thread();  // sample_once, turning exceptions into a snapshot

  const MemoryAccounting& accounting_;
  const StatsSamplerOptions options_;

  std::mutex sample_mutex_;  // serialises sampling; held through NVML calls
  std::unique_ptr<NvmlSource> nvml_;
  uint64_t next_sequence_ = 1;
  std::vector<ThreadTimes> last_threads_;  // the previous snapshot's, for thread CPU use
  std::chrono::steady_clock::time_point last_threads_at_;

  std::mutex provider_mutex_;
  AllocatorStatsProvider allocator_provider_;
  CpuCacheStatsProvider cpu_cache_provider_;

  mutable std::mutex published_mutex_;  // the ring: held only to copy in or out
  std::vector<StatsSnapshot> ring_;     // capacity slots, filled in order, then overwritten
  size_t ring_next_ = 0;                // slot the next snapshot goes to
  size_t ring_size_ = 0;                // slots holding a snapshot

  mutable std::mutex control_mutex_;  // the thread's start/stop state
  std::condition_variable wake_;
  bool stop_requested_ = false;
  std::thread thread_;
};

}  // namespace tunedeck
