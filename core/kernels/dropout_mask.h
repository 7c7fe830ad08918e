// Dropout for the LoRA branch's input while training: the distribution of at::dropout (each
// element kept with probability 1 - p and scaled by 1 / (1 - p), else 0) with the mask drawn from
// a counter-based hash on every core. libtorch 1.13's CPU dropout draws one number at a time
// under its generator's lock: 8 ms for a 512 x 768 input here, 17% of a LoRA step. Not for
// inference (no dropout there) or GPU tensors (at::dropout is used as is).
#pragma once
#include <ATen/core/Tensor.h>

#include <cstdint>

namespace tunedeck {

// The keep-mask for `numel` elements, already scaled (0 or 1 / (1 - p)), as f32. Element i
// depends only on (seed, i): the same on any thread count.
void dropout_mask_fill(float* mask, int64_t numel, double p, uint64_t seed);

// x * mask, differentiable in x. The seed comes from libtorch's default CPU generator, so
// at::manual_seed makes runs repeat. p must be in [0, 1).
at::Tensor dropout_fast(const at::Tensor& x, double p);

}  // namespace tunedeck
