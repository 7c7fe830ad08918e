// core/stats/roofline against hand-computed counts on a tiny config, and against the parameter
// count from core/model_config (an independent sum of the same weights).
#include "core/stats/roofline.h"

#include <gtest/gtest.h>

namespace tunedeck {
namespace {

// C=4 H=2 Hkv=1 D=2 F=6 V=10 L=1: per layer q,o 4*4 each, k,v 4*2 each, gate,up,down 4*6 each
// -> 16+16+8+8+72 = 120 matmul weights, plus two norms of 4.
ModelConfig tiny(bool tied) {
  ModelConfig c;
  c.hidden_size = 4, c.num_heads = 2, c.num_kv_heads = 1, c.head_dim = 2;
  c.intermediate_size = 6, c.vocab_size = 10, c.num_layers = 1;
  c.tie_word_embeddings = tied;
  return c;
}

TEST(Roofline, PrefillFlopsByHand) {
  // dense 2*120*3 = 720; attention: queries see 1+2+3 keys, 8 FLOPs per key and head (QK^T 4,
  // PV 4), 2 heads -> 96; LM head on the last position 2*10*4 = 80.
  EXPECT_DOUBLE_EQ(roofline_prefill_flops(tiny(false), 3), 720 + 96 + 80);
  EXPECT_DOUBLE_EQ(roofline_prefill_flops(tiny(false), 1), 240 + 8 * 2 + 80);
}

TEST(Roofline, DecodeBytesByHand) {
  // weights: layer 120 + 8, final norm 4, head 40, one embedding row 4 = 176 floats.
  // KV: K and V, 1 layer, 1 kv head, D=2, 5 positions = 20 floats.
  const DecodeBytes b = roofline_decode_bytes(tiny(false), 4, 5);
  EXPECT_DOUBLE_EQ(b.weights, 176 * 4);
  EXPECT_DOUBLE_EQ(b.kv_cache, 20 * 4);
  EXPECT_DOUBLE_EQ(b.total(), 196 * 4);
  EXPECT_DOUBLE_EQ(roofline_decode_bytes(tiny(false), 2, 5).total(), 196 * 2);  // bf16
}

TEST(Roofline, DecodeReadsEveryWeightButTheEmbeddingTable) {
  ModelConfig c;  // llama-110m's shape
  c.hidden_size = 768, c.num_heads = 12, c.num_kv_heads = 12, c.head_dim = 64;
  c.intermediate_size = 2048, c.vocab_size = 32000, c.num_layers = 12;
  for (bool tied : {false, true}) {
    c.tie_word_embeddings = tied;
    const double params = static_cast<double>(c.parameter_count());
    // Untied: the embedding table is skipped but for one row. Tied: the head reads it all.
    const double expected = tied ? params : params - 32000.0 * 768 + 768;
    EXPECT_DOUBLE_EQ(roofline_decode_bytes(c, 4, 0).weights, expected * 4) << tied;
  }
}

}  // namespace
}  // namespace tunedeck
