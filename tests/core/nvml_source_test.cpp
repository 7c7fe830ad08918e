// NvmlSource against the fake libnvidia-ml.so.1 builds (tests/core/fake_nvml.c holds the values).
#include "core/stats/nvml_source.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "tests/test_support.h"

namespace tunedeck {
namespace {

StatsSnapshot sample(const std::string& library) {
  NvmlSource source(library);
  StatsSnapshot snapshot;
  source.sample(snapshot);
  return snapshot;
}

// What the fake driver reports for one device, in GpuDeviceStats' terms.
struct FakeDevice {
  int index;
  std::string name;
  int64_t used, total;
  int utilization_percent, temperature_c;
  double power_draw_w, power_limit_w;
  std::optional<int64_t> process_memory_bytes;
};

void expect_device(const GpuDeviceStats& gpu, const FakeDevice& want) {
  EXPECT_EQ(gpu.index, want.index);
  EXPECT_EQ(gpu.name, want.name);
  EXPECT_EQ(gpu.memory_used_bytes, want.used);
  EXPECT_EQ(gpu.memory_total_bytes, want.total);
  EXPECT_EQ(gpu.utilization_percent, want.utilization_percent);
  EXPECT_EQ(gpu.temperature_c, want.temperature_c);
  EXPECT_EQ(gpu.power_draw_w, want.power_draw_w);
  EXPECT_EQ(gpu.power_limit_w, want.power_limit_w);
  EXPECT_EQ(gpu.process_memory_bytes, want.process_memory_bytes);
}

TEST(NvmlSource, FakeDriverValuesExactly) {
  testing::ScopedEnv mode("FAKE_NVML_MODE", nullptr);
  StatsSnapshot snapshot = sample(FAKE_NVML_LIBRARY);
  EXPECT_EQ(snapshot.gpu_status, "ok");
  ASSERT_EQ(snapshot.gpus.size(), 2u);

  // The v2 call's "used", without reserved. The process was found at entry 17 of 21: more than
  // the first request, so the list was grown and re-read.
  expect_device(snapshot.gpus[0], {0, "NVIDIA H200", 13207024435LL, 150109880320LL, 45, 61, 310.5,
                                   700.0, 1610612736LL});
  // Its process list says "not available" (all ones).
  expect_device(snapshot.gpus[1],
                {1, "NVIDIA Fake B", 1073741824LL, 85899345920LL, 0, 35, 60.0, 300.0, {}});
}

TEST(NvmlSource, SamplesRepeatedlyWithTheSameResult) {
  testing::ScopedEnv mode("FAKE_NVML_MODE", nullptr);
  NvmlSource source(FAKE_NVML_LIBRARY);
  StatsSnapshot first, second;
  source.sample(first);
  source.sample(second);
  ASSERT_EQ(second.gpus.size(), 2u);
  EXPECT_EQ(second.gpus[0].process_memory_bytes, 1610612736LL);
  EXPECT_EQ(second.gpus[1].name, "NVIDIA Fake B");
}

TEST(NvmlSource, LegacyNamesOnlyFallBackAndLeaveOptionalFieldsAbsent) {
  testing::ScopedEnv mode("FAKE_NVML_MODE", nullptr);
  StatsSnapshot snapshot = sample(FAKE_NVML_LEGACY_LIBRARY);
  EXPECT_EQ(snapshot.gpu_status, "ok");
  ASSERT_EQ(snapshot.gpus.size(), 2u);
  const GpuDeviceStats& gpu = snapshot.gpus[0];
  EXPECT_EQ(gpu.memory_used_bytes, 13207024435LL + 536870912LL);  // v1 "used" includes reserved
  EXPECT_EQ(gpu.memory_total_bytes, 150109880320LL);
  EXPECT_FALSE(gpu.name.has_value());
  EXPECT_FALSE(gpu.utilization_percent.has_value());
  EXPECT_FALSE(gpu.temperature_c.has_value());
  EXPECT_FALSE(gpu.power_draw_w.has_value());
  EXPECT_FALSE(gpu.power_limit_w.has_value());
  EXPECT_FALSE(gpu.process_memory_bytes.has_value());
}

TEST(NvmlSource, ReadsThirtyTwoByteProcessEntriesWhereTheDriverWritesThem) {
  testing::ScopedEnv mode("FAKE_NVML_MODE", nullptr);
  StatsSnapshot snapshot = sample(FAKE_NVML_CC_V3_LIBRARY);
  ASSERT_EQ(snapshot.gpus.size(), 2u);
  EXPECT_EQ(snapshot.gpus[0].process_memory_bytes, 1610612736LL);  // entry 17 at offset 17 * 32
  EXPECT_FALSE(snapshot.gpus[1].process_memory_bytes.has_value());
}

TEST(NvmlSource, MissingLibraryIsUnavailable) {
  StatsSnapshot snapshot = sample("/nonexistent/libnvidia-ml.so.1");
  EXPECT_EQ(snapshot.gpu_status,
            "unavailable: cannot load NVML (/nonexistent/libnvidia-ml.so.1: cannot open shared "
            "object file: No such file or directory)");
  EXPECT_TRUE(snapshot.gpus.empty());
}

TEST(NvmlSource, MissingRequiredSymbolIsUnavailable) {
  StatsSnapshot snapshot = sample(FAKE_NVML_NO_COUNT_LIBRARY);
  EXPECT_EQ(snapshot.gpu_status, std::string("unavailable: NVML library ") +
                                     FAKE_NVML_NO_COUNT_LIBRARY +
                                     " lacks nvmlDeviceGetCount_v2 (or nvmlDeviceGetCount)");
  EXPECT_TRUE(snapshot.gpus.empty());
}

TEST(NvmlSource, InitErrorIsUnavailableAndSkipsShutdown) {
  testing::ScratchDir scratch;
  testing::ScopedEnv log("FAKE_NVML_LOG", scratch.file("calls").c_str());
  testing::ScopedEnv mode("FAKE_NVML_MODE", "init_error");
  {
    NvmlSource source(FAKE_NVML_LIBRARY);
    StatsSnapshot snapshot;
    source.sample(snapshot);
    EXPECT_EQ(snapshot.gpu_status,
              "unavailable: nvmlInit_v2 failed: Driver Not Loaded (NVML error 9)");
    EXPECT_TRUE(snapshot.gpus.empty());
  }
  EXPECT_EQ(testing::read_file(scratch.file("calls")), "init\n");
}

TEST(NvmlSource, ShutdownOnDestruction) {
  testing::ScratchDir scratch;
  testing::ScopedEnv log("FAKE_NVML_LOG", scratch.file("calls").c_str());
  testing::ScopedEnv mode("FAKE_NVML_MODE", nullptr);
  { NvmlSource source(FAKE_NVML_LIBRARY); }
  EXPECT_EQ(testing::read_file(scratch.file("calls")), "init\nshutdown\n");
}

TEST(NvmlSource, DeviceCountErrorIsUnavailable) {
  testing::ScopedEnv mode("FAKE_NVML_MODE", "count_error");
  StatsSnapshot snapshot;
  snapshot.gpus.resize(1);  // left over from an earlier sample: must be cleared
  NvmlSource source(FAKE_NVML_LIBRARY);
  source.sample(snapshot);
  EXPECT_EQ(snapshot.gpu_status,
            "unavailable: nvmlDeviceGetCount_v2 failed: GPU is lost (NVML error 15)");
  EXPECT_TRUE(snapshot.gpus.empty());
}

TEST(NvmlSource, LibraryPathPrecedence) {
  {
    testing::ScopedEnv env(NvmlSource::kLibraryEnv, nullptr);
    EXPECT_EQ(NvmlSource::library_path(""), "libnvidia-ml.so.1");
    EXPECT_EQ(NvmlSource::library_path("/opt/nvml.so"), "/opt/nvml.so");
  }
  {
    testing::ScopedEnv env(NvmlSource::kLibraryEnv, "");
    EXPECT_EQ(NvmlSource::library_path("/opt/nvml.so"), "/opt/nvml.so");
  }
  {
    testing::ScopedEnv env(NvmlSource::kLibraryEnv, "/from/env.so");
    EXPECT_EQ(NvmlSource::library_path("/opt/nvml.so"), "/from/env.so");
    EXPECT_EQ(NvmlSource::library_path(""), "/from/env.so");
  }
}

}  // namespace
}  // namespace tunedeck
