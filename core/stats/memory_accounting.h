// MemoryAccounting: where the engine reports the bytes it holds (weights per dtype, KV caches,
// LoRA adapters, optimizer state) so stats show them beside NVML and the allocator. Not a
// measurement: callers report their real tensors' sizes. Thread-safe (any thread sets or reads).
// Owned by the app, passed by reference (no global); must outlive every StatsSampler reading it.
#pragma once
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "core/stats/stats_snapshot.h"

namespace tunedeck {

enum class MemoryCategory { kWeights, kKvCache, kLora, kOptimizer };
const char* memory_category_name(MemoryCategory category);  // "weights", "kv_cache", "lora", ...

class MemoryAccounting {
 public:
  // Records that `key` holds `bytes` in `category`, replacing what `key` held there before.
  // For kWeights the key is the dtype name ("bf16", "f32"): the snapshot reports weights per key.
  // For the other categories the key names the holder ("session 3", "run 12") and the snapshot
  // reports the sum. Throws std::invalid_argument on an empty key or negative bytes.
  void set(MemoryCategory category, const std::string& key, int64_t bytes);
  // Forgets `key` in `category`; no-op when it was not set.
  void remove(MemoryCategory category, const std::string& key);
  void clear();

  MemoryAccountingStats snapshot() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<MemoryCategory, std::string>, int64_t> entries_;
};

}  // namespace tunedeck
