#include "core/kernels/cpu_decode.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/GradMode.h>
#include <c10/util/BFloat16.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/kernels/matvec_kernels.h"

namespace tunedeck {
namespace {

// Weights and cache entries are read as `float` (f32) or Bf16Bits (core/kernels/matvec_kernels.h).

inline void store(float value, float* out) { *out = value; }
inline void store(float value, Bf16Bits* out) { *out = c10::BFloat16(value).x; }  // nearest even

inline float dot(const float* w, const float* x, int64_t n) {
  return matvec_kernels().dot_f32(w, x, n);
}
inline float dot(const Bf16Bits* w, const float* x, int64_t n) {
  return matvec_kernels().dot_bf16(w, x, n);
}

inline void rows_times(const float* w, int64_t rows, int64_t cols, const float* x, float* y) {
  matvec_kernels().rows_f32(w, rows, cols, x, y);
}
inline void rows_times(const Bf16Bits* w, int64_t rows, int64_t cols, const float* x, float* y) {
  matvec_kernels().rows_bf16(w, rows, cols, x, y);
}

// out[0, n) += scale * row[0, n)
template <typename W>
void add_scaled_row(float* out, float scale, const W* row, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] += scale * widen(row[i]);
}

// ---- matrix-vector product ----

// Below this many multiply-adds a share of a product is not worth waking a thread: stories260k's
// matrices (64 columns, <= 512 rows) stay on the calling thread.
constexpr int64_t kMinMacsPerTask = 1 << 15;

int64_t rows_per_task(int64_t columns) {
  return std::max<int64_t>(1, kMinMacsPerTask / std::max<int64_t>(1, columns));
}

// One product of a group that shares its input vector: y[rows] = weight x.
struct MatvecOutput {
  const at::Tensor* weight;
  float* y;
};

// Every product of `outputs` (same column count) with the same x, in ONE parallel region: their
// rows are split among the threads as if the matrices were stacked, so the threads wake and
// meet once for q, k and v (or gate and up) instead of once per matrix.
template <typename W, size_t N>
void matvec_group(const std::array<MatvecOutput, N>& outputs, const float* x) {
  const int64_t cols = outputs[0].weight->size(1);
  std::array<int64_t, N + 1> first_row{};  // first_row[i]: the stacked row where product i starts
  for (size_t i = 0; i < N; ++i) first_row[i + 1] = first_row[i] + outputs[i].weight->size(0);
  at::parallel_for(0, first_row[N], rows_per_task(cols), [&](int64_t begin, int64_t end) {
    for (size_t i = 0; i < N; ++i) {
      const int64_t from = std::max(begin, first_row[i]), to = std::min(end, first_row[i + 1]);
      if (from >= to) continue;
      const W* rows = static_cast<const W*>(outputs[i].weight->data_ptr());
      const int64_t local = from - first_row[i];
      rows_times(rows + local * cols, to - from, cols, x, outputs[i].y + local);
    }
  });
}

// y[rows] = weight [rows, cols] x [cols], rows shared among at::get_num_threads() threads.
template <typename W>
void matvec(const at::Tensor& weight, const float* x, float* y) {
  matvec_group<W, 1>({{{&weight, y}}}, x);
}

// ---- the checks behind cpu_decode_applies ----

bool on_cpu_contiguous(const at::Tensor& t, at::ScalarType dtype) {
  return t.defined() && t.device().is_cpu() && t.scalar_type() == dtype && t.is_contiguous();
}

bool vector_fits(const at::Tensor& t, int64_t n, at::ScalarType dtype) {
  return on_cpu_contiguous(t, dtype) && t.dim() == 1 && t.size(0) == n;
}

bool matrix_fits(const at::Tensor& t, int64_t rows, int64_t cols, at::ScalarType dtype) {
  return on_cpu_contiguous(t, dtype) && t.dim() == 2 && t.size(0) == rows && t.size(1) == cols;
}

bool layer_fits(const LlamaLayerWeights& l, int64_t C, int64_t HD, int64_t KVD, int64_t F,
                at::ScalarType dtype) {
  return vector_fits(l.attn_norm, C, dtype) && matrix_fits(l.wq, HD, C, dtype) &&
         matrix_fits(l.wk, KVD, C, dtype) && matrix_fits(l.wv, KVD, C, dtype) &&
         matrix_fits(l.wo, C, HD, dtype) && vector_fits(l.mlp_norm, C, dtype) &&
         matrix_fits(l.w_gate, F, C, dtype) && matrix_fits(l.w_up, F, C, dtype) &&
         matrix_fits(l.w_down, C, F, dtype);
}

// Every pair f32 on the CPU, A [rank, in] and B [out, rank] for its weight [out, in].
bool adapter_fits(const LoraAdapter& adapter, const LlamaWeights& weights) {
  if (adapter.layers.size() != weights.layers.size() || adapter.rank <= 0) return false;
  for (size_t i = 0; i < adapter.layers.size(); ++i) {
    for (int t = 0; t < kLoraTargetCount; ++t) {
      const LoraPair& pair = adapter.layers[i][t];
      if (!pair.defined()) continue;
      const at::Tensor& w = lora_base_weight(weights.layers[i], static_cast<LoraTarget>(t));
      if (!matrix_fits(pair.a, adapter.rank, w.size(1), at::kFloat) ||
          !matrix_fits(pair.b, w.size(0), adapter.rank, at::kFloat))
        return false;
    }
  }
  return true;
}

// ---- the step ----

// The step's float32 working vectors, carved from the cache's scratch.
struct StepBuffers {
  float* x;         // [C]       residual stream
  float* normed;    // [C]       RMSNorm output: input of q/k/v, of gate/up, of lm_head
  float* q;         // [H*D]
  float* k;         // [Hkv*D]
  float* v;         // [Hkv*D]
  float* att;       // [H*D]     attention output, input of o_proj
  float* out;       // [C]       o_proj / down_proj output before the residual add
  float* gate;      // [F]       gate, then silu(gate) * up
  float* up;        // [F]
  float* scores;    // [H, S_max] attention scores, then probabilities
  float* lora_mid;  // [r]       in A^T
  float* lora_out;  // [max(H*D, C, F)] (in A^T) B^T
};

// Sizes the scratch on first use (the step's only growth) and points the buffers into it.
StepBuffers carve_buffers(std::vector<float>& scratch, const ModelConfig& c, int64_t capacity,
                          int64_t lora_rank) {
  const int64_t C = c.hidden_size, H = c.num_heads, HD = H * c.head_dim,
                KVD = int64_t{c.num_kv_heads} * c.head_dim, F = c.intermediate_size;
  const int64_t total =
      3 * C + 2 * HD + 2 * KVD + 2 * F + H * capacity + lora_rank + std::max({HD, C, F});
  if (static_cast<int64_t>(scratch.size()) < total) scratch.resize(total);
  float* next = scratch.data();
  auto take = [&next](int64_t n) {
    float* buffer = next;
    next += n;
    return buffer;
  };
  StepBuffers b;
  b.x = take(C);
  b.normed = take(C);
  b.q = take(HD);
  b.k = take(KVD);
  b.v = take(KVD);
  b.att = take(HD);
  b.out = take(C);
  b.gate = take(F);
  b.up = take(F);
  b.scores = take(H * capacity);
  b.lora_mid = take(lora_rank);
  b.lora_out = take(std::max({HD, C, F}));
  return b;
}

// out = weight * x / rms(x), statistics in float32 as Hugging Face computes them.
template <typename W>
void rms_norm(const float* x, const at::Tensor& weight, double eps, int64_t n, float* out) {
  const W* w = static_cast<const W*>(weight.data_ptr());
  const float mean_square = dot(x, x, n) / static_cast<float>(n);
  const float inv_rms = 1.0f / std::sqrt(mean_square + static_cast<float>(eps));
  for (int64_t i = 0; i < n; ++i) out[i] = widen(w[i]) * (x[i] * inv_rms);
}

// Rotates `heads` consecutive heads of D values in place (rotate_half layout, core/rope.h).
template <typename W>
void rope_rotate(float* x, int64_t heads, int64_t D, const W* cos, const W* sin) {
  const int64_t half = D / 2;
  for (int64_t h = 0; h < heads; ++h, x += D) {
    for (int64_t i = 0; i < half; ++i) {
      const float a = x[i], b = x[i + half];
      x[i] = a * widen(cos[i]) - b * widen(sin[i]);
      x[i + half] = b * widen(cos[i + half]) + a * widen(sin[i + half]);
    }
  }
}

inline float silu(float x) { return x / (1.0f + std::exp(-x)); }

template <typename W>
class DecodeStep {
 public:
  DecodeStep(const ModelConfig& config, const LlamaWeights& weights, const LoraAdapter* adapter,
             KvCache& cache)
      : c_(config),
        w_(weights),
        adapter_(adapter),
        cache_(cache),
        D_(config.head_dim),
        S_max_(cache.capacity()),
        b_(carve_buffers(cache.decode_scratch(), config, cache.capacity(),
                         adapter ? adapter->rank : 0)) {}

  // Runs the whole step for `token` at `start` with that position's RoPE row; logits [V].
  void run(int64_t token, int64_t start, const W* cos, const W* sin, float* logits) {
    // embed
    const W* row = static_cast<const W*>(w_.embed.data_ptr()) + token * c_.hidden_size;
    for (int64_t i = 0; i < c_.hidden_size; ++i) b_.x[i] = widen(row[i]);
    for (int layer = 0; layer < c_.num_layers; ++layer) {
      attention_block(layer, start, cos, sin);
      mlp_block(layer);
    }
    // final norm -> logits
    rms_norm<W>(b_.x, w_.final_norm, c_.rms_norm_eps, c_.hidden_size, b_.normed);
    matvec<W>(w_.lm_head, b_.normed, logits);
  }

 private:
  // norm -> q/k/v -> RoPE -> cache write -> attention -> output + residual
  void attention_block(int layer, int64_t start, const W* cos, const W* sin) {
    const LlamaLayerWeights& l = w_.layers[layer];
    rms_norm<W>(b_.x, l.attn_norm, c_.rms_norm_eps, c_.hidden_size, b_.normed);
    matvec_group<W, 3>({{{&l.wq, b_.q}, {&l.wk, b_.k}, {&l.wv, b_.v}}}, b_.normed);
    add_lora(layer, kLoraQ, b_.normed, b_.q);
    add_lora(layer, kLoraK, b_.normed, b_.k);
    add_lora(layer, kLoraV, b_.normed, b_.v);
    rope_rotate(b_.q, c_.num_heads, D_, cos, sin);
    rope_rotate(b_.k, c_.num_kv_heads, D_, cos, sin);
    write_cache(layer, start);
    attend(layer, start + 1);
    project(layer, kLoraO, b_.att, b_.out);
    for (int64_t i = 0; i < c_.hidden_size; ++i) b_.x[i] += b_.out[i];
  }

  // norm -> SwiGLU -> down + residual
  void mlp_block(int layer) {
    const LlamaLayerWeights& l = w_.layers[layer];
    rms_norm<W>(b_.x, l.mlp_norm, c_.rms_norm_eps, c_.hidden_size, b_.normed);
    matvec_group<W, 2>({{{&l.w_gate, b_.gate}, {&l.w_up, b_.up}}}, b_.normed);
    add_lora(layer, kLoraGate, b_.normed, b_.gate);
    add_lora(layer, kLoraUp, b_.normed, b_.up);
    for (int64_t i = 0; i < c_.intermediate_size; ++i) b_.gate[i] = silu(b_.gate[i]) * b_.up[i];
    project(layer, kLoraDown, b_.gate, b_.out);
    for (int64_t i = 0; i < c_.hidden_size; ++i) b_.x[i] += b_.out[i];
  }

  // out = in W^T (+ scale * (in A^T) B^T when the adapter has a pair for this target)
  void project(int layer, LoraTarget target, const float* in, float* out) {
    matvec<W>(lora_base_weight(w_.layers[layer], target), in, out);
    add_lora(layer, target, in, out);
  }

  // out += scale * (in A^T) B^T when the adapter has a pair for this target
  void add_lora(int layer, LoraTarget target, const float* in, float* out) {
    if (!adapter_) return;
    const LoraPair& pair = adapter_->layers[layer][target];
    if (!pair.defined()) return;
    matvec<float>(pair.a, in, b_.lora_mid);
    matvec<float>(pair.b, b_.lora_mid, b_.lora_out);
    const auto scale = static_cast<float>(adapter_->scale());
    const int64_t rows = pair.b.size(0);
    for (int64_t i = 0; i < rows; ++i) out[i] += b_.lora_out[i] * scale;
  }

  // K/V of the new token into position `start` of the cache ([1, Hkv, S_max, D], model dtype).
  void write_cache(int layer, int64_t start) {
    W* keys = static_cast<W*>(cache_.keys(layer).data_ptr());
    W* values = static_cast<W*>(cache_.values(layer).data_ptr());
    for (int64_t kv = 0; kv < c_.num_kv_heads; ++kv) {
      const int64_t offset = (kv * S_max_ + start) * D_;
      for (int64_t d = 0; d < D_; ++d) {
        store(b_.k[kv * D_ + d], keys + offset + d);
        store(b_.v[kv * D_ + d], values + offset + d);
      }
    }
  }

  // GQA attention of the new query over `positions` cached positions: query head h reads kv
  // head h / G; softmax in float32. Heads are shared among threads when the context is long.
  void attend(int layer, int64_t positions) {
    const W* keys = static_cast<const W*>(cache_.keys(layer).data_ptr());
    const W* values = static_cast<const W*>(cache_.values(layer).data_ptr());
    const int64_t group = c_.num_heads / c_.num_kv_heads;
    const auto scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(D_)));
    at::parallel_for(0, c_.num_heads, rows_per_task(2 * positions * D_),
                     [&](int64_t begin, int64_t end) {
                       for (int64_t h = begin; h < end; ++h) {
                         const int64_t head_offset = (h / group) * S_max_ * D_;
                         attend_head(b_.q + h * D_, keys + head_offset, values + head_offset,
                                     positions, scale, b_.scores + h * S_max_, b_.att + h * D_);
                       }
                     });
  }

  // One query head: q [D]; keys/values [positions, D] rows; scores [positions]; out [D].
  void attend_head(const float* q, const W* keys, const W* values, int64_t positions, float scale,
                   float* scores, float* out) const {
    float max_score = -std::numeric_limits<float>::infinity();
    for (int64_t p = 0; p < positions; ++p) {
      scores[p] = dot(keys + p * D_, q, D_) * scale;
      max_score = std::max(max_score, scores[p]);
    }
    float sum = 0;
    for (int64_t p = 0; p < positions; ++p) {
      scores[p] = std::exp(scores[p] - max_score);
      sum += scores[p];
    }
    std::fill(out, out + D_, 0.0f);
    for (int64_t p = 0; p < positions; ++p)
      add_scaled_row(out, scores[p] / sum, values + p * D_, D_);
  }

  const ModelConfig& c_;
  const LlamaWeights& w_;
  const LoraAdapter* adapter_;
  KvCache& cache_;
  const int64_t D_;
  const int64_t S_max_;
  const StepBuffers b_;
};

template <typename W>
void run_step(const ModelConfig& config, const LlamaWeights& weights, const RopeTables& rope,
              int64_t token, KvCache& cache, const LoraAdapter* adapter, float* logits) {
  const int64_t start = cache.size(), D = config.head_dim;
  // RoPE row of `start`: the model's table, or computed on demand past its end
  RopeTables beyond;
  const RopeTables* table = &rope;
  int64_t row = start;
  if (start >= rope.cos.size(0)) {
    beyond = rope_rows(config, start, 1, weights.embed.options());
    table = &beyond;
    row = 0;
  }
  const W* cos = static_cast<const W*>(table->cos.data_ptr()) + row * D;
  const W* sin = static_cast<const W*>(table->sin.data_ptr()) + row * D;
  DecodeStep<W>(config, weights, adapter, cache).run(token, start, cos, sin, logits);
  cache.advance(start + 1);
}

}  // namespace

bool cpu_decode_applies(const ModelConfig& config, const at::Tensor& tokens,
                        const LlamaWeights& weights, const KvCache& cache,
                        const LoraAdapter* adapter) {
  if (c10::GradMode::is_enabled() || !config.llama_math()) return false;
  if (!tokens.device().is_cpu() || tokens.scalar_type() != at::kLong || tokens.dim() != 2 ||
      tokens.size(0) != 1 || tokens.size(1) != 1)
    return false;
  const at::ScalarType dtype = weights.embed.scalar_type();
  if (dtype != at::kFloat && dtype != at::kBFloat16) return false;
  const int64_t C = config.hidden_size, V = config.vocab_size, F = config.intermediate_size,
                Hkv = config.num_kv_heads, D = config.head_dim, HD = config.num_heads * D,
                KVD = Hkv * D;
  if (config.num_layers != static_cast<int>(weights.layers.size()) ||
      !matrix_fits(weights.embed, V, C, dtype) || !vector_fits(weights.final_norm, C, dtype) ||
      !matrix_fits(weights.lm_head, V, C, dtype))
    return false;
  for (const LlamaLayerWeights& l : weights.layers)
    if (!layer_fits(l, C, HD, KVD, F, dtype)) return false;
  if (cache.size() >= cache.capacity()) return false;  // libtorch's path reports the full cache
  const std::vector<int64_t> cache_shape = {1, Hkv, cache.capacity(), D};
  for (int i = 0; i < config.num_layers; ++i) {
    const at::Tensor& keys = cache.keys(i);
    const at::Tensor& values = cache.values(i);
    if (!on_cpu_contiguous(keys, dtype) || !on_cpu_contiguous(values, dtype) ||
        keys.sizes() != cache_shape || values.sizes() != cache_shape)
      return false;
  }
  return !adapter || adapter_fits(*adapter, weights);
}

at::Tensor cpu_decode_step(const ModelConfig& config, const LlamaWeights& weights,
                           const RopeTables& rope, const at::Tensor& tokens, KvCache& cache,
                           const LoraAdapter* adapter) {
  const int64_t token = tokens.data_ptr<int64_t>()[0];
  if (token < 0 || token >= config.vocab_size)
    throw std::runtime_error("token id " + std::to_string(token) +
                             " is outside the vocabulary (0.." +
                             std::to_string(config.vocab_size - 1) + ")");
  at::Tensor logits = at::empty({1, 1, config.vocab_size}, at::kFloat);
  if (weights.embed.scalar_type() == at::kBFloat16)
    run_step<Bf16Bits>(config, weights, rope, token, cache, adapter, logits.data_ptr<float>());
  else
    run_step<float>(config, weights, rope, token, cache, adapter, logits.data_ptr<float>());
  return logits;
}

int cpu_decode_parallel_width() {
  const int threads = at::get_num_threads();
  std::vector<int> seen(threads, 0);
  at::parallel_for(0, threads, 1, [&](int64_t, int64_t) {
    const int id = at::get_thread_num();
    if (id >= 0 && id < static_cast<int>(seen.size())) seen[id] = 1;
  });
  return static_cast<int>(std::count(seen.begin(), seen.end(), 1));
}

const char* cpu_decode_kernels() { return matvec_kernels().name; }

bool cpu_head_applies(const at::Tensor& x, const at::Tensor& weight) {
  const bool grad = c10::GradMode::is_enabled();
  if (!weight.defined() || !weight.device().is_cpu() || weight.dim() != 2 ||
      !weight.is_contiguous() || (weight.requires_grad() && grad))
    return false;
  if (weight.scalar_type() != at::kFloat && weight.scalar_type() != at::kBFloat16) return false;
  return x.defined() && x.device().is_cpu() && x.dim() >= 1 && x.numel() == weight.size(1) &&
         (x.scalar_type() == at::kFloat || x.scalar_type() == weight.scalar_type()) &&
         !(x.requires_grad() && grad);
}

at::Tensor cpu_head_logits(const at::Tensor& x, const at::Tensor& weight) {
  if (!cpu_head_applies(x, weight))
    throw std::logic_error("cpu_head_logits: x must be one row of the weight's width");
  const at::Tensor xf = x.reshape({-1}).to(at::kFloat).contiguous();
  at::Tensor logits = at::empty({weight.size(0)}, xf.options());
  if (weight.scalar_type() == at::kFloat)
    matvec<float>(weight, xf.data_ptr<float>(), logits.data_ptr<float>());
  else
    matvec<Bf16Bits>(weight, xf.data_ptr<float>(), logits.data_ptr<float>());
  std::vector<int64_t> shape = x.sizes().vec();
  shape.back() = weight.size(0);
  return logits.view(shape);
}

}  // namespace tunedeck
