// One decode step of the Llama forward pass (batch 1, one new token, CPU, f32 or bf16 weights)
// computed on raw pointers: the per-token work of a small model is a few hundred microseconds, so
// libtorch's ~20 ops per layer would dominate it. Not for prefill, training, CUDA or f16:
// core/kernels/forward_kernels decides when the step runs. Thread rules:
// reads the weights only and writes only `cache` (K/V and its scratch): threads may run steps
// concurrently, each with its own cache. Matrix-vector products use at::get_num_threads() threads.
//
// Legend: C=hidden H=heads Hkv=kv heads D=head dim F=ffn hidden V=vocab S_max=cache capacity
#pragma once
#include <ATen/core/Tensor.h>

#include "core/kv_cache.h"
#include "core/llama_model.h"
#include "core/lora.h"
#include "core/model_config.h"
#include "core/rope.h"

namespace tunedeck {

// True when cpu_decode_step can run: tokens [1, 1] int64 on the CPU, autograd off, every weight
// contiguous on the CPU in one dtype (f32 or bf16) with the shape `config` implies, the cache
// [1, Hkv, S_max, D] contiguous in that dtype with room for one more position, and each LoRA
// pair (if any) f32, CPU, contiguous, of the adapter's rank.
bool cpu_decode_applies(const ModelConfig& config, const at::Tensor& tokens,
                        const LlamaWeights& weights, const KvCache& cache,
                        const LoraAdapter* adapter);

// The step for `tokens` at position start = cache.size(): writes its K/V there, attends over
// [0, start], advances the cache to start + 1 and returns float32 logits [1, 1, V]. Activations
// stay float32 throughout (the libtorch path rounds them to bf16 for bf16 weights); `rope` holds
// the model's table, and positions past it are computed on demand. LoRA dropout is not applied.
// REQUIRES: cpu_decode_applies(config, tokens, weights, cache, adapter). Throws on a token id
// outside [0, V) before anything is written.
at::Tensor cpu_decode_step(const ModelConfig& config, const LlamaWeights& weights,
                           const RopeTables& rope, const at::Tensor& tokens, KvCache& cache,
                           const LoraAdapter* adapter);

// The logits of ONE position, weight x, through the decode kernels (all threads, each weight row
// read once): what a prefill needs from the head, where libtorch's matrix-vector product runs
// at under half the read bandwidth. x: one row of C values (any shape of C elements; f32, or
// bf16 for bf16 weights), weight: [V, C] contiguous f32 or bf16 on the CPU, no gradient wanted.
bool cpu_head_applies(const at::Tensor& x, const at::Tensor& weight);
// float32 logits shaped like x with its last dimension V. REQUIRES: cpu_head_applies(x, weight).
at::Tensor cpu_head_logits(const at::Tensor& x, const at::Tensor& weight);

// How many threads at::parallel_for really runs here with at::get_num_threads() threads asked:
// it is a header template, so this file's compile flags decide (without OpenMP: always 1, with
// no error). For tests and bench reports.
int cpu_decode_parallel_width();

// "avx512bf16", "avx512", "avx2+fma" or "generic": the matrix-vector kernels chosen for this
// CPU (for bench reports).
const char* cpu_decode_kernels();

}  // namespace tunedeck
