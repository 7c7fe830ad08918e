// core/kernels/cpu_block_cache: libtorch's CPU tensors of 256 KiB and more reuse freed blocks of
// their size class without page faults, small ones keep the replaced allocator, release() gives the
// freed blocks back to the system, and tensors stay correct across threads.
#include "core/kernels/cpu_block_cache.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "core/runtime.h"

namespace tunedeck {
namespace {

long minor_faults() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

constexpr int64_t kFloats = 16 << 20;  // 64 MiB: over glibc's largest mmap threshold
constexpr long kPages = (64 << 20) / 4096;

// Page faults taken while a fresh 64 MiB tensor is allocated, written and freed; `where` gets the
// address of its data.
long faults_of_one_block(void** where = nullptr) {
  const long before = minor_faults();
  {
    at::Tensor block = at::empty({kFloats}, at::kFloat);
    block.fill_(1.0f);
    EXPECT_EQ(block[kFloats - 1].item<float>(), 1.0f);
    if (where) *where = block.data_ptr();
  }
  return minor_faults() - before;
}

// VmRSS of this process, bytes.
long resident_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6)) * 1024;
  return -1;
}

class CpuBlockCache : public ::testing::Test {
 protected:
  void SetUp() override {
    runtime_init(1);  // installs the cache
    cpu_block_cache_release();
  }
};

TEST(CpuBlockCacheSizeClass, AtMostAnEighthOverAndWholePages) {
  EXPECT_EQ(cpu_block_cache_size_class(256 << 10), size_t{256} << 10);
  EXPECT_EQ(cpu_block_cache_size_class((256 << 10) + 1), size_t{288} << 10);  // next eighth
  EXPECT_EQ(cpu_block_cache_size_class(64 << 20), size_t{64} << 20);
  for (size_t bytes = 256 << 10; bytes < (size_t{1} << 34); bytes = bytes * 13 / 11 + 4097) {
    const size_t size = cpu_block_cache_size_class(bytes);
    EXPECT_GE(size, bytes);
    EXPECT_LE(size, bytes + bytes / 8 + 4096) << bytes;
    EXPECT_EQ(size % 4096, 0u) << bytes;
    EXPECT_EQ(cpu_block_cache_size_class(size), size) << "a class is its own class";
  }
}

TEST_F(CpuBlockCache, FreedTensorMemoryIsReusedWithoutPageFaults) {
  void* first = nullptr;
  void* second = nullptr;
  faults_of_one_block(&first);  // maps and faults in the block
  const CpuBlockCacheStats before = cpu_block_cache_stats();
  EXPECT_TRUE(before.installed);
  EXPECT_GE(before.cached_bytes, size_t{64} << 20);
  const long again = faults_of_one_block(&second);
  EXPECT_EQ(second, first) << "the second tensor should get the first one's block";
  EXPECT_EQ(cpu_block_cache_stats().hits, before.hits + 1);
  EXPECT_LT(again, kPages / 100) << "a reused 64 MiB block faulted " << again << " times";
}

TEST_F(CpuBlockCache, ReleaseGivesFreedBlocksBack) {
  faults_of_one_block();
  const long resident = resident_bytes();
  EXPECT_GE(release_freed_memory(), size_t{64} << 20);
  EXPECT_EQ(cpu_block_cache_stats().cached_bytes, 0u);
  EXPECT_LE(resident_bytes(), resident - (60l << 20)) << "RSS should drop by the released block";
  const uint64_t misses = cpu_block_cache_stats().misses;
  faults_of_one_block();
  EXPECT_EQ(cpu_block_cache_stats().misses, misses + 1) << "nothing cached: a new block is mapped";
}

TEST_F(CpuBlockCache, LiveBytesFollowTheTensors) {
  const size_t live_before = cpu_block_cache_stats().live_bytes;
  {
    at::Tensor a = at::ones({1 << 20}, at::kFloat);  // 4 MiB: cached class
    at::Tensor small = at::ones({100}, at::kFloat);  // 400 bytes: the replaced allocator
    EXPECT_EQ(cpu_block_cache_stats().live_bytes, live_before + (size_t{4} << 20));
    EXPECT_FLOAT_EQ(a.sum().item<float>(), 1 << 20);
    EXPECT_FLOAT_EQ(small.sum().item<float>(), 100);
  }
  EXPECT_EQ(cpu_block_cache_stats().live_bytes, live_before);
  EXPECT_GE(cpu_block_cache_stats().peak_live_bytes, live_before + (size_t{4} << 20));
}

TEST_F(CpuBlockCache, NeighbouringSizesShareAClassAndStayIntact) {
  // Sizes within an eighth share a block; a reused block holds the new tensor's values only.
  { at::Tensor a = at::full({(1 << 20) + 1000}, 3.0f); }
  const uint64_t hits = cpu_block_cache_stats().hits;
  at::Tensor b = at::arange((1 << 20) + 900, at::kFloat);
  EXPECT_EQ(cpu_block_cache_stats().hits, hits + 1);
  EXPECT_FLOAT_EQ(b[(1 << 20) + 899].item<float>(), static_cast<float>((1 << 20) + 899));
  EXPECT_DOUBLE_EQ(b.to(at::kDouble).sum().item<double>(),
                   0.5 * ((1 << 20) + 900.0) * ((1 << 20) + 899.0));
}

TEST_F(CpuBlockCache, ASmallerTensorTakesACachedBlockUpToHalfAgainItsSize) {
  void* big = nullptr;
  {
    at::Tensor a = at::ones({3 << 20}, at::kFloat);  // 12 MiB
    big = a.data_ptr();
  }
  const uint64_t hits = cpu_block_cache_stats().hits;
  {
    at::Tensor far_smaller = at::ones({(3 << 20) / 2}, at::kFloat);  // 6 MiB: half, not taken
    EXPECT_NE(far_smaller.data_ptr(), big);
    EXPECT_EQ(cpu_block_cache_stats().hits, hits);
  }
  at::Tensor smaller = at::arange(5 << 19, at::kFloat);  // 10 MiB: within 1.5x, takes the 12 MiB
  EXPECT_EQ(smaller.data_ptr(), big);
  EXPECT_EQ(cpu_block_cache_stats().hits, hits + 1);
  EXPECT_EQ(cpu_block_cache_stats().live_bytes, size_t{12} << 20) << "counted at the block's size";
  EXPECT_FLOAT_EQ(smaller[(5 << 19) - 1].item<float>(), static_cast<float>((5 << 19) - 1));
}

TEST_F(CpuBlockCache, OverTheLimitTheBlocksFreedLongestAgoGoFirst) {
  cpu_block_cache_install(size_t{20} << 20);  // 20 MiB: room for two 8 MiB blocks
  for (int64_t mib : {8, 4, 2}) {  // sizes far enough apart that none takes another's block
    at::Tensor t = at::ones({mib << 18}, at::kFloat);
  }
  // freed in order 8, 4, 2 MiB (14 MiB cached); a 16 MiB block evicts the 8 and the 4
  { at::Tensor t = at::ones({16 << 18}, at::kFloat); }
  EXPECT_LE(cpu_block_cache_stats().cached_bytes, size_t{20} << 20);
  EXPECT_EQ(cpu_block_cache_stats().cached_bytes, size_t{18} << 20) << "the 16 and the 2 MiB";
  const uint64_t hits = cpu_block_cache_stats().hits;
  { at::Tensor recent = at::ones({2 << 18}, at::kFloat); }  // the 2 MiB, freed most recently
  EXPECT_EQ(cpu_block_cache_stats().hits, hits + 1);
  { at::Tensor evicted = at::ones({8 << 18}, at::kFloat); }  // the 8 MiB was unmapped
  EXPECT_EQ(cpu_block_cache_stats().hits, hits + 1);
  cpu_block_cache_install(0);  // back to the default for the other tests
}

TEST_F(CpuBlockCache, ThreadsAllocateAndFreeConcurrently) {
  std::vector<std::thread> threads;
  std::vector<double> sums(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &sums] {
      for (int round = 0; round < 50; ++round) {
        at::Tensor x = at::full({(1 << 16) * (1 + round % 5)}, static_cast<float>(t + 1));
        sums[t] += x.sum().item<double>() / x.numel();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < 4; ++t) EXPECT_DOUBLE_EQ(sums[t], 50.0 * (t + 1));
}

TEST(Runtime, ThreadCountInEffect) {
  EXPECT_EQ(runtime_init(1), 1);
  EXPECT_GE(runtime_init(0), 1);
}

}  // namespace
}  // namespace tunedeck
