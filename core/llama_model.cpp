#include "core/llama_model.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <optional>
#include <stdexcept>

#include "core/kernels/cpu_decode.h"
#include "core/kernels/cpu_rows.h"
#include "core/kernels/dropout_mask.h"
#include "core/kernels/forward_kernels.h"
#include "core/kernels/prefill_attention.h"
#include "core/kernels/prefill_gemm.h"
#include "core/kernels/train_rows.h"
#include "core/runtime.h"
#include "core/safetensors.h"

namespace tunedeck {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kRopeTableRows = 8192;  // longer contexts compute their rows on demand

std::string shape_text(at::IntArrayRef shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

// Reads one weight, checks its shape against the config, and moves it to device/dtype
// (zero-copy when both already match: the tensor stays a view of the mmap'd file).
at::Tensor load_weight(const SafetensorsCheckpoint& ckpt, const std::string& name,
                       std::vector<int64_t> expected, const at::TensorOptions& options) {
  if (!ckpt.contains(name))
    throw std::runtime_error(ckpt.description() + ": missing tensor '" + name +
                             "' (is this a Llama-architecture checkpoint?)");
  const SafetensorsTensorInfo& info = ckpt.info(name);
  if (info.shape != expected)
    throw std::runtime_error(ckpt.file_of(name) + ": tensor '" + name + "' has shape " +
                             shape_text(info.shape) + " but config.json implies " +
                             shape_text(expected));
  at::Tensor t = ckpt.tensor(name);
  return t.to(options.device(), options.dtype().toScalarType());
}

// RMSNorm: weight * x / sqrt(mean(x^2) + eps), statistics in float32 as Hugging Face does.
at::Tensor rms_norm(RowKernels kernels, const at::Tensor& x, const at::Tensor& weight, double eps) {
  if (kernels == RowKernels::kCpuRows) return rms_norm_rows(x, weight, eps);
  if (kernels == RowKernels::kTrainRows) return rms_norm_with_grad(x, weight, eps);
  at::Tensor xf = x.to(at::kFloat);
  at::Tensor normed = xf * at::rsqrt(xf.pow(2).mean(-1, /*keepdim=*/true) + eps);
  return weight * normed.to(x.scalar_type());
}

// SwiGLU: silu(gate) * up.
at::Tensor swiglu(RowKernels kernels, const at::Tensor& gate, const at::Tensor& up) {
  if (kernels == RowKernels::kCpuRows) return swiglu_rows(gate, up);
  if (kernels == RowKernels::kTrainRows) return swiglu_with_grad(gate, up);
  return at::silu(gate) * up;
}

// RoPE on a projection's rows [B, T, heads * D] -> [B, heads, T, D].
at::Tensor rope_to_heads(RowKernels kernels, const at::Tensor& rows, int64_t heads,
                         const at::Tensor& cos, const at::Tensor& sin) {
  if (kernels == RowKernels::kCpuRows) return rope_rows_to_heads(rows, heads, cos, sin);
  if (kernels == RowKernels::kTrainRows) return rope_with_grad(rows, heads, cos, sin);
  const int64_t D = rows.size(2) / heads;
  return rope_apply(rows.view({rows.size(0), rows.size(1), heads, D}).transpose(1, 2), cos, sin);
}

// The input x [..., K] of one or more products: with prefill_gemm, packed once for all of them.
struct ProductInput {
  at::Tensor rows;                    // x: what at::linear and a LoRA pair read
  std::optional<PrefillRows> packed;  // x packed (kernels.prefill_gemm)

  ProductInput(const ForwardKernels& kernels, const at::Tensor& x) : rows(x) {
    if (kernels.prefill_gemm) packed.emplace(x);
  }
  explicit ProductInput(PrefillRows p) : rows(p.rows()), packed(std::move(p)) {}
};

// rms_norm(x) as the input of the products after it (under prefill_gemm: in the packing pass).
ProductInput rms_norm_input(const ForwardKernels& kernels, const at::Tensor& x,
                            const at::Tensor& weight, double eps) {
  if (kernels.prefill_gemm) return ProductInput(PrefillRows::rms_normalized(x, weight, eps));
  return ProductInput(kernels, rms_norm(kernels.norm, x, weight, eps));
}

// swiglu(gate, up) as the input of the down projection (under prefill_gemm: in the packing pass).
ProductInput swiglu_input(const ForwardKernels& kernels, const at::Tensor& gate,
                          const at::Tensor& up) {
  if (kernels.prefill_gemm) return ProductInput(PrefillRows::swiglu(gate, up));
  return ProductInput(kernels, swiglu(kernels.swiglu, gate, up));
}

// y_i = x W_i^T (+ scale * dropout(x) A_i^T B_i^T when a LoRA pair is attached for target i).
std::vector<at::Tensor> project(const ProductInput& in, const std::vector<at::Tensor>& weights,
                                const std::vector<LoraTarget>& targets, const LoraAdapter* adapter,
                                int layer, bool training) {
  const at::Tensor& x = in.rows;
  std::vector<at::Tensor> ys;
  if (in.packed) {
    ys = in.packed->times_transposed_each(weights);
  } else {
    for (const at::Tensor& w : weights) ys.push_back(at::linear(x, w));
  }
  if (!adapter) return ys;
  for (size_t i = 0; i < ys.size(); ++i) {
    const LoraPair& pair = adapter->layers[layer][targets[i]];
    if (!pair.defined()) continue;
    at::Tensor h = (training && adapter->dropout > 0) ? dropout_fast(x, adapter->dropout) : x;
    // y + scale * (h A^T) B^T as one product that adds into y: the scale goes on B ([N, r]), not
    // on a [rows, N] result, and the sum is the GEMM's own (no extra passes, nor in backward)
    const at::Tensor down = at::linear(h, pair.a.to(x.scalar_type()));            // [..., r]
    const at::Tensor up_t = (pair.b.to(x.scalar_type()) * adapter->scale()).t();  // [r, N]
    const int64_t N = ys[i].size(-1);
    ys[i] = at::addmm(ys[i].reshape({-1, N}), down.reshape({-1, down.size(-1)}), up_t)
                .view(ys[i].sizes());
  }
  return ys;
}

at::Tensor project(const ProductInput& in, const at::Tensor& weight, const LoraAdapter* adapter,
                   int layer, LoraTarget target, bool training) {
  return project(in, std::vector<at::Tensor>{weight}, {target}, adapter, layer, training)[0];
}

// logits = x head^T as float32.
at::Tensor logits(HeadKernel kernel, const at::Tensor& x, const at::Tensor& head) {
  if (kernel == HeadKernel::kDecodeMatvec) return cpu_head_logits(x, head);
  if (kernel == HeadKernel::kPrefillGemm) return PrefillRows(x).times_transposed(head);
  return at::linear(x, head).to(at::kFloat);
}

std::string layer_prefix(int i) { return "model.layers." + std::to_string(i) + "."; }

}  // namespace

std::vector<std::pair<std::string, at::Tensor>> LlamaWeights::named() const {
  std::vector<std::pair<std::string, at::Tensor>> out;
  out.emplace_back("model.embed_tokens.weight", embed);
  for (size_t i = 0; i < layers.size(); ++i) {
    const auto& l = layers[i];
    const std::string p = layer_prefix(static_cast<int>(i));
    out.emplace_back(p + "input_layernorm.weight", l.attn_norm);
    out.emplace_back(p + "self_attn.q_proj.weight", l.wq);
    out.emplace_back(p + "self_attn.k_proj.weight", l.wk);
    out.emplace_back(p + "self_attn.v_proj.weight", l.wv);
    out.emplace_back(p + "self_attn.o_proj.weight", l.wo);
    out.emplace_back(p + "post_attention_layernorm.weight", l.mlp_norm);
    out.emplace_back(p + "mlp.gate_proj.weight", l.w_gate);
    out.emplace_back(p + "mlp.up_proj.weight", l.w_up);
    out.emplace_back(p + "mlp.down_proj.weight", l.w_down);
  }
  out.emplace_back("model.norm.weight", final_norm);
  if (!lm_head.is_same(embed)) out.emplace_back("lm_head.weight", lm_head);
  return out;
}

void LlamaWeights::replace_each(const std::function<at::Tensor(const at::Tensor&)>& change) {
  const bool tied = lm_head.is_same(embed);
  for (LlamaLayerWeights& l : layers)
    for (at::Tensor* t :
         {&l.attn_norm, &l.wq, &l.wk, &l.wv, &l.wo, &l.mlp_norm, &l.w_gate, &l.w_up, &l.w_down})
      *t = change(*t);
  embed = change(embed);
  final_norm = change(final_norm);
  lm_head = tied ? embed : change(lm_head);
}

void LlamaWeights::make_trainable_copy() {
  replace_each([](const at::Tensor& t) { return t.detach().clone().set_requires_grad(true); });
}

LlamaModel::LlamaModel(ModelConfig config, LlamaWeights weights)
    : config_(std::move(config)), weights_(std::move(weights)) {
  rope_ = rope_tables(config_, std::min<int64_t>(config_.max_position_embeddings, kRopeTableRows),
                      weights_.embed.options());
}

LlamaModel LlamaModel::load(const std::string& dir, const ModelLoadOptions& load_options) {
  const auto started = std::chrono::steady_clock::now();
  if (!fs::is_directory(dir))
    throw std::runtime_error(dir +
                             ": not a folder (expected a Hugging Face model folder with "
                             "config.json, *.safetensors, tokenizer.model)");
  ModelConfig c = model_config_load((fs::path(dir) / "config.json").string());
  const SafetensorsCheckpoint ckpt = SafetensorsCheckpoint::open_dir(dir);
  const auto options = at::TensorOptions()
                           .device(parse_device(load_options.device))
                           .dtype(parse_dtype(load_options.dtype));
  if (options.dtype() == at::kHalf && options.device().is_cpu())
    throw std::runtime_error(
        "dtype f16 needs a CUDA device (libtorch has no f16 matmul on CPU); "
        "use --dtype bf16 or f32 on CPU");
  const int64_t C = c.hidden_size, H = c.num_heads, Hkv = c.num_kv_heads, D = c.head_dim,
                F = c.intermediate_size, V = c.vocab_size;
  LlamaWeights w;
  w.embed = load_weight(ckpt, "model.embed_tokens.weight", {V, C}, options);
  for (int i = 0; i < c.num_layers; ++i) {
    const std::string p = layer_prefix(i);
    LlamaLayerWeights l;
    l.attn_norm = load_weight(ckpt, p + "input_layernorm.weight", {C}, options);
    l.wq = load_weight(ckpt, p + "self_attn.q_proj.weight", {H * D, C}, options);
    l.wk = load_weight(ckpt, p + "self_attn.k_proj.weight", {Hkv * D, C}, options);
    l.wv = load_weight(ckpt, p + "self_attn.v_proj.weight", {Hkv * D, C}, options);
    l.wo = load_weight(ckpt, p + "self_attn.o_proj.weight", {C, H * D}, options);
    l.mlp_norm = load_weight(ckpt, p + "post_attention_layernorm.weight", {C}, options);
    l.w_gate = load_weight(ckpt, p + "mlp.gate_proj.weight", {F, C}, options);
    l.w_up = load_weight(ckpt, p + "mlp.up_proj.weight", {F, C}, options);
    l.w_down = load_weight(ckpt, p + "mlp.down_proj.weight", {C, F}, options);
    w.layers.push_back(std::move(l));
  }
  w.final_norm = load_weight(ckpt, "model.norm.weight", {C}, options);
  if (c.tie_word_embeddings) {
    w.lm_head = w.embed;
  } else if (ckpt.contains("lm_head.weight")) {
    w.lm_head = load_weight(ckpt, "lm_head.weight", {V, C}, options);
  } else {
    throw std::runtime_error(ckpt.description() +
                             ": missing tensor 'lm_head.weight' and "
                             "config.json has tie_word_embeddings false");
  }
  LlamaModel model(std::move(c), std::move(w));
  model.source_ = dir;
  model.load_ms_ =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return model;
}

LlamaModel LlamaModel::random(const ModelConfig& c, uint64_t seed, double std,
                              const at::TensorOptions& options) {
  at::Generator gen = at::detail::createCPUGenerator(seed);
  auto normal = [&](std::vector<int64_t> shape) {
    return at::normal(0.0, std, shape, gen, at::TensorOptions().dtype(at::kFloat)).to(options);
  };
  auto ones = [&](int64_t n) { return at::ones({n}, options); };
  const int64_t C = c.hidden_size, H = c.num_heads, Hkv = c.num_kv_heads, D = c.head_dim,
                F = c.intermediate_size, V = c.vocab_size;
  LlamaWeights w;
  w.embed = normal({V, C});
  for (int i = 0; i < c.num_layers; ++i) {
    LlamaLayerWeights l;
    l.attn_norm = ones(C);
    l.wq = normal({H * D, C});
    l.wk = normal({Hkv * D, C});
    l.wv = normal({Hkv * D, C});
    l.wo = normal({C, H * D});
    l.mlp_norm = ones(C);
    l.w_gate = normal({F, C});
    l.w_up = normal({F, C});
    l.w_down = normal({C, F});
    w.layers.push_back(std::move(l));
  }
  w.final_norm = ones(C);
  w.lm_head = c.tie_word_embeddings ? w.embed : normal({V, C});
  return LlamaModel(c, std::move(w));
}

KvCache LlamaModel::make_cache(int64_t batch, int64_t max_positions) const {
  return KvCache(config_, batch, max_positions, options());
}

size_t LlamaModel::weight_bytes() const {
  size_t total = 0;
  for (const auto& [name, t] : weights_.named()) total += t.numel() * t.element_size();
  return total;
}

// q: [B, H, T, D]; keys/values: [B, Hkv, S, D] with S = start + T. Query head h reads kv head
// h / G, so q is viewed as [B, Hkv, G*T, D] and no kv head is ever copied G times.
// The scores of a long batch ([B, H, T, S] floats) would not fit in the caches, and every pass
// over them (scale, mask, softmax, and their backward) would stream from memory: the batch is
// taken in slices whose scores stay within kAttentionSliceBytes (measured on datebot's training:
// 32 x 352 tokens ran at 2,500 tok/s unsliced).
at::Tensor LlamaModel::attention(const at::Tensor& q, const at::Tensor& keys,
                                 const at::Tensor& values, int64_t start) const {
  constexpr int64_t kAttentionSliceBytes = 4 << 20;
  const int64_t B = q.size(0), H = q.size(1), T = q.size(2), D = q.size(3);
  const int64_t Hkv = keys.size(1), G = H / Hkv, S = keys.size(2);
  at::Tensor future;  // [G*T, S]: query at position start+t sees keys 0..start+t
  if (T > 1) {
    at::Tensor query_pos = at::arange(start, start + T, q.options().dtype(at::kLong)).repeat({G});
    at::Tensor key_pos = at::arange(S, q.options().dtype(at::kLong));
    future = key_pos.unsqueeze(0) > query_pos.unsqueeze(1);
  }
  const int64_t score_bytes_per_row = H * T * S * static_cast<int64_t>(sizeof(float));
  const int64_t slice =
      std::max<int64_t>(1, kAttentionSliceBytes / std::max<int64_t>(1, score_bytes_per_row));
  std::vector<at::Tensor> outputs;
  for (int64_t b0 = 0; b0 < B; b0 += slice) {
    const int64_t n = std::min(slice, B - b0);
    at::Tensor qg = (slice >= B ? q : q.narrow(0, b0, n)).reshape({n, Hkv, G * T, D});
    at::Tensor k = slice >= B ? keys : keys.narrow(0, b0, n);
    at::Tensor v = slice >= B ? values : values.narrow(0, b0, n);
    at::Tensor scores = at::matmul(qg, k.transpose(-1, -2)).to(at::kFloat);  // [n, Hkv, G*T, S]
    scores.mul_(1.0 / std::sqrt(static_cast<double>(D)));
    if (future.defined()) scores.masked_fill_(future, -std::numeric_limits<float>::infinity());
    at::Tensor probs = at::softmax(scores, -1).to(v.scalar_type());
    outputs.push_back(at::matmul(probs, v).view({n, H, T, D}));  // [n, Hkv, G*T, D]
  }
  return outputs.size() == 1 ? outputs[0] : at::cat(outputs, 0);
}

at::Tensor LlamaModel::forward(const at::Tensor& tokens, KvCache* cache, int64_t start,
                               const LoraAdapter* adapter, const ForwardOptions& fo) const {
  const ModelConfig& c = config_;
  const int64_t B = tokens.size(0), T = tokens.size(1);
  const int64_t H = c.num_heads, Hkv = c.num_kv_heads, D = c.head_dim;
  if (cache && start != cache->size()) throw std::logic_error("forward: start != cache size");
  if (!cache && start != 0) throw std::logic_error("forward without cache must start at 0");
  if (fo.logit_rows.defined() &&
      (fo.last_logits_only || fo.logit_rows.dim() != 1 || fo.logit_rows.scalar_type() != at::kLong))
    throw std::invalid_argument(
        "forward: logit_rows must be [N] int64 and cannot go with last_logits_only");
  if (adapter && adapter->layers.size() != weights_.layers.size())
    throw std::runtime_error("LoRA adapter has " + std::to_string(adapter->layers.size()) +
                             " layers, the model has " + std::to_string(weights_.layers.size()));
  const ForwardKernels kernels = forward_kernels_choose(*this, tokens, cache, adapter, fo);
  if (kernels.decode_step) return cpu_decode_step(c, weights_, rope_, tokens, *cache, adapter);

  // embed
  at::Tensor x = at::embedding(weights_.embed, tokens);  // [B, T, C]
  // RoPE rows for positions [start, start+T)
  at::Tensor cos, sin;
  if (start + T <= rope_.cos.size(0)) {
    cos = rope_.cos.narrow(0, start, T);
    sin = rope_.sin.narrow(0, start, T);
  } else {
    RopeTables rows = rope_rows(c, start, T, options());
    cos = rows.cos;
    sin = rows.sin;
  }

  for (int i = 0; i < c.num_layers; ++i) {
    const LlamaLayerWeights& l = weights_.layers[i];
    // attention block: norm -> q/k/v -> RoPE -> cache write -> attention -> output
    const ProductInput h = rms_norm_input(kernels, x, l.attn_norm, c.rms_norm_eps);
    const std::vector<at::Tensor> qkv =
        project(h, {l.wq, l.wk, l.wv}, {kLoraQ, kLoraK, kLoraV}, adapter, i, fo.training);
    at::Tensor q = rope_to_heads(kernels.rope, qkv[0].view({B, T, H * D}), H, cos, sin);
    at::Tensor k = rope_to_heads(kernels.rope, qkv[1].view({B, T, Hkv * D}), Hkv, cos, sin);
    at::Tensor v = qkv[2].view({B, T, Hkv, D}).transpose(1, 2);
    at::Tensor keys = k, values = v;
    if (cache) std::tie(keys, values) = cache->write(i, start, k, v);
    const at::Tensor att =  // rows [B, T, H * D]
        kernels.prefill_attention
            ? prefill_attention(q, keys, values, start)
            : attention(q, keys, values, start).transpose(1, 2).reshape({B, T, H * D});
    x = x + project(ProductInput(kernels, att), l.wo, adapter, i, kLoraO, fo.training);
    // MLP block: norm -> SwiGLU -> down
    const ProductInput h2 = rms_norm_input(kernels, x, l.mlp_norm, c.rms_norm_eps);
    const std::vector<at::Tensor> gate_up =
        project(h2, {l.w_gate, l.w_up}, {kLoraGate, kLoraUp}, adapter, i, fo.training);
    const ProductInput act = swiglu_input(kernels, gate_up[0], gate_up[1]);
    x = x + project(act, l.w_down, adapter, i, kLoraDown, fo.training);
  }
  if (cache) cache->advance(start + T);

  // final norm -> logits
  if (fo.last_logits_only) x = x.narrow(1, T - 1, 1);
  if (fo.logit_rows.defined()) x = x.reshape({B * T, c.hidden_size}).index_select(0, fo.logit_rows);
  x = rms_norm(kernels.norm, x, weights_.final_norm, c.rms_norm_eps);
  return logits(kernels.head, x, weights_.lm_head);
}

}  // namespace tunedeck
