#include "core/stats/stats_sampler.h"

#include <signal.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/stats/proc_stats.h"

namespace tunedeck {
namespace {

double thread_cpu_us() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec * 1e6 + now.tv_nsec / 1e3;
}

void append_error(StatsSnapshot& snapshot, const std::string& error) {
  if (!snapshot.error.empty()) snapshot.error += "; ";
  snapshot.error += error;
}

}  // namespace

StatsSampler::StatsSampler(const MemoryAccounting& accounting, StatsSamplerOptions options)
    : accounting_(accounting), options_(std::move(options)) {
  if (options_.interval.count() <= 0)
    throw std::invalid_argument("stats sampler: interval must be > 0 ms, got " +
                                std::to_string(options_.interval.count()));
  if (options_.history_capacity == 0)
    throw std::invalid_argument("stats sampler: history_capacity must be > 0");
  ring_.resize(options_.history_capacity);
}

StatsSampler::~StatsSampler() { stop(); }

void StatsSampler::set_allocator_provider(AllocatorStatsProvider provider) {
  std::lock_guard<std::mutex> lock(provider_mutex_);
  allocator_provider_ = std::move(provider);
}

void StatsSampler::set_cpu_cache_provider(CpuCacheStatsProvider provider) {
  std::lock_guard<std::mutex> lock(provider_mutex_);
  cpu_cache_provider_ = std::move(provider);
}

void StatsSampler::start() {
  std::lock_guard<std::mutex> lock(control_mutex_);
  if (thread_.joinable()) return;
  stop_requested_ = false;
  // The thread takes no signals (SIGINT, SIGWINCH belong to the UI thread): block them all while
  // it is created, since a new thread inherits the creator's mask.
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &previous);
  thread_ = std::thread([this] {
    proc_stats_name_this_thread("td-stats");
    run();
  });
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

void StatsSampler::stop() {
  std::thread finishing;
  {
    std::lock_guard<std::mutex> lock(control_mutex_);
    if (!thread_.joinable()) return;
    stop_requested_ = true;
    finishing = std::move(thread_);
  }
  wake_.notify_all();
  finishing.join();
}

bool StatsSampler::running() const {
  std::lock_guard<std::mutex> lock(control_mutex_);
  return thread_.joinable();
}

void StatsSampler::run() {
  auto next_sample = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lock(control_mutex_);
  while (!stop_requested_) {
    lock.unlock();
    sample_on_thread();
    lock.lock();
    // Keep the cadence; after a stall (suspend, slow driver) start again from now.
    next_sample += options_.interval;
    auto now = std::chrono::steady_clock::now();
    if (next_sample < now) next_sample = now + options_.interval;
    wake_.wait_until(lock, next_sample, [this] { return stop_requested_; });
  }
}

// An exception must not leave the thread (std::terminate): it becomes a snapshot saying so.
void StatsSampler::sample_on_thread() {
  std::string error;
  try {
    sample_once();
    return;
  } catch (const std::exception& e) {
    error = std::string("stats sampling failed: ") + e.what();
  } catch (...) {
    error = "stats sampling failed: unknown exception";
  }
  StatsSnapshot failed;
  failed.timestamp = std::chrono::system_clock::now();
  failed.gpu_status = "unavailable: sampling failed";
  failed.error = error;
  {
    std::lock_guard<std::mutex> lock(sample_mutex_);
    failed.sequence = next_sequence_++;
  }
  publish(failed);
}

StatsSnapshot StatsSampler::sample_once() {
  std::lock_guard<std::mutex> lock(sample_mutex_);
  StatsSnapshot snapshot = collect();
  publish(snapshot);
  return snapshot;
}

StatsSnapshot StatsSampler::collect() {
  double cpu_start_us = thread_cpu_us();
  StatsSnapshot snapshot;
  snapshot.sequence = next_sequence_++;
  snapshot.timestamp = std::chrono::system_clock::now();
  sample_gpu(snapshot);
  sample_provider(allocator_provider_, snapshot.allocator, "allocator stats", snapshot);
  sample_provider(cpu_cache_provider_, snapshot.cpu_cache, "CPU block cache stats", snapshot);
  snapshot.process = proc_stats_read_process();
  const auto threads_at = std::chrono::steady_clock::now();
  std::vector<ThreadTimes> threads = proc_stats_read_threads();
  if (!last_threads_.empty())
    snapshot.thread_cpu =
        proc_stats_thread_cpu(last_threads_, threads,
                              std::chrono::duration<double>(threads_at - last_threads_at_).count());
  last_threads_ = std::move(threads);
  last_threads_at_ = threads_at;
  snapshot.system = proc_stats_read_system();
  snapshot.accounting = accounting_.snapshot();
  snapshot.sample_cpu_us = std::round((thread_cpu_us() - cpu_start_us) * 10) / 10;  // 0.1 us
  return snapshot;
}

void StatsSampler::sample_gpu(StatsSnapshot& snapshot) {
  try {
    if (!nvml_)
      nvml_ = std::make_unique<NvmlSource>(NvmlSource::library_path(options_.nvml_library));
    nvml_->sample(snapshot);
  } catch (const std::exception& e) {
    snapshot.gpus.clear();
    snapshot.gpu_status = std::string("unavailable: ") + e.what();
  }
}

template <typename Stats>
void StatsSampler::sample_provider(const std::function<Stats()>& provider, Stats& out,
                                   const char* what, StatsSnapshot& snapshot) {
  std::function<Stats()> call;
  {
    std::lock_guard<std::mutex> lock(provider_mutex_);
    call = provider;
  }
  if (!call) return;  // out keeps its default: available / installed == false
  try {
    out = call();
  } catch (const std::exception& e) {
    out = Stats{};
    append_error(snapshot, std::string(what) + ": " + e.what());
  }
}

void StatsSampler::publish(const StatsSnapshot& snapshot) {
  std::lock_guard<std::mutex> lock(published_mutex_);
  ring_[ring_next_] = snapshot;
  ring_next_ = (ring_next_ + 1) % ring_.size();
  if (ring_size_ < ring_.size()) ++ring_size_;
}

StatsSnapshot StatsSampler::latest() const {
  std::lock_guard<std::mutex> lock(published_mutex_);
  if (ring_size_ == 0) return StatsSnapshot{};
  return ring_[(ring_next_ + ring_.size() - 1) % ring_.size()];
}

std::vector<StatsSnapshot> StatsSampler::history(size_t max_count) const {
  std::lock_guard<std::mutex> lock(published_mutex_);
  size_t count = std::min(max_count, ring_size_);
  std::vector<StatsSnapshot> result;
  result.reserve(count);
  size_t oldest = (ring_next_ + ring_.size() - count) % ring_.size();
  for (size_t i = 0; i < count; ++i) result.push_back(ring_[(oldest + i) % ring_.size()]);
  return result;
}

}  // namespace tunedeck
