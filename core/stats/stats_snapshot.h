// StatsSnapshot: one sample of GPU, allocator, process, system and tunedeck memory figures, the
// plain struct the stats sampler publishes and every reader (CLI, TUI pane) draws from.
// Not for collecting (see stats_sampler, nvml_source, proc_stats) nor for drawing (stats_format).
// A value type: readers own their copy; nothing in it points back into the sampler.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tunedeck {

// One process using a GPU (NVML's running compute processes), as nvitop lists them.
struct GpuProcess {
  unsigned pid = 0;
  std::optional<int64_t> used_bytes;  // absent when the driver says "not available"
  std::string name;                   // /proc/<pid>/comm; "" when not visible (another container)
  bool is_self = false;               // this tunedeck
};

// One GPU as NVML reports it. Each optional field is absent when the driver does not report it
// (function missing, not supported on this board, or the query failed): drawn as "N/A".
struct GpuDeviceStats {
  int index = 0;                    // NVML device index
  std::optional<std::string> name;  // "NVIDIA H200"
  std::optional<int64_t> memory_used_bytes;
  std::optional<int64_t> memory_total_bytes;
  std::optional<int> utilization_percent;  // GPU busy share over the driver's last period
  std::optional<int> temperature_c;
  std::optional<double> power_draw_w;
  std::optional<double> power_limit_w;
  std::optional<int64_t> process_memory_bytes;  // this process's memory on the device
  std::vector<GpuProcess> processes;            // every process on it, most memory first
};

// The torch CUDA caching allocator (all devices together). Filled by a provider the torch side
// installs (StatsSampler::set_allocator_provider); available == false without one (CPU builds).
struct AllocatorStats {
  bool available = false;
  int64_t allocated_bytes = 0;  // held by live tensors
  int64_t reserved_bytes = 0;   // held by the allocator from the driver (>= allocated)
  int64_t peak_allocated_bytes = 0;
  int64_t alloc_retries = 0;  // cudaMalloc failures that freed the cache and retried
  int64_t ooms = 0;           // out-of-memory errors the allocator raised
};

// tunedeck's caching allocator for libtorch's CPU tensors (core/kernels/cpu_block_cache): blocks of
// 256 KiB and more, kept when their tensor dies for the next one. Filled by a provider the torch
// side installs (StatsSampler::set_cpu_cache_provider); installed == false without one.
struct CpuBlockCacheStats {
  bool installed = false;
  size_t live_bytes = 0;    // held by tensors now (size classes, so up to 12.5% over the request)
  size_t cached_bytes = 0;  // freed, kept mapped for reuse
  size_t peak_live_bytes = 0;
  size_t limit_bytes = 0;  // cached_bytes stays at or under this
  uint64_t hits = 0;       // allocations served from the cache
  uint64_t misses = 0;     // allocations that mapped a new block
};

// This process, from /proc/self/status.
struct ProcessStats {
  std::optional<int64_t> rss_bytes;       // VmRSS
  std::optional<int64_t> peak_rss_bytes;  // VmHWM
  std::optional<int> threads;             // Threads
};

// CPU use of this process's threads grouped by thread name ("td-chat", "td-train", ...; OpenMP
// workers carry the name of the thread that started them), over the time since the previous
// snapshot: 100 = one core busy.
struct ThreadGroupCpu {
  std::string name;
  int threads = 0;
  double cpu_percent = 0;
};

// The machine, from /proc/meminfo.
struct SystemMemoryStats {
  std::optional<int64_t> mem_total_bytes;      // MemTotal
  std::optional<int64_t> mem_available_bytes;  // MemAvailable
};

// What tunedeck itself says it holds (MemoryAccounting): sizes of real tensors, not estimates.
struct MemoryAccountingStats {
  std::map<std::string, int64_t> weights_bytes_by_dtype;  // {"bf16": 2147483648}
  int64_t kv_cache_bytes = 0;
  int64_t lora_bytes = 0;
  int64_t optimizer_bytes = 0;

  int64_t weights_bytes() const;  // sum over dtypes
  int64_t total_bytes() const;    // weights + kv cache + lora + optimizer
};

struct StatsSnapshot {
  uint64_t sequence = 0;  // 1 for the sampler's first snapshot, +1 each; 0 = never sampled
  std::chrono::system_clock::time_point timestamp;
  std::string gpu_status = "unavailable: not sampled yet";  // "ok" or "unavailable: <reason>"
  std::vector<GpuDeviceStats> gpus;                         // empty unless gpu_status == "ok"
  AllocatorStats allocator;
  CpuBlockCacheStats cpu_cache;
  ProcessStats process;
  std::vector<ThreadGroupCpu> thread_cpu;  // busiest first; empty in the first snapshot
  SystemMemoryStats system;
  MemoryAccountingStats accounting;
  std::optional<double> sample_cpu_us;  // CPU time the sampler spent making this snapshot
  std::string error;  // "" or what went wrong while sampling (the fields above may be partial)

  bool gpu_available() const { return gpu_status == "ok"; }
};

inline int64_t MemoryAccountingStats::weights_bytes() const {
  int64_t sum = 0;
  for (const auto& [dtype, bytes] : weights_bytes_by_dtype) sum += bytes;
  return sum;
}

inline int64_t MemoryAccountingStats::total_bytes() const {
  return weights_bytes() + kv_cache_bytes + lora_bytes + optimizer_bytes;
}

}  // namespace tunedeck
