#include "core/stats/torch_memory.h"

#include <ATen/core/Tensor.h>
#include <torch/version.h>

#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>

#include "core/llama_model.h"
#include "core/lora.h"
#include "core/runtime.h"

#ifdef TUNEDECK_WITH_CUDA
#include <ATen/detail/CUDAHooksInterface.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#endif

namespace tunedeck {
namespace {

int64_t checked_bytes(size_t bytes, const char* what, const std::string& holder) {
  if (bytes > static_cast<size_t>(std::numeric_limits<int64_t>::max()))
    throw std::invalid_argument(std::string(what) + " '" + holder + "': " + std::to_string(bytes) +
                                " bytes does not fit in int64");
  return static_cast<int64_t>(bytes);
}

// Bytes per dtype name over the distinct storages behind `weights`: views of one storage (the
// tied lm_head is the embedding itself) count once, with the storage's full size.
std::map<std::string, int64_t> weight_bytes_by_dtype(const LlamaWeights& weights) {
  std::map<std::string, int64_t> bytes;
  std::set<const void*> seen;  // StorageImpl addresses
  for (const auto& [name, tensor] : weights.named()) {
    if (!tensor.defined()) continue;
    if (!seen.insert(tensor.storage().unsafeGetStorageImpl()).second) continue;
    bytes[dtype_name(tensor.scalar_type())] += static_cast<int64_t>(tensor.storage().nbytes());
  }
  return bytes;
}

#ifdef TUNEDECK_WITH_CUDA
// Whether torch has set up the caching allocator for `device` (it does so at CUDA's lazy init,
// before this process's first CUDA tensor); asking an allocator that was not set up throws.
bool allocator_ready(int device) {
#if TORCH_VERSION_MAJOR >= 2
  return c10::cuda::CUDACachingAllocator::get()->initialized();
#else
  // 1.13 has no initialized(); a device without a primary context holds nothing of ours.
  return at::detail::getCUDAHooks().hasPrimaryContext(device);
#endif
}
#endif

}  // namespace

void memory_account_model(MemoryAccounting& accounting, const LlamaModel& model) {
  const std::map<std::string, int64_t> bytes = weight_bytes_by_dtype(model.weights());
  for (const auto& [dtype, old_bytes] : accounting.snapshot().weights_bytes_by_dtype)
    if (!bytes.count(dtype)) accounting.remove(MemoryCategory::kWeights, dtype);
  for (const auto& [dtype, dtype_bytes] : bytes)
    accounting.set(MemoryCategory::kWeights, dtype, dtype_bytes);
}

void memory_account_kv_cache(MemoryAccounting& accounting, const std::string& holder,
                             size_t bytes) {
  accounting.set(MemoryCategory::kKvCache, holder, checked_bytes(bytes, "KV cache", holder));
}

void memory_account_lora(MemoryAccounting& accounting, const std::string& holder,
                         const LoraAdapter& adapter) {
  accounting.set(MemoryCategory::kLora, holder,
                 checked_bytes(adapter.bytes(), "LoRA adapter", holder));
}

void memory_account_optimizer(MemoryAccounting& accounting, const std::string& holder,
                              size_t bytes) {
  accounting.set(MemoryCategory::kOptimizer, holder,
                 checked_bytes(bytes, "optimizer state", holder));
}

#ifdef TUNEDECK_WITH_CUDA
AllocatorStats cuda_allocator_stats() {
  AllocatorStats stats;
  const int devices = c10::cuda::device_count();  // 0 without a driver or a visible GPU
  if (devices == 0) return stats;
  stats.available = true;
  constexpr size_t kAggregate = 0;  // StatType::AGGREGATE: all pools (1.13 and 2.x alike)
  for (int device = 0; device < devices; ++device) {
    if (!allocator_ready(device)) continue;
    // 1.13 returns CUDACachingAllocator::DeviceStats, 2.x c10::CachingDeviceAllocator's: same
    // fields; the device argument is int in 1.13 and c10::DeviceIndex in 2.x.
    const auto device_stats =
        c10::cuda::CUDACachingAllocator::getDeviceStats(static_cast<c10::DeviceIndex>(device));
    stats.allocated_bytes += device_stats.allocated_bytes[kAggregate].current;
    stats.reserved_bytes += device_stats.reserved_bytes[kAggregate].current;
    stats.peak_allocated_bytes += device_stats.allocated_bytes[kAggregate].peak;
    stats.alloc_retries += device_stats.num_alloc_retries;
    stats.ooms += device_stats.num_ooms;
  }
  return stats;
}
#else
AllocatorStats cuda_allocator_stats() {
  return AllocatorStats{};  // a CPU libtorch has no CUDA allocator: available = false
}
#endif

}  // namespace tunedeck
