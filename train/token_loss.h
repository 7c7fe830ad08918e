// The training loss over the positions that carry one: which flattened positions of a batch have
// a target, and the summed negative log-likelihood of those targets from their logits alone. In
// SFT only the assistant's tokens carry loss (a fifth of datebot's), so the model computes the
// head and the log-softmax for those rows only (ForwardOptions::logit_rows). Not the model.
#pragma once
#include <ATen/ATen.h>

namespace tunedeck {

struct LossPositions {
  at::Tensor rows;     // [N] int64: indices into the flattened [B * T] positions with a target
  at::Tensor targets;  // [N] int64: the token each of those positions predicts
  int64_t count = 0;   // N
};

// The positions of `targets` ([B, T] int64, -100 where a position carries no loss), on
// `targets`' device.
LossPositions loss_positions(const at::Tensor& targets);

// Sum over rows of -log softmax(logits[i])[targets[i]], in float32; logits [N, V], targets [N].
// Divide by the token count of the whole accumulation group outside, so every loss token weighs
// the same.
at::Tensor token_nll_sum(const at::Tensor& logits, const at::Tensor& targets);

}  // namespace tunedeck
