#include "core/stats/nvml_source.h"

#include <dlfcn.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "core/stats/proc_stats.h"

namespace tunedeck {
namespace {

// The few NVML types and constants used here, declared from NVIDIA's nvml.h (not installed).
using nvmlReturn_t = int;
using nvmlDevice_t = void*;
constexpr nvmlReturn_t kNvmlSuccess = 0;
constexpr nvmlReturn_t kNvmlInsufficientSize = 7;
constexpr unsigned kNvmlTemperatureGpu = 0;                   // NVML_TEMPERATURE_GPU
constexpr unsigned long long kNvmlValueNotAvailable = ~0ULL;  // NVML_VALUE_NOT_AVAILABLE
constexpr unsigned kNvmlDeviceNameBufferSize = 96;            // NVML_DEVICE_NAME_V2_BUFFER_SIZE

struct nvmlMemory_t {  // nvmlDeviceGetMemoryInfo
  unsigned long long total, free, used;
};
struct nvmlMemory_v2_t {  // nvmlDeviceGetMemoryInfo_v2
  unsigned int version;   // must be kNvmlMemoryV2Version
  unsigned long long total, reserved, free, used;
};
constexpr unsigned kNvmlMemoryV2Version = sizeof(nvmlMemory_v2_t) | (2u << 24);  // 0x02000028
static_assert(kNvmlMemoryV2Version == 0x02000028, "nvmlMemory_v2_t layout differs from NVML's");

struct nvmlUtilization_t {
  unsigned int gpu, memory;  // percent
};

// Process list entries all start {unsigned pid; unsigned long long usedGpuMemory; ...}; only their
// size differs: v1 16 bytes; v2 and v3 24 (+ gpuInstanceId, computeInstanceId); and 32 (+
// usedGpuCcProtectedMemory) for v3 on the drivers whose header briefly added that field (those
// export nvmlDeviceGetConfComputeMemSizeInfo but not yet nvmlDeviceGetRunningProcessDetailList).
constexpr size_t kProcessPidOffset = 0;
constexpr size_t kProcessMemoryOffset = 8;

}  // namespace

struct NvmlApi {
  nvmlReturn_t (*init)() = nullptr;
  nvmlReturn_t (*shutdown)() = nullptr;
  const char* (*error_string)(nvmlReturn_t) = nullptr;
  nvmlReturn_t (*get_count)(unsigned*) = nullptr;
  nvmlReturn_t (*get_handle_by_index)(unsigned, nvmlDevice_t*) = nullptr;
  nvmlReturn_t (*get_memory_info_v2)(nvmlDevice_t, nvmlMemory_v2_t*) = nullptr;
  nvmlReturn_t (*get_memory_info)(nvmlDevice_t, nvmlMemory_t*) = nullptr;
  // Optional: a missing one leaves its field absent.
  nvmlReturn_t (*get_name)(nvmlDevice_t, char*, unsigned) = nullptr;
  nvmlReturn_t (*get_utilization)(nvmlDevice_t, nvmlUtilization_t*) = nullptr;
  nvmlReturn_t (*get_temperature)(nvmlDevice_t, unsigned, unsigned*) = nullptr;
  nvmlReturn_t (*get_power_usage)(nvmlDevice_t, unsigned*) = nullptr;  // milliwatts
  nvmlReturn_t (*get_power_limit)(nvmlDevice_t, unsigned*) = nullptr;  // milliwatts
  nvmlReturn_t (*get_processes)(nvmlDevice_t, unsigned*, void*) = nullptr;
  size_t process_entry_size = 0;
  std::string init_name, count_name;  // the names resolved, for error messages
};

namespace {

// The first of `names` the library exports, or nullptr; `found` receives its name.
template <typename Function>
Function resolve(void* library, std::initializer_list<const char*> names,
                 std::string* found = nullptr) {
  for (const char* name : names) {
    if (void* address = dlsym(library, name)) {
      if (found) *found = name;
      return reinterpret_cast<Function>(address);
    }
  }
  return nullptr;
}

// Bytes per entry that `function` (a ComputeRunningProcesses name) writes; see the note on
// kProcessPidOffset for the 32-byte case.
size_t process_entry_size(void* library, const std::string& function) {
  if (function == "nvmlDeviceGetComputeRunningProcesses") return 16;
  bool v3 = function == "nvmlDeviceGetComputeRunningProcesses_v3";
  bool cc_field_in_v3 = dlsym(library, "nvmlDeviceGetConfComputeMemSizeInfo") &&
                        !dlsym(library, "nvmlDeviceGetRunningProcessDetailList");
  return v3 && cc_field_in_v3 ? 32 : 24;
}

// Resolves everything; returns "" or the name of a required function the library lacks.
std::string resolve_api(void* library, NvmlApi& api) {
  api.init = resolve<decltype(api.init)>(library, {"nvmlInit_v2", "nvmlInit"}, &api.init_name);
  api.shutdown = resolve<decltype(api.shutdown)>(library, {"nvmlShutdown"});
  api.error_string = resolve<decltype(api.error_string)>(library, {"nvmlErrorString"});
  api.get_count = resolve<decltype(api.get_count)>(
      library, {"nvmlDeviceGetCount_v2", "nvmlDeviceGetCount"}, &api.count_name);
  api.get_handle_by_index = resolve<decltype(api.get_handle_by_index)>(
      library, {"nvmlDeviceGetHandleByIndex_v2", "nvmlDeviceGetHandleByIndex"});
  api.get_memory_info_v2 =
      resolve<decltype(api.get_memory_info_v2)>(library, {"nvmlDeviceGetMemoryInfo_v2"});
  api.get_memory_info =
      resolve<decltype(api.get_memory_info)>(library, {"nvmlDeviceGetMemoryInfo"});
  api.get_name = resolve<decltype(api.get_name)>(library, {"nvmlDeviceGetName"});
  api.get_utilization =
      resolve<decltype(api.get_utilization)>(library, {"nvmlDeviceGetUtilizationRates"});
  api.get_temperature =
      resolve<decltype(api.get_temperature)>(library, {"nvmlDeviceGetTemperature"});
  api.get_power_usage =
      resolve<decltype(api.get_power_usage)>(library, {"nvmlDeviceGetPowerUsage"});
  api.get_power_limit = resolve<decltype(api.get_power_limit)>(
      library, {"nvmlDeviceGetEnforcedPowerLimit", "nvmlDeviceGetPowerManagementLimit"});

  std::string processes_name;
  api.get_processes = resolve<decltype(api.get_processes)>(
      library,
      {"nvmlDeviceGetComputeRunningProcesses_v3", "nvmlDeviceGetComputeRunningProcesses_v2",
       "nvmlDeviceGetComputeRunningProcesses"},
      &processes_name);
  api.process_entry_size = process_entry_size(library, processes_name);

  if (!api.init) return "nvmlInit_v2 (or nvmlInit)";
  if (!api.shutdown) return "nvmlShutdown";
  if (!api.get_count) return "nvmlDeviceGetCount_v2 (or nvmlDeviceGetCount)";
  if (!api.get_handle_by_index)
    return "nvmlDeviceGetHandleByIndex_v2 (or nvmlDeviceGetHandleByIndex)";
  if (!api.get_memory_info_v2 && !api.get_memory_info)
    return "nvmlDeviceGetMemoryInfo_v2 (or nvmlDeviceGetMemoryInfo)";
  return "";
}

constexpr char kUnavailable[] = "unavailable: ";

}  // namespace

std::string NvmlSource::library_path(const std::string& configured) {
  const char* from_env = std::getenv(kLibraryEnv);
  if (from_env && *from_env) return from_env;
  if (!configured.empty()) return configured;
  return kDefaultLibrary;
}

NvmlSource::NvmlSource(const std::string& library)
    : library_(library), api_(std::make_unique<NvmlApi>()) {
  handle_ = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle_) {
    const char* reason = dlerror();
    init_status_ = std::string(kUnavailable) + "cannot load NVML (" +
                   (reason ? reason : library.c_str()) + ")";
    return;
  }
  std::string missing = resolve_api(handle_, *api_);
  if (!missing.empty()) {
    init_status_ = std::string(kUnavailable) + "NVML library " + library + " lacks " + missing;
    return;
  }
  nvmlReturn_t code = api_->init();
  if (code != kNvmlSuccess) {
    init_status_ = std::string(kUnavailable) + api_->init_name + " failed: " + error_text(code);
    return;
  }
  initialised_ = true;
  init_status_ = "ok";
}

NvmlSource::~NvmlSource() {
  if (initialised_) api_->shutdown();
  if (handle_) dlclose(handle_);
}

std::string NvmlSource::error_text(int code) const {
  const char* text = api_->error_string ? api_->error_string(code) : nullptr;
  return std::string(text ? text : "error") + " (NVML error " + std::to_string(code) + ")";
}

void NvmlSource::sample(StatsSnapshot& snapshot) {
  snapshot.gpus.clear();
  if (!initialised_) {
    snapshot.gpu_status = init_status_;
    return;
  }
  unsigned count = 0;
  nvmlReturn_t code = api_->get_count(&count);
  if (code != kNvmlSuccess) {
    snapshot.gpu_status =
        std::string(kUnavailable) + api_->count_name + " failed: " + error_text(code);
    return;
  }
  for (unsigned index = 0; index < count; ++index) {
    nvmlDevice_t device = nullptr;
    code = api_->get_handle_by_index(index, &device);
    if (code != kNvmlSuccess) {
      snapshot.gpus.clear();
      snapshot.gpu_status = std::string(kUnavailable) + "device " + std::to_string(index) +
                            ": nvmlDeviceGetHandleByIndex failed: " + error_text(code);
      return;
    }
    snapshot.gpus.push_back(sample_device(index, device));
  }
  snapshot.gpu_status = "ok";
}

GpuDeviceStats NvmlSource::sample_device(unsigned index, void* device) {
  GpuDeviceStats stats;
  stats.index = static_cast<int>(index);
  // Memory: the v2 call reports "used" without the driver's reservation, like nvidia-smi.
  if (api_->get_memory_info_v2) {
    nvmlMemory_v2_t memory{};
    memory.version = kNvmlMemoryV2Version;
    if (api_->get_memory_info_v2(device, &memory) == kNvmlSuccess) {
      stats.memory_used_bytes = static_cast<int64_t>(memory.used);
      stats.memory_total_bytes = static_cast<int64_t>(memory.total);
    }
  }
  if (!stats.memory_total_bytes && api_->get_memory_info) {
    nvmlMemory_t memory{};
    if (api_->get_memory_info(device, &memory) == kNvmlSuccess) {
      stats.memory_used_bytes = static_cast<int64_t>(memory.used);
      stats.memory_total_bytes = static_cast<int64_t>(memory.total);
    }
  }
  char name[kNvmlDeviceNameBufferSize] = {};
  if (api_->get_name && api_->get_name(device, name, sizeof name) == kNvmlSuccess) {
    name[sizeof name - 1] = '\0';
    stats.name = std::string(name);
  }
  nvmlUtilization_t utilization{};
  if (api_->get_utilization && api_->get_utilization(device, &utilization) == kNvmlSuccess)
    stats.utilization_percent = static_cast<int>(utilization.gpu);
  unsigned value = 0;
  if (api_->get_temperature &&
      api_->get_temperature(device, kNvmlTemperatureGpu, &value) == kNvmlSuccess)
    stats.temperature_c = static_cast<int>(value);
  if (api_->get_power_usage && api_->get_power_usage(device, &value) == kNvmlSuccess)
    stats.power_draw_w = value / 1000.0;
  if (api_->get_power_limit && api_->get_power_limit(device, &value) == kNvmlSuccess)
    stats.power_limit_w = value / 1000.0;
  read_processes(device, stats);
  return stats;
}

// Every process in the compute process list, with its /proc name, most memory first; this
// process's memory is the sum of its own entries. The memory stays absent when the list is
// unavailable, when the driver does not list this pid (no CUDA context here, or a container whose
// PIDs the driver sees as host PIDs) or reports "not available".
void NvmlSource::read_processes(void* device, GpuDeviceStats& stats) {
  if (!api_->get_processes) return;
  const size_t entry_size = api_->process_entry_size;
  std::vector<unsigned char> entries;
  unsigned count = 0;
  nvmlReturn_t code = kNvmlInsufficientSize;
  // The list may grow between calls: retry a few times with what the driver asked for + slack.
  for (int attempt = 0; attempt < 4 && code == kNvmlInsufficientSize; ++attempt) {
    entries.assign(process_capacity_ * entry_size, 0);
    count = static_cast<unsigned>(process_capacity_);
    code = api_->get_processes(device, &count, entries.data());
    if (code == kNvmlInsufficientSize)
      process_capacity_ = std::max<size_t>(count, process_capacity_) + 8;
  }
  if (code != kNvmlSuccess) return;

  const unsigned own_pid = static_cast<unsigned>(getpid());
  const size_t listed = std::min<size_t>(count, entries.size() / entry_size);
  for (size_t i = 0; i < listed; ++i) {
    GpuProcess process;
    unsigned long long used = 0;
    std::memcpy(&process.pid, entries.data() + i * entry_size + kProcessPidOffset,
                sizeof process.pid);
    std::memcpy(&used, entries.data() + i * entry_size + kProcessMemoryOffset, sizeof used);
    if (used != kNvmlValueNotAvailable) process.used_bytes = static_cast<int64_t>(used);
    process.is_self = process.pid == own_pid;
    process.name = proc_stats_read_command_name(static_cast<int>(process.pid));
    if (process.is_self && process.used_bytes)
      stats.process_memory_bytes = stats.process_memory_bytes.value_or(0) + *process.used_bytes;
    stats.processes.push_back(std::move(process));
  }
  std::stable_sort(stats.processes.begin(), stats.processes.end(),
                   [](const GpuProcess& a, const GpuProcess& b) {
                     return a.used_bytes.value_or(-1) > b.used_bytes.value_or(-1);
                   });
}

}  // namespace tunedeck
