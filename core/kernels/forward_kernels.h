// Which kernels one LlamaModel::forward call runs, decided once before any math: tunedeck's own
// CPU kernels (this folder) where they apply, libtorch's ops elsewhere, and why, in words. Decided
// per call from the model, the input and the process's state (autograd, autocast,
// TUNEDECK_PREFILL_KERNELS), so replaced weights need no invalidation. Not the math. Thread-safe.
#pragma once
#include <ATen/core/Tensor.h>

#include <string>

#include "core/kv_cache.h"
#include "core/llama_model.h"
#include "core/lora.h"

namespace tunedeck {

// Who runs RMSNorm, RoPE or SwiGLU over the rows of many positions.
enum class RowKernels {
  kLibtorch,   // libtorch's ops: 2-6 each, a temporary each
  kCpuRows,    // one pass each, no autograd (core/kernels/cpu_rows)
  kTrainRows,  // one autograd node each, float32 (core/kernels/train_rows)
};

// Who multiplies the final hidden rows by the head.
enum class HeadKernel {
  kLibtorch,      // at::linear
  kDecodeMatvec,  // one position: the decode step's matrix-vector product (core/kernels/cpu_decode)
  kPrefillGemm,   // core/kernels/prefill_gemm
};

struct ForwardKernels {
  // The whole call is one step of core/kernels/cpu_decode; nothing below is used.
  bool decode_step = false;
  // The layers' products through core/kernels/prefill_gemm: each input is packed once for every
  // weight that reads it, with the RMSNorm or SwiGLU before it computed in the packing pass (so
  // `norm` and `swiglu` below are then the final norm's kernel, and unused). false: at::linear.
  bool prefill_gemm = false;
  RowKernels norm = RowKernels::kLibtorch;  // every RMSNorm not computed in a packing
  RowKernels rope = RowKernels::kLibtorch;
  RowKernels swiglu = RowKernels::kLibtorch;  // when not computed in a packing
  bool prefill_attention = false;  // core/kernels/prefill_attention, else LlamaModel::attention
  HeadKernel head = HeadKernel::kLibtorch;
  // Why, for the bench and tests: "inference on the CPU", "libtorch's ops (this CPU has no
  // AVX-512F)", "autograd", "decode step: one token of batch 1 on the CPU, autograd off", ...
  const char* reason = "";
};

// The kernels model.forward(tokens, cache, start, adapter, options) runs. Decides only: the
// arguments' own errors are forward's to report. REQUIRES: tokens [B, T].
ForwardKernels forward_kernels_choose(const LlamaModel& model, const at::Tensor& tokens,
                                      const KvCache* cache, const LoraAdapter* adapter,
                                      const ForwardOptions& options);

// The plan in one line for the bench: its reason, then who runs what: "inference on the CPU:
// products prefill_gemm (RMSNorm and SwiGLU in its packing), final RMSNorm cpu_rows, RoPE
// cpu_rows, attention prefill_attention, head decode matvec".
std::string forward_kernels_describe(const ForwardKernels& kernels);

// Sets, for the whole process, whether the plan may pick tunedeck's kernels for many rows (all
// of the above but the decode step) from TUNEDECK_PREFILL_KERNELS's value: null, "" or
// "tunedeck" (the default) allows them, "torch" keeps libtorch's ops (to compare the two in
// `tunedeck bench` and `tunedeck_train_bench`). Throws std::runtime_error on any other value.
// runtime_init() calls it once with the environment's value.
void forward_kernels_configure(const char* prefill_kernels);

// Whether tunedeck's kernels for many rows may run: this CPU runs them (cpu_rows_supported())
// and forward_kernels_configure did not turn them off.
bool forward_kernels_many_rows();

}  // namespace tunedeck
