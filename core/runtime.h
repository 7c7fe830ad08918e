// Process-wide libtorch set-up and the device/dtype vocabulary of the CLI and config:
// thread count (libtorch defaults to 1 here and drops OpenBLAS to 1 with it), "cpu"/"cuda",
// "f32"/"bf16"/"f16". Call runtime_init() once at start-up, before any torch work.
#pragma once
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include <string>

namespace tunedeck {

// threads <= 0: every core. Returns the count in effect. The first call also makes
// core/kernels/cpu_block_cache libtorch's CPU allocator (freed tensor blocks are reused, not
// unmapped) and applies TUNEDECK_PREFILL_KERNELS (core/kernels/forward_kernels) and
// TUNEDECK_CPU_KERNELS (core/kernels/matvec_kernels); a bad value throws std::runtime_error
// saying what it takes, here and at every later call.
int runtime_init(int threads);

// Gives memory the process holds but no longer uses back to the system: the CPU block cache's
// freed blocks and glibc's free heap pages. After a training job or a model swap. Returns the
// bytes the block cache released.
size_t release_freed_memory();

c10::Device parse_device(const std::string& name);     // throws on unknown / unavailable
c10::ScalarType parse_dtype(const std::string& name);  // f32|float32, bf16|bfloat16, f16|float16
std::string dtype_name(c10::ScalarType dtype);         // "f32", "bf16", "f16"
size_t dtype_size(c10::ScalarType dtype);
bool cuda_available();
// "libtorch 1.13, 2 threads, cpu only, OpenMP waits: GOMP_SPINCOUNT=1000" for logs and --json
std::string runtime_description();
// How libgomp's idle threads wait, from the variables it read at start-up (cli/launcher.cpp sets
// GOMP_SPINCOUNT when neither is set): "OpenMP waits: GOMP_SPINCOUNT=1000".
std::string openmp_wait_description();

}  // namespace tunedeck
