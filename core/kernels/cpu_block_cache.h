// A caching allocator for libtorch's CPU tensors: blocks of 256 KiB and more are mapped once,
// kept when their tensor dies and handed to the next tensor of the same size class (or one up
// to 1.5x larger), as PyTorch's CUDA caching allocator does on the GPU; over its limit the
// blocks freed longest ago go back to the system first. Without it, glibc unmaps every block over
// 32 MiB on free, so each training step and prefill faulted its logits, activations and gradients
// in again (a third of a llama-110m LoRA step here), and the heap's free lists cost 14% of
// datebot's training in malloc (bench/RESULTS.md). Not for weights read from disk (those are mmap'd
// views, core/safetensors); small blocks stay with the allocator it replaces. Thread-safe.
#pragma once
#include <cstddef>
#include <cstdint>

#include "core/stats/stats_snapshot.h"

namespace tunedeck {

// CpuBlockCacheStats is in core/stats/stats_snapshot.h (the stats sampler publishes it).

// Makes the cache libtorch's CPU allocator (c10::SetCPUAllocator), once per process; tensors
// allocated before keep their own allocator's deleter. The cache keeps at most `limit_bytes` of
// freed blocks (0: a quarter of physical memory); a freed block that would pass it is unmapped.
// A later call sets the limit again, unmapping the blocks freed longest ago until the cache fits.
// TUNEDECK_CPU_BLOCK_CACHE=0 in the environment leaves libtorch's allocator in place (for A/B
// benchmarks; bench/RESULTS.md).
void cpu_block_cache_install(size_t limit_bytes = 0);

CpuBlockCacheStats cpu_block_cache_stats();

// Unmaps every cached block (live ones are untouched): after a training job or a model swap, so
// memory the process no longer uses goes back to the system. Returns the bytes released.
size_t cpu_block_cache_release();

// The size class of a request of `bytes` (>= 256 KiB): rounded up to a multiple of 1/8 of its
// power of two (so at most 12.5% over), and to whole pages. Exposed for tests.
size_t cpu_block_cache_size_class(size_t bytes);

}  // namespace tunedeck
