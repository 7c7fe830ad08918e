// Preallocated key/value cache for one batch of sequences: [L] x [B, Hkv, S_max, D] for keys and
// values, filled by prefill and then one position per decode step; no allocation after creation
// (the decode scratch below grows once, on the first fast CPU step). A sliding-window layer of a
// model that is not Llama's math (Gemma 3) keeps only its last `sliding_window` positions.
// Not shared between threads: one cache per generation stream, and the scratch it owns follows
// the same rule.
#pragma once
#include <ATen/core/Tensor.h>

#include <vector>

#include "core/model_config.h"

namespace tunedeck {

// The keys and values a layer's attention reads: positions [first, first + keys.size(2)).
struct KvSpan {
  at::Tensor keys;    // [B, Hkv, S, D]
  at::Tensor values;  // [B, Hkv, S, D]
  int64_t first = 0;
};

class KvCache {
 public:
  KvCache(const ModelConfig& config, int64_t batch, int64_t max_positions,
          const at::TensorOptions& options);

  int64_t size() const { return size_; }  // positions filled
  int64_t capacity() const { return capacity_; }
  // Keeps at most the first `positions` (REQUIRES <= size()) and returns how many it kept: all
  // of them, or 0 when a windowed layer has already dropped positions the kept ones would need.
  int64_t truncate(int64_t positions);
  void reset() { size_ = 0; }
  // Writes k/v [B, Hkv, T, D] of `layer` at positions [start, start+T) and returns what its
  // attention reads: [0, start+T), or for a windowed layer the window before start and the new
  // positions. REQUIRES: start + T <= capacity(). The views are valid until the next write.
  KvSpan write(int layer, int64_t start, const at::Tensor& k, const at::Tensor& v);
  void advance(int64_t new_size) { size_ = new_size; }  // called once per forward, after all layers
  size_t bytes() const;  // the K/V tensors (the decode scratch is not counted)

  // The whole [B, Hkv, S_max, D] tensors of `layer` (a windowed layer's: [B, Hkv, window, D]),
  // for kernels that write a position in place (core/kernels/cpu_decode). Positions >= size()
  // hold zeros or stale values.
  const at::Tensor& keys(int layer) const { return keys_[layer]; }
  const at::Tensor& values(int layer) const { return values_[layer]; }
  // Working memory of core/kernels/cpu_decode's step: kept here because a cache serves one stream
  // at a time, so each thread decoding with its own cache gets its own scratch. Sized by the step.
  std::vector<float>& decode_scratch() { return decode_scratch_; }

 private:
  KvSpan write_window(int layer, int64_t start, const at::Tensor& k, const at::Tensor& v);

  std::vector<at::Tensor> keys_;    // [B, Hkv, S_max, D] per layer
  std::vector<at::Tensor> values_;  // [B, Hkv, S_max, D] per layer
  std::vector<int64_t> window_;     // per layer: positions kept when windowed, else 0
  std::vector<float> decode_scratch_;
  int64_t size_ = 0;
  int64_t capacity_ = 0;
};

}  // namespace tunedeck
