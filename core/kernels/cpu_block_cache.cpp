#include "core/kernels/cpu_block_cache.h"

#include <c10/core/Allocator.h>
#include <c10/core/CPUAllocator.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
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

  void set_limit(size_t limit) {
    std::vector<std::pair<void*, size_t>> unmap;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      limit_ = limit;
      while (cached_bytes_ > limit_) unmap.push_back(evict_oldest());
    }
    for (const auto& [block, size] : unmap) munmap(block, size);
  }

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
      for (const auto& [size, cached] : cached_) unmap.emplace_back(cached.block, size);
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
  // The smallest cached block of `size` up to 1.5 times it: shapes that vary from step to step
  // (training batches grouped by length) reuse a block a few classes larger instead of mapping
  // a new one.
  void* take_cached(size_t size) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = cached_.lower_bound(size);
    if (it == cached_.end() || it->first > size + size / 2) return nullptr;
    void* block = it->second.block;
    const size_t block_size = it->first;
    cached_.erase(it);
    cached_bytes_ -= block_size;
    note_live(block, block_size);
    hits_++;
    return block;
  }

  void* map_block(size_t size) {
    void* block = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (block == MAP_FAILED && release() > 0)  // cached blocks of other sizes may be in the way
      block = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (block == MAP_FAILED) return nullptr;
    if (size >= kHugePageBytes)
      madvise(block, size, MADV_HUGEPAGE);  // a hint; fewer faults/TLB misses
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

  // A tensor's block comes back and is kept for the next tensor of its size; when that would
  // pass the limit, the blocks freed longest ago are unmapped first (the shapes in use change:
  // a cache that kept its first blocks and dropped new ones missed on every step).
  // Returns false for a block that is not one of the cache's (a small one).
  bool give_back(void* block) {
    std::vector<std::pair<void*, size_t>> unmap;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = live_.find(block);
      if (it == live_.end()) return false;
      const size_t size = it->second;
      live_.erase(it);
      live_bytes_ -= size;
      if (size > limit_) {
        unmap.emplace_back(block, size);
      } else {
        while (cached_bytes_ + size > limit_) unmap.push_back(evict_oldest());
        cached_.emplace(size, CachedBlock{block, ++free_count_});
        cached_bytes_ += size;
      }
    }
    for (const auto& [old_block, old_size] : unmap) munmap(old_block, old_size);
    return true;
  }

  // Removes the block freed longest ago from the cache; the caller unmaps it.
  // REQUIRES: mutex_ held, the cache not empty.
  std::pair<void*, size_t> evict_oldest() {
    auto oldest = cached_.begin();
    for (auto it = cached_.begin(); it != cached_.end(); ++it)
      if (it->second.freed < oldest->second.freed) oldest = it;
    const std::pair<void*, size_t> evicted{oldest->second.block, oldest->first};
    cached_bytes_ -= oldest->first;
    cached_.erase(oldest);
    return evicted;
  }

  struct CachedBlock {
    void* block;
    uint64_t freed;  // order of freeing: higher = more recent
  };

  c10::Allocator* fallback_;
  size_t limit_;  // guarded by mutex_
  std::mutex mutex_;
  std::unordered_map<void*, size_t> live_;
  std::multimap<size_t, CachedBlock> cached_;  // freed blocks by size, smallest first
  size_t live_bytes_ = 0, cached_bytes_ = 0, peak_live_bytes_ = 0;
  uint64_t free_count_ = 0;
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
constexpr bool kConstAllocate = std::is_same_v<decltype(&c10::Allocator::allocate),
                                               c10::DataPtr (c10::Allocator::*)(size_t) const>;

// What both shapes share: the deleter, and copy_data (pure virtual from 2.3, a plain member
// before).
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
  const size_t limit = limit_bytes ? limit_bytes : physical_memory_bytes() / 4;
  bool installed_now = false;
  std::call_once(g_install, [limit, &installed_now] {
    const char* off = std::getenv("TUNEDECK_CPU_BLOCK_CACHE");
    if (off && std::string(off) == "0") return;  // A/B benchmarks: libtorch's own allocator
    g_cache = new BlockCache(c10::GetCPUAllocator(), limit);
    static CacheAllocator<kConstAllocate> allocator;
    c10::SetCPUAllocator(&allocator, /*priority=*/1);
    installed_now = true;
  });
  if (g_cache && !installed_now) g_cache->set_limit(limit);
}

CpuBlockCacheStats cpu_block_cache_stats() {
  return g_cache ? g_cache->stats() : CpuBlockCacheStats{};
}

size_t cpu_block_cache_release() { return g_cache ? g_cache->release() : 0; }

}  // namespace tunedeck
