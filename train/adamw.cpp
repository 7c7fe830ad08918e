#include "train/adamw.h"

#include <ATen/ATen.h>

#include <cmath>
#include <stdexcept>

namespace tunedeck {

AdamW::AdamW(std::vector<at::Tensor> params, AdamWSettings settings)
    : params_(std::move(params)), settings_(settings) {
  for (const auto& p : params_) {
    m_.push_back(at::zeros_like(p, at::TensorOptions().dtype(at::kFloat)));
    v_.push_back(at::zeros_like(p, at::TensorOptions().dtype(at::kFloat)));
  }
}

void AdamW::zero_grad() {
  for (auto& p : params_)
    if (p.grad().defined()) p.mutable_grad().zero_();
}

double AdamW::clip_grad_norm(double max_norm) {
  at::NoGradGuard no_grad;
  double total_sq = 0;
  for (const auto& p : params_)
    if (p.grad().defined()) total_sq += p.grad().to(at::kFloat).pow(2).sum().item<double>();
  const double norm = std::sqrt(total_sq);
  if (max_norm > 0 && norm > max_norm) {
    const double factor = max_norm / (norm + 1e-6);
    for (auto& p : params_)
      if (p.grad().defined()) p.mutable_grad().mul_(factor);
  }
  return norm;
}

// theta <- theta - lr * (m_hat / (sqrt(v_hat) + eps) + weight_decay * theta)   (decoupled decay)
void AdamW::step(double lr) {
  at::NoGradGuard no_grad;
  ++step_;
  const double b1 = settings_.beta1, b2 = settings_.beta2;
  const double bias1 = 1.0 - std::pow(b1, static_cast<double>(step_));
  const double bias2 = 1.0 - std::pow(b2, static_cast<double>(step_));
  for (size_t i = 0; i < params_.size(); ++i) {
    at::Tensor& p = params_[i];
    if (!p.grad().defined()) continue;
    at::Tensor g = p.grad().to(at::kFloat);
    m_[i].mul_(b1).add_(g, 1.0 - b1);         // m = b1 m + (1 - b1) g
    v_[i].mul_(b2).addcmul_(g, g, 1.0 - b2);  // v = b2 v + (1 - b2) g^2
    at::Tensor update = (m_[i] / bias1) / ((v_[i] / bias2).sqrt_().add_(settings_.eps));
    if (settings_.weight_decay != 0) p.mul_(1.0 - lr * settings_.weight_decay);
    p.sub_(update.to(p.scalar_type()), lr);
  }
}

void AdamW::restore(long long steps_taken, const std::vector<at::Tensor>& exp_avg,
                    const std::vector<at::Tensor>& exp_avg_sq) {
  if (exp_avg.size() != params_.size() || exp_avg_sq.size() != params_.size())
    throw std::runtime_error("optimizer state holds " + std::to_string(exp_avg.size()) +
                             " tensors, the run trains " + std::to_string(params_.size()));
  at::NoGradGuard no_grad;
  for (size_t i = 0; i < params_.size(); ++i) {
    if (!exp_avg[i].sizes().equals(m_[i].sizes()) || !exp_avg_sq[i].sizes().equals(v_[i].sizes()))
      throw std::runtime_error("optimizer state tensor " + std::to_string(i) +
                               " has the wrong shape");
    m_[i].copy_(exp_avg[i]);
    v_[i].copy_(exp_avg_sq[i]);
  }
  step_ = steps_taken;
}

size_t AdamW::state_bytes() const {
  size_t total = 0;
  for (const auto& t : m_) total += t.numel() * t.element_size();
  for (const auto& t : v_) total += t.numel() * t.element_size();
  return total;
}

}  // namespace tunedeck
