// Row-wise inference kernels on the CPU for many rows at once (prefill): RMSNorm and SwiGLU over
// float32 or bf16 rows in one pass and one parallel region, where libtorch runs 3-6 ops with a
// temporary each (and, in bf16, a conversion per op). The row functions are also what
// core/kernels/prefill_gemm fuses into its packing. Not for training (no autograd), CUDA, or CPUs
// without AVX-512F; core/kernels/forward_kernels decides when they run.
#pragma once
#include <ATen/core/Tensor.h>

#include <cstdint>

namespace tunedeck {

// Whether this CPU runs tunedeck's kernels for many rows (these, core/kernels/prefill_gemm,
// core/kernels/prefill_attention and the training nodes of core/kernels/train_rows): AVX-512F,
// with AVX2 and FMA.
bool cpu_rows_supported();

// Whether the tensor kernels below take x: on the CPU, float32 or bf16, no gradient wanted,
// at least one dimension, and cpu_rows_supported().
bool cpu_rows_apply(const at::Tensor& x);

// weight * (x / sqrt(mean(x^2) + eps)) over the last dimension, statistics in float32; for bf16
// the normalised row is rounded to bf16 before the weight multiplies it, as LlamaModel's
// libtorch path does. REQUIRES: cpu_rows_apply(x), weight [K] in x's dtype.
at::Tensor rms_norm_rows(const at::Tensor& x, const at::Tensor& weight, double eps);

// silu(gate) * up (silu rounded to the dtype first, as libtorch's two ops do).
// REQUIRES: cpu_rows_apply(gate), up of the same shape and dtype.
at::Tensor swiglu_rows(const at::Tensor& gate, const at::Tensor& up);

// RoPE (Hugging Face's rotate_half layout) on the rows of a projection: rows [B, T, heads * D],
// cos/sin [T, D] for the rows' positions (x's dtype). Returns [B, heads, T, D] contiguous, the
// layout attention reads, so the transpose costs no pass of its own. bf16 rounds after each
// product and the sum, as libtorch's ops do. REQUIRES: cpu_rows_apply(rows).
at::Tensor rope_rows_to_heads(const at::Tensor& rows, int64_t heads, const at::Tensor& cos,
                              const at::Tensor& sin);

// One float32 row of K: out = weight * (x * (1 / sqrt(mean(x^2) + eps))). REQUIRES: AVX-512F.
void rms_norm_row_f32(const float* x, const float* weight, double eps, int64_t K, float* out);

// One float32 row of K: out = gate / (1 + e^-gate) * up. REQUIRES: AVX-512F.
void swiglu_row_f32(const float* gate, const float* up, int64_t K, float* out);

}  // namespace tunedeck
