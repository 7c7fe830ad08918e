#include "core/stats/stats_format.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace tunedeck {
namespace {

GpuDeviceStats h200() {
  GpuDeviceStats gpu;
  gpu.index = 0;
  gpu.name = "NVIDIA H200";
  gpu.memory_used_bytes = 13207024435LL;
  gpu.memory_total_bytes = 150109880320LL;
  gpu.utilization_percent = 45;
  gpu.temperature_c = 61;
  gpu.power_draw_w = 310.4;
  gpu.power_limit_w = 700.0;
  gpu.process_memory_bytes = 1610612736LL;
  return gpu;
}

StatsSnapshot full_snapshot() {
  StatsSnapshot snapshot;
  snapshot.sequence = 7;
  snapshot.timestamp =
      std::chrono::system_clock::time_point(std::chrono::milliseconds(1700000000123));
  snapshot.gpu_status = "ok";
  snapshot.gpus.push_back(h200());
  snapshot.allocator = AllocatorStats{true, 1073741824, 2147483648, 1610612736, 2, 1};
  snapshot.cpu_cache = CpuBlockCacheStats{true, 402653184, 100663296, 536870912, 5368709120, 41, 9};
  snapshot.process.rss_bytes = 327626752;  // 312.4 MiB
  snapshot.process.peak_rss_bytes = 420000000;
  snapshot.process.threads = 5;
  snapshot.system.mem_total_bytes = 33520222208;
  snapshot.system.mem_available_bytes = 22881738752;
  snapshot.accounting.weights_bytes_by_dtype = {{"bf16", 1073741824}, {"f32", 1048576}};
  snapshot.accounting.kv_cache_bytes = 67108864;
  snapshot.accounting.lora_bytes = 12582912;
  snapshot.accounting.optimizer_bytes = 25165824;
  snapshot.sample_cpu_us = 85.5;
  return snapshot;
}

TEST(StatsFormat, Bytes) {
  EXPECT_EQ(stats_format_bytes(0), "0 B");
  EXPECT_EQ(stats_format_bytes(1023), "1023 B");
  EXPECT_EQ(stats_format_bytes(1024), "1.0 KiB");
  EXPECT_EQ(stats_format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(stats_format_bytes(1048575), "1.0 MiB");  // 1023.999 KiB would print as "1024.0 KiB"
  EXPECT_EQ(stats_format_bytes(13207024435LL), "12.3 GiB");
  EXPECT_EQ(stats_format_bytes(3LL << 40), "3.0 TiB");
  EXPECT_EQ(stats_format_bytes(-2048), "-2.0 KiB");
}

TEST(StatsFormat, BytesPairUsesTheUnitOfTheLarger) {
  EXPECT_EQ(stats_format_bytes_pair(13207024435LL, 150109880320LL), "12.3/139.8 GiB");
  EXPECT_EQ(stats_format_bytes_pair(0, 150109880320LL), "0.0/139.8 GiB");
  EXPECT_EQ(stats_format_bytes_pair(100, 1000), "100/1000 B");
}

TEST(StatsFormat, GpuLine) {
  EXPECT_EQ(stats_format_gpu_line(h200()),
            "GPU0 NVIDIA H200  12.3/139.8 GiB  util 45%  61C  310/700 W  this process 1.5 GiB");
}

TEST(StatsFormat, GpuLineWithEverythingAbsent) {
  GpuDeviceStats gpu;
  gpu.index = 3;
  EXPECT_EQ(stats_format_gpu_line(gpu),
            "GPU3 (name N/A)  mem N/A  util N/A  temp N/A  power N/A  this process N/A");
  gpu.power_draw_w = 55.0;
  EXPECT_EQ(stats_format_gpu_line(gpu),
            "GPU3 (name N/A)  mem N/A  util N/A  temp N/A  55 W  this process N/A");
}

TEST(StatsFormat, Lines) {
  std::vector<std::string> expected = {
      "GPU0 NVIDIA H200  12.3/139.8 GiB  util 45%  61C  310/700 W  this process 1.5 GiB",
      "CUDA allocator: allocated 1.0 GiB  reserved 2.0 GiB  peak 1.5 GiB  retries 2  OOMs 1",
      "CPU block cache: live 384.0 MiB  cached 96.0 MiB  peak 512.0 MiB  hits 41  misses 9",
      "process: RSS 312.4 MiB  peak 400.5 MiB  threads 5",
      "system: 21.3 GiB available of 31.2 GiB",
      "tunedeck: weights 1.0 GiB (bf16 1.0 GiB, f32 1.0 MiB)  KV cache 64.0 MiB  LoRA 12.0 MiB  "
      "optimizer 24.0 MiB",
  };
  EXPECT_EQ(stats_format_lines(full_snapshot()), expected);
}

TEST(StatsFormat, LinesWhenGpuUnavailableAndNothingElseKnown) {
  StatsSnapshot snapshot;
  snapshot.gpu_status = "unavailable: cannot load NVML (libnvidia-ml.so.1: no such file)";
  snapshot.error = "allocator stats: boom";
  std::vector<std::string> expected = {
      "GPU: unavailable: cannot load NVML (libnvidia-ml.so.1: no such file)",
      "CUDA allocator: N/A",
      "process: RSS N/A  peak N/A  threads N/A",
      "system: N/A available of N/A",
      "tunedeck: weights 0 B  KV cache 0 B  LoRA 0 B  optimizer 0 B",
      "error: allocator stats: boom",
  };
  EXPECT_EQ(stats_format_lines(snapshot), expected);
}

TEST(StatsFormat, LinesWhenNvmlListsNoDevice) {
  StatsSnapshot snapshot;
  snapshot.gpu_status = "ok";
  EXPECT_EQ(stats_format_lines(snapshot)[0], "GPU: none (NVML lists no device)");
}

TEST(StatsFormat, Json) {
  nlohmann::json expected = nlohmann::json::parse(R"({
    "sequence": 7,
    "timestamp_ms": 1700000000123,
    "gpu_status": "ok",
    "gpus": [{"index": 0, "name": "NVIDIA H200", "memory_used_bytes": 13207024435,
              "memory_total_bytes": 150109880320, "utilization_percent": 45,
              "temperature_c": 61, "power_draw_w": 310.4, "power_limit_w": 700.0,
              "process_memory_bytes": 1610612736}],
    "allocator": {"available": true, "allocated_bytes": 1073741824,
                  "reserved_bytes": 2147483648, "peak_allocated_bytes": 1610612736,
                  "alloc_retries": 2, "ooms": 1},
    "cpu_cache": {"installed": true, "live_bytes": 402653184, "cached_bytes": 100663296,
                  "peak_live_bytes": 536870912, "limit_bytes": 5368709120, "hits": 41,
                  "misses": 9},
    "process": {"rss_bytes": 327626752, "peak_rss_bytes": 420000000, "threads": 5},
    "system": {"mem_total_bytes": 33520222208, "mem_available_bytes": 22881738752},
    "accounting": {"weights_bytes_by_dtype": {"bf16": 1073741824, "f32": 1048576},
                   "weights_bytes": 1074790400, "kv_cache_bytes": 67108864,
                   "lora_bytes": 12582912, "optimizer_bytes": 25165824,
                   "total_bytes": 1179648000},
    "sample_cpu_us": 85.5,
    "error": null
  })");
  EXPECT_EQ(stats_snapshot_to_json(full_snapshot()), expected);
}

TEST(StatsFormat, JsonAbsentFieldsAreNull) {
  StatsSnapshot snapshot;
  snapshot.gpu_status = "ok";
  GpuDeviceStats gpu;
  gpu.index = 1;
  snapshot.gpus.push_back(gpu);
  snapshot.error = "x";
  nlohmann::json json = stats_snapshot_to_json(snapshot);
  EXPECT_EQ(json["gpus"][0], nlohmann::json::parse(R"({"index": 1, "name": null,
      "memory_used_bytes": null, "memory_total_bytes": null, "utilization_percent": null,
      "temperature_c": null, "power_draw_w": null, "power_limit_w": null,
      "process_memory_bytes": null})"));
  EXPECT_EQ(json["allocator"], nlohmann::json::parse(R"({"available": false,
      "allocated_bytes": null, "reserved_bytes": null, "peak_allocated_bytes": null,
      "alloc_retries": null, "ooms": null})"));
  EXPECT_EQ(json["cpu_cache"], nlohmann::json::parse(R"({"installed": false, "live_bytes": null,
      "cached_bytes": null, "peak_live_bytes": null, "limit_bytes": null, "hits": null,
      "misses": null})"));
  EXPECT_EQ(json["process"]["rss_bytes"], nullptr);
  EXPECT_EQ(json["system"]["mem_available_bytes"], nullptr);
  EXPECT_EQ(json["sample_cpu_us"], nullptr);
  EXPECT_EQ(json["error"], "x");
}

}  // namespace
}  // namespace tunedeck
