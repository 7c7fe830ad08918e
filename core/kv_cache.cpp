#include "core/kv_cache.h"

#include <ATen/ATen.h>

#include <stdexcept>

namespace tunedeck {

KvCache::KvCache(const ModelConfig& config, int64_t batch, int64_t max_positions,
                 const at::TensorOptions& options)
    : capacity_(max_positions) {
  for (int layer = 0; layer < config.num_layers; ++layer) {
    keys_.push_back(
        at::zeros({batch, config.num_kv_heads, max_positions, config.head_dim}, options));
    values_.push_back(
        at::zeros({batch, config.num_kv_heads, max_positions, config.head_dim}, options));
  }
}

void KvCache::truncate(int64_t positions) {
  if (positions < 0 || positions > size_) throw std::logic_error("KvCache::truncate past size");
  size_ = positions;
}

std::pair<at::Tensor, at::Tensor> KvCache::write(int layer, int64_t start, const at::Tensor& k,
                                                 const at::Tensor& v) {
  const int64_t t = k.size(2);
  if (start + t > capacity_)
    throw std::runtime_error("KV cache full: " + std::to_string(start + t) + " positions needed, " +
                             std::to_string(capacity_) + " allocated");
  keys_[layer].narrow(2, start, t).copy_(k);
  values_[layer].narrow(2, start, t).copy_(v);
  return {keys_[layer].narrow(2, 0, start + t), values_[layer].narrow(2, 0, start + t)};
}

size_t KvCache::bytes() const {
  size_t total = 0;
  for (const auto& t : keys_) total += t.numel() * t.element_size();
  for (const auto& t : values_) total += t.numel() * t.element_size();
  return total;
}

}  // namespace tunedeck
