// The Llama-shaped decoder (Llama 2/3, TinyLlama, Mistral, Qwen2/2.5, Qwen3, Gemma 3 text,
// EXAONE 3.5: one model, the families' extra pieces switched on by ModelConfig): weights loaded
// from a Hugging Face folder and the forward pass, with or without a KV cache, with or without a
// LoRA adapter. The same loaded weights serve generation and training. Weights are never modified
// after load: forward() is safe to call from several threads, each with its own cache.
//
// Legend: B=batch T=new tokens S=positions attended C=hidden H=heads Hkv=kv heads D=head dim
//         G=H/Hkv F=ffn hidden V=vocab L=layers P=max positions
#pragma once
#include <ATen/core/Tensor.h>

#include <functional>
#include <string>
#include <vector>

#include "core/kv_cache.h"
#include "core/llama_model_names.h"
#include "core/lora.h"
#include "core/model_config.h"
#include "core/rope.h"

namespace tunedeck {

struct LlamaLayerWeights {
  at::Tensor attn_norm;  // [C]          input_layernorm
  at::Tensor wq;         // [H*D, C]     self_attn.q_proj
  at::Tensor wk;         // [Hkv*D, C]   self_attn.k_proj
  at::Tensor wv;         // [Hkv*D, C]   self_attn.v_proj
  at::Tensor wo;         // [C, H*D]     self_attn.o_proj
  at::Tensor mlp_norm;   // [C]          post_attention_layernorm
  at::Tensor w_gate;     // [F, C]       mlp.gate_proj
  at::Tensor w_up;       // [F, C]       mlp.up_proj
  at::Tensor w_down;     // [C, F]       mlp.down_proj
  // Defined only in the families that have them (ModelConfig says which):
  at::Tensor bq, bk, bv, bo;  // [H*D], [Hkv*D], [Hkv*D], [C]   projection biases
  at::Tensor q_norm, k_norm;  // [D]          RMSNorm over each head of q and k
  at::Tensor post_attn_norm;  // [C]          Gemma: on attention's output
  at::Tensor post_mlp_norm;   // [C]          Gemma: on the MLP's output

  at::Tensor& tensor(LayerTensor which);
  const at::Tensor& tensor(LayerTensor which) const;
};

struct LlamaWeights {
  ModelFamily family = ModelFamily::kLlama;  // whose tensor names named() gives
  at::Tensor embed;                          // [V, C]  model.embed_tokens
  std::vector<LlamaLayerWeights> layers;
  at::Tensor final_norm;  // [C]     model.norm
  at::Tensor lm_head;     // [V, C]  lm_head (the embedding itself when tied)

  // (Hugging Face name, tensor) for every distinct weight, in checkpoint order.
  std::vector<std::pair<std::string, at::Tensor>> named() const;

  // Replaces every weight with change(weight); a head tied to the embedding stays tied to it.
  void replace_each(const std::function<at::Tensor(const at::Tensor&)>& change);

  // Every weight replaced by a private copy that requires grad (full training: the mmap'd file
  // and any model sharing these tensors are never written).
  void make_trainable_copy();
};

struct ModelLoadOptions {
  std::string device = "cpu";  // "cpu", "cuda", "cuda:1"
  std::string dtype = "f32";   // "f32", "bf16", "f16"
};

// Whose kernels LlamaModel::forward runs on the CPU.
enum class CpuKernels {
  kTunedeck,  // tunedeck's own where they apply (the decode step, prefill, training nodes: which
              // ones, core/kernels/forward_kernels decides), libtorch's ops elsewhere
  kLibtorch,  // libtorch's ops throughout: to compare the two, and in tests
};

struct ForwardOptions {
  bool last_logits_only = false;  // generation needs only the last position's logits
  // Defined ([N] int64): logits only for these rows of the flattened [B * T] positions, returned
  // as [N, V] (training: the positions that carry loss, train/token_loss). The head and its
  // log-softmax are then N rows instead of B * T.
  at::Tensor logit_rows;
  bool training = false;  // enables LoRA dropout (and autograd's kernels)
  CpuKernels cpu_kernels = CpuKernels::kTunedeck;
};

class LlamaModel {
 public:
  // Loads <dir>/config.json and the safetensors weights; checks every tensor's presence, shape
  // and dtype against the config. Throws "<file>: tensor '<name>': <problem>".
  static LlamaModel load(const std::string& dir, const ModelLoadOptions& options);
  // A model from weights already in memory (tests, fresh random init for training).
  LlamaModel(ModelConfig config, LlamaWeights weights);
  // Random N(0, std) weights (norms = 1), for from-scratch training and benchmarks.
  static LlamaModel random(const ModelConfig& config, uint64_t seed, double std,
                           const at::TensorOptions& options);

  // tokens: [B, T] int64 at positions [start, start+T). With a cache: writes K/V there and
  // attends over [0, start+T); REQUIRES start == cache->size(). Without: start must be 0.
  // Returns float32 logits [B, T, V] (or [B, 1, V] with last_logits_only, [N, V] with
  // logit_rows). Which kernels run is decided once, first: forward_kernels_choose.
  at::Tensor forward(const at::Tensor& tokens, KvCache* cache, int64_t start,
                     const LoraAdapter* adapter = nullptr,
                     const ForwardOptions& options = {}) const;

  KvCache make_cache(int64_t batch, int64_t max_positions) const;

  const ModelConfig& config() const { return config_; }
  const LlamaWeights& weights() const { return weights_; }
  LlamaWeights& mutable_weights() { return weights_; }  // training only
  at::TensorOptions options() const { return weights_.embed.options(); }
  const RopeTables& rope() const {
    return rope_;
  }  // cos/sin [min(P, 8192), D] in the weights' dtype
  const std::string& source() const { return source_; }  // folder it was loaded from
  size_t weight_bytes() const;
  double load_ms() const { return load_ms_; }

 private:
  at::Tensor attention(const at::Tensor& q, const at::Tensor& keys, const at::Tensor& values,
                       int64_t start, int64_t first_key, int64_t window) const;
  ModelConfig config_;
  LlamaWeights weights_;
  RopeTables rope_;
  RopeTables rope_local_;  // sliding layers' (rope_local_theta); undefined when rope_ serves all
  std::string source_;
  double load_ms_ = 0;
};

}  // namespace tunedeck
