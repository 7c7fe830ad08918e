#include "core/cpu_block_cache.h"

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <mutex>
#include <type_traits>
#include <unordered_map>
#include <vector>

namespace tunedeck {
namespace {

constexpr size_t kMinCachedBytes = 256 << 10;  // smaller blocks: the allocator replaced
constexpr size_t kHugePageBytes = 2 << 20;

size_t physical_memory_bytes() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? static_cast<size_t>(pages) * static_cast<size_t>(page)
                               : size_t{8} << 30;
}

// The cache's state; one per process, never destroyed (tensors may die during exit).
class BlockCache {
 public:
  BlockCache(c10::Allocator* fallback, size_t limit) : fallback_(fallback), limit_(limit) {}

  c10::DataPtr allocate(size_t bytes) {
    if (bytes < kMinCachedBytes) return fallback_->allocate(bytes);
    const size_t size = cpu_block_cache_size_class(bytes);
    void* block = take_cached(size);
    if (!block) block = map_block(size);
    if (!block) return fallback_->allocate(bytes);  // out of memory: its error names the size
    return c10::DataPtr(block, block, &BlockCache::free_any, c10::Device(c10::DeviceType::CPU));
  }

  // The deleter of every block this allocator hands out, small ones (the replaced allocator's,
  // reached through raw_deleter) included.
  static void free_any(void* block);

  CpuBlockCacheStats stats() {
    std::lock_guard<std::mutex> lock(mutex_);
    CpuBlockCacheStats s;
    s.installed = true;
    s.live_bytes = live_bytes_;
    s.cached_bytes = cached_bytes_;
    s.peak_live_bytes = peak_live_bytes_;
    s.limit_bytes = limit_;
    s.hits = hits_;
    s.misses = misses_;
    return s;
  }

  size_t release() {
    std::vector<std::pair<void*, size_t>> unmap;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (auto& [size, blocks] : cached_)
        for (void* block : blocks) unmap.emplace_back(block, size);
      cached_.clear();
      cached_bytes_ = 0;
    }
    size_t released = 0;
    for (const auto& [block, size] : unmap) {
      munmap(block, size);
      released += size;
    }
    return released;
  }

 private:
  void* take_cached(size_t size) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = cached_.find(size);
    if (it == cached_.end() || it->second.empty()) return nullptr;
    void* block = it->second.back();
    it->second.pop_back();
    cached_bytes_ -= size;
    note_live(block, size);
    hits_++;
    return block;
  }

  void* map_block(size_t size) {
    void* block = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (block == MAP_FAILED && release() > 0)  // cached blocks of other sizes may be in the way
      block = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (block == MAP_FAILED) return nullptr;
    if (size >= kHugePageBytes) madvise(block, size, MADV_HUGEPAGE);  // a hint; fewer faults/TLB misses
    std::lock_guard<std::mutex> lock(mutex_);
    note_live(block, size);
    misses_++;
    return block;
  }

  void note_live(void* block, size_t size) {  // REQUIRES: mutex_ held
    live_[block] = size;
    live_bytes_ += size;
    peak_live_bytes_ = std::max(peak_live_bytes_, live_bytes_);
  }

  // A tensor's block comes back: kept for the next tensor of its size class while the cache is
  // under its limit, else unmapped.
  // Returns false for a block that is not one of the cache's (a small one).
  bool give_back(void* block) {
    size_t size = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = live_.find(block);
      if (it == live_.end()) return false;
      size = it->second;
      live_.erase(it);
      live_bytes_ -= size;
      if (cached_bytes_ + size <= limit_) {
        cached_[size].push_back(block);
        cached_bytes_ += size;
        return true;
      }
    }
    munmap(block, size);
    return true;
  }

  c10::Allocator* fallback_;
  const size_t limit_;
  std::mutex mutex_;
  std::unordered_map<void*, size_t> live_;
  std::unordered_map<size_t, std::vector<void*>> cached_;  // size class -> freed blocks
  size_t live_bytes_ = 0, cached_bytes_ = 0, peak_live_bytes_ = 0;
  uint64_t hits_ = 0, misses_ = 0;
};

BlockCache* g_cache = nullptr;  // set once under g_install, then read-only
std::once_flag g_install;

void BlockCache::free_any(void* block) {
  if (!block || g_cache->give_back(block)) return;
  const c10::DeleterFnPtr small = g_cache->fallback_->raw_deleter();
  if (small) small(block);
}

// libtorch 2.3 made Allocator::allocate non-const and added a pure copy_data; both shapes are
// covered by picking the specialisation that matches this libtorch's declaration.
constexpr bool kConstAllocate =
    std::is_same_v<decltype(&c10::Allocator::allocate), c10::DataPtr (c10::Allocator::*)(size_t) const>;

// What both shapes share: the deleter, and copy_data (pure virtual from 2.3, a plain member before).
struct CacheAllocatorBase : c10::Allocator {
  c10::DeleterFnPtr raw_deleter() const override { return &BlockCache::free_any; }
  void copy_data(void* dest, const void* src, size_t count) const { std::memcpy(dest, src, count); }
};

template <bool kConst, typename Base = CacheAllocatorBase>
struct CacheAllocator;

template <typename Base>
struct CacheAllocator<true, Base> final : Base {
  c10::DataPtr allocate(size_t bytes) const override { return g_cache->allocate(bytes); }
};

template <typename Base>
struct CacheAllocator<false, Base> final : Base {
  c10::DataPtr allocate(size_t bytes) override { return g_cache->allocate(bytes); }
};

}  // namespace

size_t cpu_block_cache_size_class(size_t bytes) {
  size_t power = 1;
  while (power * 2 <= bytes) power *= 2;
  const size_t step = std::max<size_t>(power / 8, 4096);
  return (bytes + step - 1) / step * step;
}

void cpu_block_cache_install(size_t limit_bytes) {
  std::call_once(g_install, [limit_bytes] {
    const char* off = std::getenv("TUNEDECK_CPU_BLOCK_CACHE");
    if (off && std::string(off) == "0") return;  // A/B benchmarks: libtorch's own allocator
    const size_t limit = limit_bytes ? limit_bytes : physical_memory_bytes() / 4;
    g_cache = new BlockCache(c10::GetCPUAllocator(), limit);
    static CacheAllocator<kConstAllocate> allocator;
    c10::SetCPUAllocator(&allocator, /*priority=*/1);
  });
}

CpuBlockCacheStats cpu_block_cache_stats() {
  return g_cache ? g_cache->stats() : CpuBlockCacheStats{};
}

size_t cpu_block_cache_release() { return g_cache ? g_cache->release() : 0; }

}  // namespace tunedeck
