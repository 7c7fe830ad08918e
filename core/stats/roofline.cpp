#include "core/stats/roofline.h"

namespace tunedeck {
namespace {

// Weights one layer multiplies by: q [H*D, C], k and v [Hkv*D, C], o [C, H*D], gate and up
// [F, C], down [C, F].
double layer_matmul_weights(const ModelConfig& c) {
  const double C = c.hidden_size, F = c.intermediate_size, D = c.head_dim;
  const double H = c.num_heads, Hkv = c.num_kv_heads;
  return C * H * D * 2 + C * Hkv * D * 2 + 3 * C * F;
}

}  // namespace

double roofline_prefill_flops(const ModelConfig& c, int64_t tokens) {
  const double T = static_cast<double>(tokens);
  const double dense = 2.0 * c.num_layers * layer_matmul_weights(c) * T;
  const double attention = 2.0 * c.num_layers * c.num_heads * c.head_dim * T * (T + 1);
  const double lm_head = 2.0 * c.vocab_size * c.hidden_size;
  return dense + attention + lm_head;
}

DecodeBytes roofline_decode_bytes(const ModelConfig& c, size_t element_size, double positions) {
  const double C = c.hidden_size, V = c.vocab_size, bytes = static_cast<double>(element_size);
  const double layer = layer_matmul_weights(c) + 2 * C;      // + the two norms
  const double embed_row = c.tie_word_embeddings ? 0.0 : C;  // tied: the head reads it all
  DecodeBytes out;
  out.weights = (c.num_layers * layer + C + V * C + embed_row) * bytes;
  out.kv_cache = 2.0 * c.num_layers * c.num_kv_heads * c.head_dim * positions * bytes;
  return out;
}

}  // namespace tunedeck
