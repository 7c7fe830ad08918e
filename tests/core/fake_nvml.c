/* A stand-in libnvidia-ml.so.1 for tests on machines without a GPU: the NVML functions
 * NvmlSource uses, returning the fixed values below (2 devices). Not a model of a real driver.
 * Built three ways (tests/core/CMakeLists.txt): full (versioned names + optional functions),
 * FAKE_NVML_LEGACY (only the old unversioned names, no optional functions) and
 * FAKE_NVML_NO_COUNT (no nvmlDeviceGetCount at all), and FAKE_NVML_CC_V3 (32-byte process entries
 * and nvmlDeviceGetConfComputeMemSizeInfo, like the drivers whose _v3 entries had that size).
 * Run-time modes, read at each call from $FAKE_NVML_MODE: "init_error" (nvmlInit fails with 9,
 * Driver Not Loaded), "count_error" (nvmlDeviceGetCount fails with 15, GPU is lost).
 * $FAKE_NVML_LOG names a file that gets "init\n" / "shutdown\n" appended on each call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))

typedef int nvmlReturn_t;
typedef struct FakeDevice* nvmlDevice_t;

enum {
  NVML_SUCCESS = 0,
  NVML_ERROR_INVALID_ARGUMENT = 2,
  NVML_ERROR_INSUFFICIENT_SIZE = 7,
  NVML_ERROR_DRIVER_NOT_LOADED = 9,
  NVML_ERROR_GPU_IS_LOST = 15,
  NVML_ERROR_ARGUMENT_VERSION_MISMATCH = 25,
};

typedef struct {
  unsigned long long total, free, used;
} nvmlMemory_t;
typedef struct {
  unsigned int version;
  unsigned long long total, reserved, free, used;
} nvmlMemory_v2_t;
typedef struct {
  unsigned int gpu, memory;
} nvmlUtilization_t;
typedef struct {
  unsigned int pid;
  unsigned long long usedGpuMemory;
  unsigned int gpuInstanceId, computeInstanceId;
#ifdef FAKE_NVML_CC_V3
  unsigned long long usedGpuCcProtectedMemory;
#endif
} nvmlProcessInfo_t; /* the _v2/_v3 entry: 24 bytes, or 32 with FAKE_NVML_CC_V3 */

/* 20 other processes on device 0 (more than NvmlSource asks for first: it must grow and retry);
 * this process is entry 17 there. Device 1 lists this process with memory "not available". */
#define OTHER_PROCESSES 20
#define OWN_ENTRY 17
#define OWN_MEMORY_DEVICE0 1610612736ULL /* 1.5 GiB */
#define NOT_AVAILABLE 0xFFFFFFFFFFFFFFFFULL

struct FakeDevice {
  const char* name;
  unsigned long long total, reserved, used;
  unsigned utilization, temperature, power_mw, power_limit_mw;
};

static struct FakeDevice devices[2] = {
    {"NVIDIA H200", 150109880320ULL, 536870912ULL, 13207024435ULL, 45, 61, 310500, 700000},
    {"NVIDIA Fake B", 85899345920ULL, 268435456ULL, 1073741824ULL, 0, 35, 60000, 300000},
};

static int mode_is(const char* mode) {
  const char* value = getenv("FAKE_NVML_MODE");
  return value && strcmp(value, mode) == 0;
}

static void log_call(const char* what) {
  const char* path = getenv("FAKE_NVML_LOG");
  if (!path || !*path) return;
  FILE* log = fopen(path, "a");
  if (!log) return;
  fprintf(log, "%s\n", what);
  fclose(log);
}

static nvmlReturn_t fake_init(void) {
  log_call("init");
  return mode_is("init_error") ? NVML_ERROR_DRIVER_NOT_LOADED : NVML_SUCCESS;
}

__attribute__((unused)) static nvmlReturn_t fake_count(unsigned int* count) {
  if (mode_is("count_error")) return NVML_ERROR_GPU_IS_LOST;
  *count = 2;
  return NVML_SUCCESS;
}

static nvmlReturn_t fake_handle(unsigned int index, nvmlDevice_t* device) {
  if (index >= 2) return NVML_ERROR_INVALID_ARGUMENT;
  *device = &devices[index];
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlShutdown(void) {
  log_call("shutdown");
  return NVML_SUCCESS;
}

/* v1 memory: "used" includes the reservation, so a test sees which call was used. */
EXPORT nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t* memory) {
  memory->total = device->total;
  memory->used = device->used + device->reserved;
  memory->free = device->total - memory->used;
  return NVML_SUCCESS;
}

#ifdef FAKE_NVML_LEGACY

EXPORT nvmlReturn_t nvmlInit(void) { return fake_init(); }
EXPORT nvmlReturn_t nvmlDeviceGetCount(unsigned int* count) { return fake_count(count); }
EXPORT nvmlReturn_t nvmlDeviceGetHandleByIndex(unsigned int index, nvmlDevice_t* device) {
  return fake_handle(index, device);
}

#else

EXPORT nvmlReturn_t nvmlInit_v2(void) { return fake_init(); }
#ifndef FAKE_NVML_NO_COUNT
EXPORT nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int* count) { return fake_count(count); }
#endif
EXPORT nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t* device) {
  return fake_handle(index, device);
}

EXPORT const char* nvmlErrorString(nvmlReturn_t code) {
  switch (code) {
    case NVML_SUCCESS:
      return "Success";
    case NVML_ERROR_DRIVER_NOT_LOADED:
      return "Driver Not Loaded";
    case NVML_ERROR_GPU_IS_LOST:
      return "GPU is lost";
    default:
      return "Unknown Error";
  }
}

EXPORT nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t device, nvmlMemory_v2_t* memory) {
  if (memory->version != (sizeof(nvmlMemory_v2_t) | (2u << 24)))
    return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
  memory->total = device->total;
  memory->reserved = device->reserved;
  memory->used = device->used;
  memory->free = device->total - device->reserved - device->used;
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char* name, unsigned int length) {
  if (strlen(device->name) + 1 > length) return NVML_ERROR_INSUFFICIENT_SIZE;
  strcpy(name, device->name);
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t device, nvmlUtilization_t* rates) {
  rates->gpu = device->utilization;
  rates->memory = device->utilization / 2;
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t device, int sensor, unsigned int* c) {
  if (sensor != 0) return NVML_ERROR_INVALID_ARGUMENT;
  *c = device->temperature;
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int* milliwatts) {
  *milliwatts = device->power_mw;
  return NVML_SUCCESS;
}

EXPORT nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t device, unsigned int* milliwatts) {
  *milliwatts = device->power_limit_mw;
  return NVML_SUCCESS;
}

#ifdef FAKE_NVML_CC_V3
EXPORT nvmlReturn_t nvmlDeviceGetConfComputeMemSizeInfo(nvmlDevice_t device, void* info) {
  return NVML_SUCCESS;
}
#endif

EXPORT nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device,
                                                            unsigned int* count,
                                                            nvmlProcessInfo_t* infos) {
  unsigned int needed = device == &devices[0] ? OTHER_PROCESSES + 1 : 2;
  if (*count < needed || !infos) {
    *count = needed;
    return NVML_ERROR_INSUFFICIENT_SIZE;
  }
  for (unsigned int i = 0; i < needed; ++i) {
    infos[i].pid = 4000000 + i; /* above any real pid_max */
    infos[i].usedGpuMemory = 1048576ULL * (i + 1);
    infos[i].gpuInstanceId = infos[i].computeInstanceId = 0xFFFFFFFFu;
  }
  if (device == &devices[0]) {
    infos[OWN_ENTRY].pid = (unsigned int)getpid();
    infos[OWN_ENTRY].usedGpuMemory = OWN_MEMORY_DEVICE0;
  } else {
    infos[1].pid = (unsigned int)getpid();
    infos[1].usedGpuMemory = NOT_AVAILABLE;
  }
  *count = needed;
  return NVML_SUCCESS;
}

#endif
