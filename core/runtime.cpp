#include "core/runtime.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <thread>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "core/kernels/cpu_block_cache.h"
#include "core/kernels/forward_kernels.h"
#include "core/kernels/matvec_kernels.h"

namespace tunedeck {

size_t release_freed_memory() {
  const size_t released = cpu_block_cache_release();
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
  return released;
}

int runtime_init(int threads) {
  cpu_block_cache_install();
  // read once per process; a bad value leaves the flag unset, so every call says so
  static std::once_flag kernels_read;
  std::call_once(kernels_read, [] {
    forward_kernels_configure(std::getenv("TUNEDECK_PREFILL_KERNELS"));
    matvec_kernels_configure(std::getenv("TUNEDECK_CPU_KERNELS"));
  });
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  at::set_num_threads(threads);
  return at::get_num_threads();
}

bool cuda_available() { return torch::cuda::is_available(); }

c10::Device parse_device(const std::string& name) {
  if (name.empty() || name == "cpu") return c10::Device(c10::kCPU);
  if (name.rfind("cuda", 0) == 0) {
    if (!cuda_available())
      throw std::runtime_error("device '" + name +
                               "' requested but CUDA is not available (this "
                               "build or machine has no GPU); use --device cpu");
    return c10::Device(name);
  }
  throw std::runtime_error("unknown device '" + name + "' (use cpu or cuda[:N])");
}

c10::ScalarType parse_dtype(const std::string& name) {
  if (name == "f32" || name == "float32" || name == "float") return c10::kFloat;
  if (name == "bf16" || name == "bfloat16") return c10::kBFloat16;
  if (name == "f16" || name == "float16" || name == "half") return c10::kHalf;
  throw std::runtime_error("unknown dtype '" + name + "' (use f32, bf16 or f16)");
}

std::string dtype_name(c10::ScalarType dtype) {
  switch (dtype) {
    case c10::kFloat:
      return "f32";
    case c10::kBFloat16:
      return "bf16";
    case c10::kHalf:
      return "f16";
    default:
      return c10::toString(dtype);
  }
}

size_t dtype_size(c10::ScalarType dtype) { return c10::elementSize(dtype); }

std::string openmp_wait_description() {
  const char* policy = std::getenv("OMP_WAIT_POLICY");
  const char* spins = std::getenv("GOMP_SPINCOUNT");
  std::string text;
  if (policy) text += std::string("OMP_WAIT_POLICY=") + policy;
  if (spins) text += std::string(text.empty() ? "" : " ") + "GOMP_SPINCOUNT=" + spins;
  return text.empty()
             ? "OpenMP waits: libgomp's default (not started through the tunedeck launcher)"
             : "OpenMP waits: " + text;
}

std::string runtime_description() {
  return "libtorch " + std::to_string(TORCH_VERSION_MAJOR) + "." +
         std::to_string(TORCH_VERSION_MINOR) + ", " + std::to_string(at::get_num_threads()) +
         " threads" + (cuda_available() ? ", cuda available" : ", cpu only") + ", " +
         openmp_wait_description();
}

}  // namespace tunedeck
