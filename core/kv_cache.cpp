#include "core/kv_cache.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <stdexcept>

namespace tunedeck {

KvCache::KvCache(const ModelConfig& config, int64_t batch, int64_t max_positions,
                 const at::TensorOptions& options)
    : capacity_(max_positions) {
  for (int layer = 0; layer < config.num_layers; ++layer) {
    // Llama's math keeps every position, so that the fast kernels read the cache as they lay it
    // out; a window's keys are the only ones a windowed layer ever reads again
    const bool windowed =
        config.layer_slides(layer) && !config.llama_math() && config.sliding_window < max_positions;
    window_.push_back(windowed ? config.sliding_window : 0);
    const int64_t rows = windowed ? config.sliding_window : max_positions;
    keys_.push_back(at::zeros({batch, config.num_kv_heads, rows, config.head_dim}, options));
    values_.push_back(at::zeros({batch, config.num_kv_heads, rows, config.head_dim}, options));
  }
}

int64_t KvCache::truncate(int64_t positions) {
  if (positions < 0 || positions > size_) throw std::logic_error("KvCache::truncate past size");
  for (int64_t window : window_)
    if (window > 0 && positions < size_ && size_ > window) positions = 0;
  size_ = positions;
  return positions;
}

KvSpan KvCache::write(int layer, int64_t start, const at::Tensor& k, const at::Tensor& v) {
  const int64_t t = k.size(2);
  if (start + t > capacity_)
    throw std::runtime_error("KV cache full: " + std::to_string(start + t) + " positions needed, " +
                             std::to_string(capacity_) + " allocated");
  if (window_[layer] > 0) return write_window(layer, start, k, v);
  keys_[layer].narrow(2, start, t).copy_(k);
  values_[layer].narrow(2, start, t).copy_(v);
  return {keys_[layer].narrow(2, 0, start + t), values_[layer].narrow(2, 0, start + t), 0};
}

// The layer's rows [0, held) hold positions [start - held, start), in order.
KvSpan KvCache::write_window(int layer, int64_t start, const at::Tensor& k, const at::Tensor& v) {
  const int64_t window = window_[layer], held = std::min(start, window);
  at::Tensor& kept_keys = keys_[layer];
  at::Tensor& kept_values = values_[layer];
  KvSpan span;
  span.first = start - held;
  span.keys = held > 0 ? at::cat({kept_keys.narrow(2, 0, held), k}, 2) : k;
  span.values = held > 0 ? at::cat({kept_values.narrow(2, 0, held), v}, 2) : v;
  const int64_t keep = std::min(span.keys.size(2), window);
  const int64_t from = span.keys.size(2) - keep;
  kept_keys.narrow(2, 0, keep).copy_(span.keys.narrow(2, from, keep));
  kept_values.narrow(2, 0, keep).copy_(span.values.narrow(2, from, keep));
  return span;
}

size_t KvCache::bytes() const {
  size_t total = 0;
  for (const auto& t : keys_) total += t.numel() * t.element_size();
  for (const auto& t : values_) total += t.numel() * t.element_size();
  return total;
}

}  // namespace tunedeck
