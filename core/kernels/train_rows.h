// Row-wise ops for training on the CPU as one autograd node each: RMSNorm, SwiGLU and RoPE, one
// pass forward (core/kernels/cpu_rows) and one pass backward, where libtorch records 2-6 ops
// forward and runs their backward ops over the whole activation, each a pass of its own. float32
// only (bf16 autocast leaves SwiGLU and RoPE to libtorch). Not for CUDA or CPUs without AVX-512;
// core/kernels/forward_kernels decides when they run.
#pragma once
#include <ATen/core/Tensor.h>

namespace tunedeck {

// x: float32 [..., K] on the CPU, weight float32 [K]; cpu_rows_supported() (core/kernels/cpu_rows).
bool rms_norm_grad_applies(const at::Tensor& x, const at::Tensor& weight);

// weight * x / sqrt(mean(x^2) + eps), differentiable in x and weight. REQUIRES: applies.
at::Tensor rms_norm_with_grad(const at::Tensor& x, const at::Tensor& weight, double eps);

// gate, up: float32, one shape, on the CPU; cpu_rows_supported().
bool swiglu_grad_applies(const at::Tensor& gate, const at::Tensor& up);

// silu(gate) * up, differentiable in both. REQUIRES: swiglu_grad_applies.
at::Tensor swiglu_with_grad(const at::Tensor& gate, const at::Tensor& up);

// rows: float32 [B, T, heads * D] on the CPU, cos/sin float32 [T, D], D even;
// cpu_rows_supported().
bool rope_grad_applies(const at::Tensor& rows, int64_t heads, const at::Tensor& cos,
                       const at::Tensor& sin);

// RoPE from projection rows into [B, heads, T, D] (core/kernels/cpu_rows' rope_rows_to_heads),
// differentiable in rows (the tables are constants). REQUIRES: rope_grad_applies.
at::Tensor rope_with_grad(const at::Tensor& rows, int64_t heads, const at::Tensor& cos,
                          const at::Tensor& sin);

}  // namespace tunedeck
