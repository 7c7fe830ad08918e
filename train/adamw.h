// AdamW (Loshchilov & Hutter) written out term by term over a list of parameters, with state we
// can save and restore exactly (for --resume). Not a torch::optim wrapper: its state is plain
// tensors. One optimizer per training thread.
#pragma once
#include <ATen/core/Tensor.h>

#include <vector>

namespace tunedeck {

struct AdamWSettings {
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
};

class AdamW {
 public:
  AdamW(std::vector<at::Tensor> params, AdamWSettings settings);

  // One update with rate `lr` from the gradients in params[i].grad(). Parameters without a
  // gradient are skipped. Increments step().
  void step(double lr);
  void zero_grad();
  // Clips the global L2 norm of all gradients to max_norm (<= 0: no clipping); returns the norm
  // before clipping.
  double clip_grad_norm(double max_norm);

  long long steps_taken() const { return step_; }
  // State for checkpoints: exp_avg and exp_avg_sq per parameter, in params order.
  const std::vector<at::Tensor>& exp_avg() const { return m_; }
  const std::vector<at::Tensor>& exp_avg_sq() const { return v_; }
  void restore(long long steps_taken, const std::vector<at::Tensor>& exp_avg,
               const std::vector<at::Tensor>& exp_avg_sq);  // throws on count/shape mismatch
  size_t state_bytes() const;

 private:
  std::vector<at::Tensor> params_;
  AdamWSettings settings_;
  std::vector<at::Tensor> m_, v_;
  long long step_ = 0;
};

}  // namespace tunedeck
