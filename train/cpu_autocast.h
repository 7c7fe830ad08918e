// CPU autocast to bf16 for one scope (a training forward), off again on every exit, an exception
// included. Header-only because the trainer and bench/train_bench share it. libtorch 2.4 moved
// the per-device calls of 1.13 behind one API taking the device type and later dropped the old.
// Not for CUDA autocast (nothing here uses it).
#pragma once
#include <ATen/autocast_mode.h>
#include <torch/version.h>

namespace tunedeck {

class CpuBf16Autocast {
 public:
  CpuBf16Autocast() { set(true); }
  ~CpuBf16Autocast() {
    set(false);
    at::autocast::clear_cache();
  }
  CpuBf16Autocast(const CpuBf16Autocast&) = delete;
  CpuBf16Autocast& operator=(const CpuBf16Autocast&) = delete;

 private:
  static void set(bool enabled) {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
    at::autocast::set_autocast_enabled(at::kCPU, enabled);
    if (enabled) at::autocast::set_autocast_dtype(at::kCPU, at::kBFloat16);
#else
    at::autocast::set_cpu_enabled(enabled);
    if (enabled) at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
#endif
  }
};

}  // namespace tunedeck
