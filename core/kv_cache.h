// Preallocated key/value cache for one batch of sequences: [L] x [B, Hkv, S_max, D] for keys and
// values, filled by prefill and then one position per decode step; no allocation after creation.
// Not shared between threads: one cache per generation stream.
#pragma once
#include <ATen/core/Tensor.h>

#include <vector>

#include "core/model_config.h"

namespace tunedeck {

class KvCache {
 public:
  KvCache(const ModelConfig& config, int64_t batch, int64_t max_positions,
          const at::TensorOptions& options);

  int64_t size() const { return size_; }           // positions filled
  int64_t capacity() const { return capacity_; }
  void truncate(int64_t positions);                // keep the first `positions`; REQUIRES <= size()
  void reset() { size_ = 0; }
  // Writes k/v [B, Hkv, T, D] of `layer` at positions [start, start+T) and returns views of
  // [0, start+T). REQUIRES: start + T <= capacity(). The views are valid until the next write.
  std::pair<at::Tensor, at::Tensor> write(int layer, int64_t start, const at::Tensor& k,
                                          const at::Tensor& v);
  void advance(int64_t new_size) { size_ = new_size; }  // called once per forward, after all layers
  size_t bytes() const;

 private:
  std::vector<at::Tensor> keys_;    // [B, Hkv, S_max, D] per layer
  std::vector<at::Tensor> values_;  // [B, Hkv, S_max, D] per layer
  int64_t size_ = 0;
  int64_t capacity_ = 0;
};

}  // namespace tunedeck
