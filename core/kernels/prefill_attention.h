// Causal attention of many query positions at once on the CPU (prefill), for inference: each
// query reads only the keys it may see (half the products of a masked square), scores and
// softmax stay in registers and one row buffer, and the result comes out as the rows [B, T, H*D]
// the output projection reads. Grouped-query heads share their kv head. Not for training (no
// autograd), CUDA, or CPUs without AVX-512 (LlamaModel::attention, libtorch's ops, runs there);
// core/kernels/forward_kernels decides when it runs.
#pragma once
#include <ATen/core/Tensor.h>

#include <cstdint>

namespace tunedeck {

// Whether prefill_attention takes these: q [B, H, T, D] and keys/values [B, Hkv, S, D] (views
// whose last dimension is contiguous) on the CPU in one dtype (f32 or bf16), H a multiple of
// Hkv, S = start + T, no gradient wanted, and cpu_rows_supported() (core/kernels/cpu_rows).
bool prefill_attention_applies(const at::Tensor& q, const at::Tensor& keys,
                               const at::Tensor& values, int64_t start);

// softmax(q k^T / sqrt(D), causal: position start + t sees keys [0, start + t]) v, as rows
// [B, T, H * D] in q's dtype (sums and softmax in float32). REQUIRES: prefill_attention_applies.
at::Tensor prefill_attention(const at::Tensor& q, const at::Tensor& keys, const at::Tensor& values,
                             int64_t start);

}  // namespace tunedeck
