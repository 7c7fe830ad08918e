#include "core/stats/memory_accounting.h"

#include <stdexcept>

namespace tunedeck {

const char* memory_category_name(MemoryCategory category) {
  switch (category) {
    case MemoryCategory::kWeights:
      return "weights";
    case MemoryCategory::kKvCache:
      return "kv_cache";
    case MemoryCategory::kLora:
      return "lora";
    case MemoryCategory::kOptimizer:
      return "optimizer";
  }
  return "unknown";
}

void MemoryAccounting::set(MemoryCategory category, const std::string& key, int64_t bytes) {
  if (key.empty())
    throw std::invalid_argument(std::string("MemoryAccounting::set: empty key for category ") +
                                memory_category_name(category));
  if (bytes < 0)
    throw std::invalid_argument(std::string("MemoryAccounting::set: negative bytes (") +
                                std::to_string(bytes) + ") for " + memory_category_name(category) +
                                " '" + key + "'");
  std::lock_guard<std::mutex> lock(mutex_);
  entries_[{category, key}] = bytes;
}

void MemoryAccounting::remove(MemoryCategory category, const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.erase({category, key});
}

void MemoryAccounting::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.clear();
}

MemoryAccountingStats MemoryAccounting::snapshot() const {
  MemoryAccountingStats stats;
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [where, bytes] : entries_) {
    const auto& [category, key] = where;
    switch (category) {
      case MemoryCategory::kWeights:
        stats.weights_bytes_by_dtype[key] += bytes;
        break;
      case MemoryCategory::kKvCache:
        stats.kv_cache_bytes += bytes;
        break;
      case MemoryCategory::kLora:
        stats.lora_bytes += bytes;
        break;
      case MemoryCategory::kOptimizer:
        stats.optimizer_bytes += bytes;
        break;
    }
  }
  return stats;
}

}  // namespace tunedeck
