// Roofline arithmetic for a Llama-family model: the FLOPs a prefill does and the bytes a decode
// step must read, from the config alone, as tunedeck's forward pass runs them. `tunedeck bench`
// divides these by the measured machine limits (core/stats/machine_limits). Measures nothing.
// Pure functions: any thread.
#pragma once
#include <cstddef>
#include <cstdint>

#include "core/model_config.h"

namespace tunedeck {

// Useful FLOPs (a multiply-add counts 2) of one prefill of `tokens` positions into an empty cache:
//   tokens x 2 x (q, k, v, o, gate, up, down weights of every layer)
// + causal attention: query t reads t+1 keys, QK^T and PV are 2*D each per key and head
//   -> L x H x 2*D x tokens*(tokens+1)
// + the LM head for the last position only (generation asks for its logits alone): 2*V*C.
// Norms, RoPE, softmax and the embedding lookup are left out (no matmul, a few % at most).
double roofline_prefill_flops(const ModelConfig& config, int64_t tokens);

// What one decode step reads from memory.
struct DecodeBytes {
  double weights = 0;   // every layer weight, final norm, the full LM head, one embedding row
  double kv_cache = 0;  // K and V of every attended position, every layer
  double total() const { return weights + kv_cache; }
};

// A decode step attending `positions` keys (the cache's positions plus the new token), with
// weights and cache in a dtype of `element_size` bytes. A tied head reads the embedding once.
DecodeBytes roofline_decode_bytes(const ModelConfig& config, size_t element_size, double positions);

}  // namespace tunedeck
