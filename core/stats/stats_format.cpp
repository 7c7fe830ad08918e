#include "core/stats/stats_format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

namespace tunedeck {
namespace {

const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

// The largest unit that keeps `bytes` >= 1 of it (index into kUnits); a value that one decimal
// would round up to 1024.0 moves to the next unit.
int unit_for(int64_t bytes) {
  int unit = 0;
  double value = std::fabs(static_cast<double>(bytes));
  while (value >= (unit == 0 ? 1024.0 : 1023.95) && unit < 5) {
    value /= 1024.0;
    ++unit;
  }
  return unit;
}

std::string in_unit(int64_t bytes, int unit) {
  if (unit == 0) return std::to_string(bytes);
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", bytes / std::pow(1024.0, unit));
  return text;
}

std::string watts(double w) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f", w);
  return text;
}

std::string optional_bytes(const std::optional<int64_t>& bytes) {
  return bytes ? stats_format_bytes(*bytes) : "N/A";
}

std::string gpu_power(const GpuDeviceStats& gpu) {
  if (gpu.power_draw_w && gpu.power_limit_w)
    return watts(*gpu.power_draw_w) + "/" + watts(*gpu.power_limit_w) + " W";
  if (gpu.power_draw_w) return watts(*gpu.power_draw_w) + " W";
  if (gpu.power_limit_w) return "N/A/" + watts(*gpu.power_limit_w) + " W";
  return "power N/A";
}

std::string allocator_line(const AllocatorStats& allocator) {
  if (!allocator.available) return "CUDA allocator: N/A";
  return "CUDA allocator: allocated " + stats_format_bytes(allocator.allocated_bytes) +
         "  reserved " + stats_format_bytes(allocator.reserved_bytes) + "  peak " +
         stats_format_bytes(allocator.peak_allocated_bytes) + "  retries " +
         std::to_string(allocator.alloc_retries) + "  OOMs " + std::to_string(allocator.ooms);
}

std::string cpu_cache_line(const CpuBlockCacheStats& cache) {
  return "CPU block cache: live " + stats_format_bytes(cache.live_bytes) + "  cached " +
         stats_format_bytes(cache.cached_bytes) + "  peak " +
         stats_format_bytes(cache.peak_live_bytes) + "  hits " + std::to_string(cache.hits) +
         "  misses " + std::to_string(cache.misses);
}

std::string process_line(const ProcessStats& process) {
  return "process: RSS " + optional_bytes(process.rss_bytes) + "  peak " +
         optional_bytes(process.peak_rss_bytes) + "  threads " +
         (process.threads ? std::to_string(*process.threads) : "N/A");
}

std::string system_line(const SystemMemoryStats& system) {
  return "system: " + optional_bytes(system.mem_available_bytes) + " available of " +
         optional_bytes(system.mem_total_bytes);
}

std::string accounting_line(const MemoryAccountingStats& accounting) {
  std::string line = "tunedeck: weights " + stats_format_bytes(accounting.weights_bytes());
  if (!accounting.weights_bytes_by_dtype.empty()) {
    std::string by_dtype;
    for (const auto& [dtype, bytes] : accounting.weights_bytes_by_dtype)
      by_dtype += (by_dtype.empty() ? "" : ", ") + dtype + " " + stats_format_bytes(bytes);
    line += " (" + by_dtype + ")";
  }
  return line + "  KV cache " + stats_format_bytes(accounting.kv_cache_bytes) + "  LoRA " +
         stats_format_bytes(accounting.lora_bytes) + "  optimizer " +
         stats_format_bytes(accounting.optimizer_bytes);
}

template <typename T>
nlohmann::json or_null(const std::optional<T>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json gpu_json(const GpuDeviceStats& gpu) {
  return {{"index", gpu.index},
          {"name", or_null(gpu.name)},
          {"memory_used_bytes", or_null(gpu.memory_used_bytes)},
          {"memory_total_bytes", or_null(gpu.memory_total_bytes)},
          {"utilization_percent", or_null(gpu.utilization_percent)},
          {"temperature_c", or_null(gpu.temperature_c)},
          {"power_draw_w", or_null(gpu.power_draw_w)},
          {"power_limit_w", or_null(gpu.power_limit_w)},
          {"process_memory_bytes", or_null(gpu.process_memory_bytes)}};
}

nlohmann::json allocator_json(const AllocatorStats& allocator) {
  auto number = [&](int64_t value) {
    return allocator.available ? nlohmann::json(value) : nlohmann::json(nullptr);
  };
  return {{"available", allocator.available},
          {"allocated_bytes", number(allocator.allocated_bytes)},
          {"reserved_bytes", number(allocator.reserved_bytes)},
          {"peak_allocated_bytes", number(allocator.peak_allocated_bytes)},
          {"alloc_retries", number(allocator.alloc_retries)},
          {"ooms", number(allocator.ooms)}};
}

nlohmann::json cpu_cache_json(const CpuBlockCacheStats& cache) {
  auto number = [&](uint64_t value) {
    return cache.installed ? nlohmann::json(value) : nlohmann::json(nullptr);
  };
  return {{"installed", cache.installed},
          {"live_bytes", number(cache.live_bytes)},
          {"cached_bytes", number(cache.cached_bytes)},
          {"peak_live_bytes", number(cache.peak_live_bytes)},
          {"limit_bytes", number(cache.limit_bytes)},
          {"hits", number(cache.hits)},
          {"misses", number(cache.misses)}};
}

nlohmann::json accounting_json(const MemoryAccountingStats& accounting) {
  return {{"weights_bytes_by_dtype", accounting.weights_bytes_by_dtype},
          {"weights_bytes", accounting.weights_bytes()},
          {"kv_cache_bytes", accounting.kv_cache_bytes},
          {"lora_bytes", accounting.lora_bytes},
          {"optimizer_bytes", accounting.optimizer_bytes},
          {"total_bytes", accounting.total_bytes()}};
}

}  // namespace

std::string stats_format_bytes(int64_t bytes) {
  int unit = unit_for(bytes);
  return in_unit(bytes, unit) + " " + kUnits[unit];
}

std::string stats_format_bytes_pair(int64_t used, int64_t total) {
  int unit = unit_for(std::max(std::llabs(used), std::llabs(total)));
  return in_unit(used, unit) + "/" + in_unit(total, unit) + " " + kUnits[unit];
}

std::string stats_format_gpu_line(const GpuDeviceStats& gpu) {
  std::string memory = "mem N/A";
  if (gpu.memory_used_bytes && gpu.memory_total_bytes)
    memory = stats_format_bytes_pair(*gpu.memory_used_bytes, *gpu.memory_total_bytes);
  return "GPU" + std::to_string(gpu.index) + " " + gpu.name.value_or("(name N/A)") + "  " + memory +
         "  util " +
         (gpu.utilization_percent ? std::to_string(*gpu.utilization_percent) + "%" : "N/A") + "  " +
         (gpu.temperature_c ? std::to_string(*gpu.temperature_c) + "C" : "temp N/A") + "  " +
         gpu_power(gpu) + "  this process " + optional_bytes(gpu.process_memory_bytes);
}

std::vector<std::string> stats_format_lines(const StatsSnapshot& snapshot) {
  std::vector<std::string> lines;
  if (!snapshot.gpu_available())
    lines.push_back("GPU: " + snapshot.gpu_status);
  else if (snapshot.gpus.empty())
    lines.push_back("GPU: none (NVML lists no device)");
  for (const auto& gpu : snapshot.gpus) lines.push_back(stats_format_gpu_line(gpu));
  lines.push_back(allocator_line(snapshot.allocator));
  if (snapshot.cpu_cache.installed) lines.push_back(cpu_cache_line(snapshot.cpu_cache));
  lines.push_back(process_line(snapshot.process));
  lines.push_back(system_line(snapshot.system));
  lines.push_back(accounting_line(snapshot.accounting));
  if (!snapshot.error.empty()) lines.push_back("error: " + snapshot.error);
  return lines;
}

nlohmann::json stats_snapshot_to_json(const StatsSnapshot& snapshot) {
  nlohmann::json gpus = nlohmann::json::array();
  for (const auto& gpu : snapshot.gpus) gpus.push_back(gpu_json(gpu));
  auto since_epoch = snapshot.timestamp.time_since_epoch();
  return {
      {"sequence", snapshot.sequence},
      {"timestamp_ms", std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count()},
      {"gpu_status", snapshot.gpu_status},
      {"gpus", gpus},
      {"allocator", allocator_json(snapshot.allocator)},
      {"cpu_cache", cpu_cache_json(snapshot.cpu_cache)},
      {"process",
       {{"rss_bytes", or_null(snapshot.process.rss_bytes)},
        {"peak_rss_bytes", or_null(snapshot.process.peak_rss_bytes)},
        {"threads", or_null(snapshot.process.threads)}}},
      {"system",
       {{"mem_total_bytes", or_null(snapshot.system.mem_total_bytes)},
        {"mem_available_bytes", or_null(snapshot.system.mem_available_bytes)}}},
      {"accounting", accounting_json(snapshot.accounting)},
      {"sample_cpu_us", or_null(snapshot.sample_cpu_us)},
      {"error", snapshot.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(snapshot.error)},
  };
}

}  // namespace tunedeck
