// NvmlSource: per-GPU figures (name, memory, utilisation, temperature, power, this process's
// memory) from NVML opened with dlopen, so one binary runs with or without a driver. Not for the
// allocator or /proc. Never throws: a missing library/symbol or NVML error -> "unavailable: ...".
// Not thread-safe: one thread at a time per object (the StatsSampler serialises its calls).
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/stats/stats_snapshot.h"

namespace tunedeck {

struct NvmlApi;  // the resolved NVML functions (nvml_source.cpp)

class NvmlSource {
 public:
  static constexpr const char* kDefaultLibrary = "libnvidia-ml.so.1";
  static constexpr const char* kLibraryEnv = "TUNEDECK_NVML_LIBRARY";

  // Which library to open: $TUNEDECK_NVML_LIBRARY when set and non-empty, else `configured`
  // (the [stats] nvml_library config key) when non-empty, else kDefaultLibrary.
  static std::string library_path(const std::string& configured);

  // Opens `library` (a path, or a bare name dlopen searches for) and calls nvmlInit. The outcome
  // is kept: sample() reports it. Takes a while on a real driver (nvmlInit is slow).
  explicit NvmlSource(const std::string& library);
  ~NvmlSource();  // nvmlShutdown when init succeeded, then dlclose
  NvmlSource(const NvmlSource&) = delete;
  NvmlSource& operator=(const NvmlSource&) = delete;

  // Queries every device now: sets snapshot.gpu_status ("ok" or "unavailable: <reason>") and
  // snapshot.gpus (one entry per device; a field NVML cannot give stays absent).
  void sample(StatsSnapshot& snapshot);

 private:
  GpuDeviceStats sample_device(unsigned index, void* device);
  // Fills stats.processes and stats.process_memory_bytes from the compute process list.
  void read_processes(void* device, GpuDeviceStats& stats);
  std::string error_text(int code) const;  // "Driver Not Loaded (NVML error 9)"

  std::string library_;
  void* handle_ = nullptr;  // from dlopen
  std::unique_ptr<NvmlApi> api_;
  bool initialised_ = false;
  std::string init_status_;
  size_t process_capacity_ = 16;  // entries to ask for first; grows when the driver says so
};

}  // namespace tunedeck
