// Torch-side memory figures for the stats sampler: reports the bytes of real tensors (weights per
// dtype, KV caches, LoRA adapters, optimizer state) into MemoryAccounting, and reads the CUDA
// caching allocator. Not a sampler and not a formatter (stats_sampler, stats_format). Torch-free
// header. Thread rules: any thread; MemoryAccounting locks itself, the allocator query is safe.
#pragma once
#include <cstddef>
#include <string>

#include "core/stats/memory_accounting.h"
#include "core/stats/stats_snapshot.h"

namespace tunedeck {

class LlamaModel;    // core/llama_model.h
struct LoraAdapter;  // core/lora.h

// Reports `model`'s weights: one kWeights entry per dtype ("f32", "bf16"), each the bytes of the
// distinct storages holding that dtype (a tied lm_head shares the embedding's and counts once).
// One model per accounting: weights entries for dtypes the model does not use are removed.
void memory_account_model(MemoryAccounting& accounting, const LlamaModel& model);

// Reports a KV cache held by `holder` ("session 3"); replaces what `holder` reported before.
// Throws std::invalid_argument on an empty holder (MemoryAccounting::set).
void memory_account_kv_cache(MemoryAccounting& accounting, const std::string& holder, size_t bytes);

// Reports a LoRA adapter (every A and B: LoraAdapter::bytes()) held by `holder` ("run 12").
void memory_account_lora(MemoryAccounting& accounting, const std::string& holder,
                         const LoraAdapter& adapter);

// Reports optimizer state bytes (e.g. AdamW::state_bytes(): moments of the trained tensors).
void memory_account_optimizer(MemoryAccounting& accounting, const std::string& holder,
                              size_t bytes);

// The CUDA caching allocator over all devices, for StatsSampler::set_allocator_provider.
// CUDA builds (TUNEDECK_WITH_CUDA): available = true with each device's current allocated and
// reserved bytes summed, peak = the sum of each device's peak, retries and OOMs summed; a device
// this process never used counts 0. available = false where no CUDA device is visible.
// CPU builds: available = false. Throws c10::Error if the allocator refuses a query.
AllocatorStats cuda_allocator_stats();

}  // namespace tunedeck
