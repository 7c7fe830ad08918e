#include "core/stats/memory_accounting.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <thread>
#include <vector>

namespace tunedeck {
namespace {

// The sums a snapshot reports, and their total.
void expect_sums(const MemoryAccountingStats& stats, int64_t weights, int64_t kv_cache,
                 int64_t lora, int64_t optimizer) {
  EXPECT_EQ(stats.weights_bytes(), weights);
  EXPECT_EQ(stats.kv_cache_bytes, kv_cache);
  EXPECT_EQ(stats.lora_bytes, lora);
  EXPECT_EQ(stats.optimizer_bytes, optimizer);
  EXPECT_EQ(stats.total_bytes(), weights + kv_cache + lora + optimizer);
}

TEST(MemoryAccounting, EmptyReportsZero) {
  MemoryAccounting accounting;
  MemoryAccountingStats stats = accounting.snapshot();
  EXPECT_TRUE(stats.weights_bytes_by_dtype.empty());
  expect_sums(stats, 0, 0, 0, 0);
}

TEST(MemoryAccounting, WeightsPerDtypeOthersSummedOverHolders) {
  MemoryAccounting accounting;
  accounting.set(MemoryCategory::kWeights, "bf16", 2000);
  accounting.set(MemoryCategory::kWeights, "f32", 300);
  accounting.set(MemoryCategory::kKvCache, "session 1", 40);
  accounting.set(MemoryCategory::kKvCache, "session 2", 60);
  accounting.set(MemoryCategory::kLora, "adapter", 7);
  accounting.set(MemoryCategory::kOptimizer, "run 1", 14);
  MemoryAccountingStats stats = accounting.snapshot();
  EXPECT_EQ(stats.weights_bytes_by_dtype,
            (std::map<std::string, int64_t>{{"bf16", 2000}, {"f32", 300}}));
  expect_sums(stats, 2300, 100, 7, 14);  // 2421 in all
}

TEST(MemoryAccounting, SetReplacesWhatTheKeyHeld) {
  MemoryAccounting accounting;
  accounting.set(MemoryCategory::kKvCache, "session 1", 100);
  accounting.set(MemoryCategory::kKvCache, "session 1", 250);
  EXPECT_EQ(accounting.snapshot().kv_cache_bytes, 250);
}

TEST(MemoryAccounting, SameKeyInTwoCategoriesIsTwoEntries) {
  MemoryAccounting accounting;
  accounting.set(MemoryCategory::kLora, "run 1", 10);
  accounting.set(MemoryCategory::kOptimizer, "run 1", 20);
  accounting.remove(MemoryCategory::kLora, "run 1");
  MemoryAccountingStats stats = accounting.snapshot();
  EXPECT_EQ(stats.lora_bytes, 0);
  EXPECT_EQ(stats.optimizer_bytes, 20);
}

TEST(MemoryAccounting, RemoveForgetsAndIgnoresUnknownKeys) {
  MemoryAccounting accounting;
  accounting.set(MemoryCategory::kWeights, "bf16", 5);
  accounting.remove(MemoryCategory::kWeights, "bf16");
  accounting.remove(MemoryCategory::kWeights, "never set");
  EXPECT_TRUE(accounting.snapshot().weights_bytes_by_dtype.empty());
  accounting.set(MemoryCategory::kKvCache, "a", 1);
  accounting.clear();
  EXPECT_EQ(accounting.snapshot().total_bytes(), 0);
}

TEST(MemoryAccounting, RejectsEmptyKeyAndNegativeBytes) {
  MemoryAccounting accounting;
  try {
    accounting.set(MemoryCategory::kKvCache, "session 1", -1);
    FAIL() << "negative bytes accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "MemoryAccounting::set: negative bytes (-1) for kv_cache 'session 1'");
  }
  try {
    accounting.set(MemoryCategory::kWeights, "", 1);
    FAIL() << "empty key accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "MemoryAccounting::set: empty key for category weights");
  }
  EXPECT_EQ(accounting.snapshot().total_bytes(), 0);
}

TEST(MemoryAccounting, ConcurrentWritersAndReaders) {
  MemoryAccounting accounting;
  std::vector<std::thread> threads;
  for (int writer = 0; writer < 4; ++writer) {
    threads.emplace_back([&accounting, writer] {
      for (int i = 1; i <= 1000; ++i)
        accounting.set(MemoryCategory::kKvCache, "session " + std::to_string(writer), i);
    });
  }
  threads.emplace_back([&accounting] {
    for (int i = 0; i < 1000; ++i) EXPECT_LE(accounting.snapshot().kv_cache_bytes, 4000);
  });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(accounting.snapshot().kv_cache_bytes, 4000);
}

TEST(MemoryAccounting, CategoryNames) {
  EXPECT_STREQ(memory_category_name(MemoryCategory::kWeights), "weights");
  EXPECT_STREQ(memory_category_name(MemoryCategory::kKvCache), "kv_cache");
  EXPECT_STREQ(memory_category_name(MemoryCategory::kLora), "lora");
  EXPECT_STREQ(memory_category_name(MemoryCategory::kOptimizer), "optimizer");
}

}  // namespace
}  // namespace tunedeck
