#include "train/token_loss.h"

#include <stdexcept>
#include <string>

namespace tunedeck {

LossPositions loss_positions(const at::Tensor& targets) {
  if (targets.dim() != 2 || targets.scalar_type() != at::kLong)
    throw std::invalid_argument("loss_positions: targets must be [B, T] int64, got " +
                                std::to_string(targets.dim()) + " dims");
  const at::Tensor flat = targets.reshape({-1});
  LossPositions positions;
  positions.rows = (flat != -100).nonzero().reshape({-1});
  positions.targets = flat.index_select(0, positions.rows);
  positions.count = positions.rows.size(0);
  return positions;
}

at::Tensor token_nll_sum(const at::Tensor& logits, const at::Tensor& targets) {
  if (logits.dim() != 2 || targets.dim() != 1 || logits.size(0) != targets.size(0))
    throw std::invalid_argument("token_nll_sum: logits must be [N, V] and targets [N]");
  const at::Tensor log_probs = at::log_softmax(logits.to(at::kFloat), -1);
  return at::nll_loss(log_probs, targets, {}, at::Reduction::Sum, -100);
}

}  // namespace tunedeck
