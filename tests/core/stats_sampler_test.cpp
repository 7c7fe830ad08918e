// StatsSampler with the fake libnvidia-ml.so.1 (tests/core/fake_nvml.c holds the values).
#include "core/stats/stats_sampler.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>

#include "tests/test_support.h"

namespace tunedeck {
namespace {

using std::chrono::milliseconds;

// The library comes from the options in these tests, never from the caller's environment.
class StatsSamplerTest : public ::testing::Test {
 protected:
  testing::ScopedEnv library_env_{NvmlSource::kLibraryEnv, nullptr};
  testing::ScopedEnv mode_env_{"FAKE_NVML_MODE", nullptr};
  MemoryAccounting accounting_;
};

StatsSamplerOptions fake_options(size_t capacity = 600,
                                 milliseconds interval = milliseconds(1000)) {
  StatsSamplerOptions options;
  options.nvml_library = FAKE_NVML_LIBRARY;
  options.history_capacity = capacity;
  options.interval = interval;
  return options;
}

// Waits (bounded, for a slow machine) until the sampler has published `sequence`.
bool wait_for_sequence(const StatsSampler& sampler, uint64_t sequence) {
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (sampler.latest().sequence < sequence) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(milliseconds(1));
  }
  return true;
}

void expect_process_and_system_present(const StatsSnapshot& snapshot) {
  ASSERT_TRUE(snapshot.process.rss_bytes.has_value());
  EXPECT_GT(*snapshot.process.rss_bytes, 0);
  EXPECT_TRUE(snapshot.process.peak_rss_bytes.has_value());
  EXPECT_TRUE(snapshot.process.threads.has_value());
  EXPECT_TRUE(snapshot.system.mem_total_bytes.has_value());
  EXPECT_TRUE(snapshot.system.mem_available_bytes.has_value());
}

TEST_F(StatsSamplerTest, SampleOnceFillsEverySection) {
  accounting_.set(MemoryCategory::kWeights, "bf16", 2000);
  accounting_.set(MemoryCategory::kKvCache, "session 1", 300);
  StatsSampler sampler(accounting_, fake_options());
  sampler.set_allocator_provider([] {
    AllocatorStats stats;
    stats.available = true;
    stats.allocated_bytes = 100;
    stats.reserved_bytes = 200;
    stats.peak_allocated_bytes = 150;
    stats.alloc_retries = 2;
    stats.ooms = 1;
    return stats;
  });
  StatsSnapshot snapshot = sampler.sample_once();

  EXPECT_EQ(snapshot.sequence, 1u);
  EXPECT_EQ(snapshot.gpu_status, "ok");
  ASSERT_EQ(snapshot.gpus.size(), 2u);
  EXPECT_EQ(snapshot.gpus[0].name, "NVIDIA H200");
  EXPECT_EQ(snapshot.gpus[0].process_memory_bytes, 1610612736LL);
  EXPECT_EQ(snapshot.gpus[1].memory_total_bytes, 85899345920LL);
  EXPECT_TRUE(snapshot.allocator.available);
  EXPECT_EQ(snapshot.allocator.allocated_bytes, 100);
  EXPECT_EQ(snapshot.allocator.reserved_bytes, 200);
  EXPECT_EQ(snapshot.allocator.peak_allocated_bytes, 150);
  EXPECT_EQ(snapshot.allocator.alloc_retries, 2);
  EXPECT_EQ(snapshot.allocator.ooms, 1);
  EXPECT_EQ(snapshot.accounting.weights_bytes_by_dtype.at("bf16"), 2000);
  EXPECT_EQ(snapshot.accounting.kv_cache_bytes, 300);
  expect_process_and_system_present(snapshot);
  EXPECT_TRUE(snapshot.sample_cpu_us.has_value());
  EXPECT_EQ(snapshot.error, "");
  EXPECT_EQ(sampler.latest().sequence, 1u);
}

TEST_F(StatsSamplerTest, WithoutProviderTheAllocatorIsUnavailable) {
  StatsSampler sampler(accounting_, fake_options());
  StatsSnapshot snapshot = sampler.sample_once();
  EXPECT_FALSE(snapshot.allocator.available);
  EXPECT_EQ(snapshot.error, "");
  sampler.set_allocator_provider([] { return AllocatorStats{true, 1, 2, 3, 4, 5}; });
  EXPECT_TRUE(sampler.sample_once().allocator.available);
  sampler.set_allocator_provider({});
  EXPECT_FALSE(sampler.sample_once().allocator.available);
}

TEST_F(StatsSamplerTest, CpuCacheProviderFillsTheCacheSectionAndAThrowIsRecorded) {
  StatsSampler sampler(accounting_, fake_options());
  EXPECT_FALSE(sampler.sample_once().cpu_cache.installed);
  sampler.set_cpu_cache_provider([] {
    CpuBlockCacheStats stats;
    stats.installed = true;
    stats.live_bytes = 4096;
    stats.cached_bytes = 8192;
    stats.hits = 3;
    return stats;
  });
  StatsSnapshot snapshot = sampler.sample_once();
  EXPECT_TRUE(snapshot.cpu_cache.installed);
  EXPECT_EQ(snapshot.cpu_cache.live_bytes, 4096u);
  EXPECT_EQ(snapshot.cpu_cache.cached_bytes, 8192u);
  EXPECT_EQ(snapshot.cpu_cache.hits, 3u);
  EXPECT_EQ(snapshot.error, "");

  sampler.set_allocator_provider([]() -> AllocatorStats { throw std::runtime_error("no CUDA"); });
  sampler.set_cpu_cache_provider([]() -> CpuBlockCacheStats { throw std::runtime_error("gone"); });
  snapshot = sampler.sample_once();
  EXPECT_FALSE(snapshot.cpu_cache.installed);
  EXPECT_EQ(snapshot.cpu_cache.live_bytes, 0u);
  EXPECT_EQ(snapshot.error, "allocator stats: no CUDA; CPU block cache stats: gone");
  expect_process_and_system_present(snapshot);
}

TEST_F(StatsSamplerTest, ProviderThatThrowsIsRecordedAndTheRestGoesOn) {
  StatsSampler sampler(accounting_, fake_options());
  sampler.set_allocator_provider([]() -> AllocatorStats { throw std::runtime_error("no CUDA"); });
  StatsSnapshot snapshot = sampler.sample_once();
  EXPECT_FALSE(snapshot.allocator.available);
  EXPECT_EQ(snapshot.error, "allocator stats: no CUDA");
  EXPECT_EQ(snapshot.gpu_status, "ok");
  expect_process_and_system_present(snapshot);
}

TEST_F(StatsSamplerTest, MissingLibraryDegradesAndTheRestGoesOn) {
  accounting_.set(MemoryCategory::kLora, "adapter", 77);
  StatsSamplerOptions options = fake_options();
  options.nvml_library = "/nonexistent/libnvidia-ml.so.1";
  StatsSampler sampler(accounting_, options);
  StatsSnapshot snapshot = sampler.sample_once();
  EXPECT_EQ(snapshot.gpu_status.rfind("unavailable: cannot load NVML (/nonexistent/", 0), 0u)
      << snapshot.gpu_status;
  EXPECT_TRUE(snapshot.gpus.empty());
  EXPECT_EQ(snapshot.accounting.lora_bytes, 77);
  expect_process_and_system_present(snapshot);
  EXPECT_EQ(snapshot.error, "");
}

TEST_F(StatsSamplerTest, InitErrorDegradesAndTheRestGoesOn) {
  testing::ScopedEnv mode("FAKE_NVML_MODE", "init_error");
  StatsSampler sampler(accounting_, fake_options());
  StatsSnapshot snapshot = sampler.sample_once();
  EXPECT_EQ(snapshot.gpu_status,
            "unavailable: nvmlInit_v2 failed: Driver Not Loaded (NVML error 9)");
  EXPECT_TRUE(snapshot.gpus.empty());
  expect_process_and_system_present(snapshot);
}

TEST_F(StatsSamplerTest, LibraryFromEnvironmentWhenNotConfigured) {
  testing::ScopedEnv library("TUNEDECK_NVML_LIBRARY", FAKE_NVML_LEGACY_LIBRARY);
  StatsSamplerOptions options;
  StatsSampler sampler(accounting_, options);
  StatsSnapshot snapshot = sampler.sample_once();
  ASSERT_EQ(snapshot.gpus.size(), 2u);
  EXPECT_FALSE(snapshot.gpus[0].name.has_value());  // the legacy fake has no nvmlDeviceGetName
}

TEST_F(StatsSamplerTest, LatestBeforeAnySample) {
  StatsSampler sampler(accounting_, fake_options());
  EXPECT_EQ(sampler.latest().sequence, 0u);
  EXPECT_TRUE(sampler.history().empty());
}

TEST_F(StatsSamplerTest, HistoryKeepsTheNewestInOrder) {
  StatsSampler sampler(accounting_, fake_options(3));
  for (int i = 0; i < 5; ++i) sampler.sample_once();
  std::vector<StatsSnapshot> history = sampler.history();
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0].sequence, 3u);
  EXPECT_EQ(history[1].sequence, 4u);
  EXPECT_EQ(history[2].sequence, 5u);
  EXPECT_EQ(sampler.latest().sequence, 5u);
  std::vector<StatsSnapshot> newest_two = sampler.history(2);
  ASSERT_EQ(newest_two.size(), 2u);
  EXPECT_EQ(newest_two[0].sequence, 4u);
  EXPECT_EQ(newest_two[1].sequence, 5u);
}

TEST_F(StatsSamplerTest, HistoryBeforeTheRingIsFull) {
  StatsSampler sampler(accounting_, fake_options(4));
  sampler.sample_once();
  sampler.sample_once();
  std::vector<StatsSnapshot> history = sampler.history();
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].sequence, 1u);
  EXPECT_EQ(history[1].sequence, 2u);
}

TEST_F(StatsSamplerTest, ThreadSamplesInOrderAndStops) {
  StatsSampler sampler(accounting_, fake_options(100, milliseconds(2)));
  sampler.start();
  EXPECT_TRUE(sampler.running());
  ASSERT_TRUE(wait_for_sequence(sampler, 3));
  sampler.stop();
  EXPECT_FALSE(sampler.running());
  std::vector<StatsSnapshot> history = sampler.history();
  ASSERT_GE(history.size(), 3u);
  for (size_t i = 0; i < history.size(); ++i) {
    EXPECT_EQ(history[i].sequence, i + 1);
    EXPECT_EQ(history[i].gpu_status, "ok");
  }
  uint64_t after_stop = sampler.latest().sequence;
  std::this_thread::sleep_for(milliseconds(20));
  EXPECT_EQ(sampler.latest().sequence, after_stop);  // nothing samples after stop()
}

TEST_F(StatsSamplerTest, StopDoesNotWaitOutTheInterval) {
  StatsSampler sampler(accounting_, fake_options(10, std::chrono::hours(1)));
  sampler.start();
  ASSERT_TRUE(wait_for_sequence(sampler, 1));  // the first sample comes at once
  auto before = std::chrono::steady_clock::now();
  sampler.stop();
  // Not a speed check: only "woken by stop()" (milliseconds) vs "slept the hour".
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::minutes(1));
  EXPECT_FALSE(sampler.running());
}

TEST_F(StatsSamplerTest, RestartsAfterStopAndStartTwiceIsHarmless) {
  StatsSampler sampler(accounting_, fake_options(100, std::chrono::hours(1)));
  sampler.start();
  sampler.start();
  ASSERT_TRUE(wait_for_sequence(sampler, 1));
  sampler.stop();
  sampler.stop();
  sampler.start();
  ASSERT_TRUE(wait_for_sequence(sampler, 2));
  sampler.stop();
  EXPECT_EQ(sampler.history().size(), 2u);
}

TEST_F(StatsSamplerTest, DestructorStopsARunningThread) {
  auto sampler =
      std::make_unique<StatsSampler>(accounting_, fake_options(10, std::chrono::hours(1)));
  sampler->start();
  ASSERT_TRUE(wait_for_sequence(*sampler, 1));
  sampler.reset();  // must join, not terminate
  SUCCEED();
}

TEST_F(StatsSamplerTest, ThrowingProviderOnTheThreadDoesNotEscape) {
  StatsSampler sampler(accounting_, fake_options(10, milliseconds(2)));
  sampler.set_allocator_provider([]() -> AllocatorStats { throw std::runtime_error("boom"); });
  sampler.start();
  ASSERT_TRUE(wait_for_sequence(sampler, 2));
  sampler.stop();
  EXPECT_EQ(sampler.latest().error, "allocator stats: boom");
}

TEST_F(StatsSamplerTest, RejectsBadOptions) {
  StatsSamplerOptions zero_interval = fake_options();
  zero_interval.interval = milliseconds(0);
  try {
    StatsSampler sampler(accounting_, zero_interval);
    FAIL() << "interval 0 accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "stats sampler: interval must be > 0 ms, got 0");
  }
  try {
    StatsSampler sampler(accounting_, fake_options(0));
    FAIL() << "capacity 0 accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "stats sampler: history_capacity must be > 0");
  }
}

}  // namespace
}  // namespace tunedeck
