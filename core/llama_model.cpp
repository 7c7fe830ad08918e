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
                             "' (does config.json's model_type match this checkpoint?)");
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

// Gemma's RMSNorm: x / sqrt(mean(x^2) + eps) * (1 + w), all in float32, then the input's dtype.
at::Tensor one_plus_rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps) {
  at::Tensor xf = x.to(at::kFloat);
  at::Tensor normed = xf * at::rsqrt(xf.pow(2).mean(-1, /*keepdim=*/true) + eps);
  return (normed * (weight.to(at::kFloat) + 1.0)).to(x.scalar_type());
}

// The model's RMSNorm: Llama's (through `kernels`) or, with gemma_norms, Gemma's.
at::Tensor model_norm(const ModelConfig& c, RowKernels kernels, const at::Tensor& x,
                      const at::Tensor& weight) {
  if (c.gemma_norms) return one_plus_rms_norm(x, weight, c.rms_norm_eps);
  return rms_norm(kernels, x, weight, c.rms_norm_eps);
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
ProductInput rms_norm_input(const ModelConfig& c, const ForwardKernels& kernels,
                            const at::Tensor& x, const at::Tensor& weight) {
  if (kernels.prefill_gemm)
    return ProductInput(PrefillRows::rms_normalized(x, weight, c.rms_norm_eps));
  return ProductInput(kernels, model_norm(c, kernels.norm, x, weight));
}

// act(gate) * up as the input of the down projection (SwiGLU under prefill_gemm: in the packing
// pass; GELU-tanh: libtorch's ops).
ProductInput gated_input(const ModelConfig& c, const ForwardKernels& kernels,
                         const at::Tensor& gate, const at::Tensor& up) {
  if (c.activation == MlpActivation::kGeluTanh)
    return ProductInput(kernels, at::gelu(gate, "tanh") * up);
  if (kernels.prefill_gemm) return ProductInput(PrefillRows::swiglu(gate, up));
  return ProductInput(kernels, swiglu(kernels.swiglu, gate, up));
}

// A projection's bias added when the family has one.
at::Tensor plus_bias(const at::Tensor& y, const at::Tensor& bias) {
  return bias.defined() ? y + bias : y;
}

// RoPE on q or k rows [B, T, heads * D] -> [B, heads, T, D], after the family's RMSNorm over each
// head when it has one.
at::Tensor head_rope(const ModelConfig& c, RowKernels kernels, const at::Tensor& rows,
                     int64_t heads, const at::Tensor& head_norm, const at::Tensor& cos,
                     const at::Tensor& sin) {
  if (!head_norm.defined()) return rope_to_heads(kernels, rows, heads, cos, sin);
  const int64_t B = rows.size(0), T = rows.size(1), D = rows.size(2) / heads;
  const at::Tensor normed = model_norm(c, kernels, rows.view({B, T, heads, D}), head_norm);
  return rope_to_heads(kernels, normed.reshape({B, T, heads * D}), heads, cos, sin);
}

// The rows [start, start + T) of a RoPE table (computed when past the table's end).
std::pair<at::Tensor, at::Tensor> rope_window(const RopeTables& table, const ModelConfig& c,
                                              int64_t start, int64_t T,
                                              const at::TensorOptions& options) {
  if (start + T <= table.cos.size(0))
    return {table.cos.narrow(0, start, T), table.sin.narrow(0, start, T)};
  RopeTables rows = rope_rows(c, start, T, options);
  return {rows.cos, rows.sin};
}

// The config whose RoPE the sliding layers use: base rope_local_theta, no scaling.
ModelConfig local_rope_config(const ModelConfig& c) {
  ModelConfig local = c;
  local.rope_theta = c.rope_local_theta;
  local.rope_scaling = RopeScaling();
  return local;
}

// The layer tensors a model of config `c` has, in checkpoint order.
std::vector<LayerTensor> layer_tensors(const ModelConfig& c) {
  std::vector<LayerTensor> out = {LayerTensor::kAttnNorm, LayerTensor::kQ, LayerTensor::kK,
                                  LayerTensor::kV, LayerTensor::kO};
  if (c.qkv_bias)
    out.insert(out.end(), {LayerTensor::kQBias, LayerTensor::kKBias, LayerTensor::kVBias});
  if (c.o_bias) out.push_back(LayerTensor::kOBias);
  if (c.qk_norm) out.insert(out.end(), {LayerTensor::kQNorm, LayerTensor::kKNorm});
  if (c.gemma_norms) out.push_back(LayerTensor::kPostAttnNorm);
  out.push_back(LayerTensor::kMlpNorm);
  if (c.gemma_norms) out.push_back(LayerTensor::kPostMlpNorm);
  out.insert(out.end(), {LayerTensor::kGate, LayerTensor::kUp, LayerTensor::kDown});
  return out;
}

std::vector<int64_t> layer_tensor_shape(const ModelConfig& c, LayerTensor which) {
  const int64_t C = c.hidden_size, HD = int64_t{c.num_heads} * c.head_dim,
                KVD = int64_t{c.num_kv_heads} * c.head_dim, F = c.intermediate_size;
  switch (which) {
    case LayerTensor::kQ:
      return {HD, C};
    case LayerTensor::kK:
    case LayerTensor::kV:
      return {KVD, C};
    case LayerTensor::kO:
      return {C, HD};
    case LayerTensor::kQBias:
      return {HD};
    case LayerTensor::kKBias:
    case LayerTensor::kVBias:
      return {KVD};
    case LayerTensor::kQNorm:
    case LayerTensor::kKNorm:
      return {c.head_dim};
    case LayerTensor::kGate:
    case LayerTensor::kUp:
      return {F, C};
    case LayerTensor::kDown:
      return {C, F};
    default:  // the norms over the hidden size, and o_proj's bias
      return {C};
  }
}

bool is_norm(LayerTensor which) {
  return which == LayerTensor::kAttnNorm || which == LayerTensor::kMlpNorm ||
         which == LayerTensor::kPostAttnNorm || which == LayerTensor::kPostMlpNorm ||
         which == LayerTensor::kQNorm || which == LayerTensor::kKNorm;
}

// Where the model's tensors sit in this checkpoint: the family's root, or a multimodal Gemma 3's.
std::string checkpoint_root(ModelFamily family, const SafetensorsCheckpoint& ckpt) {
  const std::string root = model_tensor_root(family);
  if (family != ModelFamily::kGemma3 || ckpt.contains(embed_tensor_name(family, root))) return root;
  for (const char* multimodal : {"language_model.model.", "model.language_model."})
    if (ckpt.contains(embed_tensor_name(family, multimodal))) return multimodal;
  return root;
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

}  // namespace

at::Tensor& LlamaLayerWeights::tensor(LayerTensor which) {
  switch (which) {
    case LayerTensor::kAttnNorm:
      return attn_norm;
    case LayerTensor::kQ:
      return wq;
    case LayerTensor::kK:
      return wk;
    case LayerTensor::kV:
      return wv;
    case LayerTensor::kO:
      return wo;
    case LayerTensor::kQBias:
      return bq;
    case LayerTensor::kKBias:
      return bk;
    case LayerTensor::kVBias:
      return bv;
    case LayerTensor::kOBias:
      return bo;
    case LayerTensor::kQNorm:
      return q_norm;
    case LayerTensor::kKNorm:
      return k_norm;
    case LayerTensor::kPostAttnNorm:
      return post_attn_norm;
    case LayerTensor::kMlpNorm:
      return mlp_norm;
    case LayerTensor::kPostMlpNorm:
      return post_mlp_norm;
    case LayerTensor::kGate:
      return w_gate;
    case LayerTensor::kUp:
      return w_up;
    default:
      return w_down;
  }
}

const at::Tensor& LlamaLayerWeights::tensor(LayerTensor which) const {
  return const_cast<LlamaLayerWeights*>(this)->tensor(which);
}

std::vector<std::pair<std::string, at::Tensor>> LlamaWeights::named() const {
  const std::string root = model_tensor_root(family);
  std::vector<std::pair<std::string, at::Tensor>> out;
  out.emplace_back(embed_tensor_name(family, root), embed);
  for (size_t i = 0; i < layers.size(); ++i)
    for (int t = 0; t < static_cast<int>(LayerTensor::kCount); ++t) {
      const auto which = static_cast<LayerTensor>(t);
      const at::Tensor& tensor = layers[i].tensor(which);
      if (tensor.defined())
        out.emplace_back(layer_tensor_name(family, root, static_cast<int>(i), which), tensor);
    }
  out.emplace_back(final_norm_tensor_name(family, root), final_norm);
  if (!lm_head.is_same(embed)) out.emplace_back("lm_head.weight", lm_head);
  return out;
}

void LlamaWeights::replace_each(const std::function<at::Tensor(const at::Tensor&)>& change) {
  const bool tied = lm_head.is_same(embed);
  for (LlamaLayerWeights& l : layers)
    for (int t = 0; t < static_cast<int>(LayerTensor::kCount); ++t) {
      at::Tensor& tensor = l.tensor(static_cast<LayerTensor>(t));
      if (tensor.defined()) tensor = change(tensor);
    }
  embed = change(embed);
  final_norm = change(final_norm);
  lm_head = tied ? embed : change(lm_head);
}

void LlamaWeights::make_trainable_copy() {
  replace_each([](const at::Tensor& t) { return t.detach().clone().set_requires_grad(true); });
}

LlamaModel::LlamaModel(ModelConfig config, LlamaWeights weights)
    : config_(std::move(config)), weights_(std::move(weights)) {
  const int64_t rows = std::min<int64_t>(config_.max_position_embeddings, kRopeTableRows);
  rope_ = rope_tables(config_, rows, weights_.embed.options());
  if (config_.rope_local_theta > 0)
    rope_local_ = rope_tables(local_rope_config(config_), rows, weights_.embed.options());
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
  const int64_t C = c.hidden_size, V = c.vocab_size;
  const std::string root = checkpoint_root(c.family, ckpt);
  LlamaWeights w;
  w.family = c.family;
  w.embed = load_weight(ckpt, embed_tensor_name(c.family, root), {V, C}, options);
  for (int i = 0; i < c.num_layers; ++i) {
    LlamaLayerWeights l;
    for (LayerTensor which : layer_tensors(c))
      l.tensor(which) = load_weight(ckpt, layer_tensor_name(c.family, root, i, which),
                                    layer_tensor_shape(c, which), options);
    w.layers.push_back(std::move(l));
  }
  w.final_norm = load_weight(ckpt, final_norm_tensor_name(c.family, root), {C}, options);
  const std::string head_name =
      (root == "language_model.model." ? "language_model." : "") + std::string("lm_head.weight");
  if (c.tie_word_embeddings) {
    w.lm_head = w.embed;
  } else if (ckpt.contains(head_name)) {
    w.lm_head = load_weight(ckpt, head_name, {V, C}, options);
  } else {
    throw std::runtime_error(ckpt.description() + ": missing tensor '" + head_name +
                             "' and config.json has tie_word_embeddings false");
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
  // Gemma's norms scale by (1 + w): zeros are its identity
  auto norm = [&](int64_t n) { return c.gemma_norms ? at::zeros({n}, options) : ones(n); };
  const int64_t C = c.hidden_size, V = c.vocab_size;
  LlamaWeights w;
  w.family = c.family;
  w.embed = normal({V, C});
  for (int i = 0; i < c.num_layers; ++i) {
    LlamaLayerWeights l;
    for (LayerTensor which : layer_tensors(c)) {
      const std::vector<int64_t> shape = layer_tensor_shape(c, which);
      l.tensor(which) = is_norm(which) ? norm(shape[0]) : normal(shape);
    }
    w.layers.push_back(std::move(l));
  }
  w.final_norm = norm(C);
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
// keys/values hold positions [first_key, first_key + S). window > 0 (a sliding layer): the query
// at position p sees only keys p - window < k <= p.
at::Tensor LlamaModel::attention(const at::Tensor& q, const at::Tensor& keys,
                                 const at::Tensor& values, int64_t start, int64_t first_key,
                                 int64_t window) const {
  constexpr int64_t kAttentionSliceBytes = 4 << 20;
  const int64_t B = q.size(0), H = q.size(1), T = q.size(2), D = q.size(3);
  const int64_t Hkv = keys.size(1), G = H / Hkv, S = keys.size(2);
  const bool window_binds = window > 0 && start + T - first_key > window;
  at::Tensor future;  // [G*T, S]: query at position start+t sees keys 0..start+t (true: hidden)
  if (T > 1 || window_binds) {
    at::Tensor query_pos = at::arange(start, start + T, q.options().dtype(at::kLong)).repeat({G});
    at::Tensor key_pos = at::arange(first_key, first_key + S, q.options().dtype(at::kLong));
    future = key_pos.unsqueeze(0) > query_pos.unsqueeze(1);
    if (window_binds)
      future = future.logical_or(key_pos.unsqueeze(0) <= query_pos.unsqueeze(1) - window);
  }
  const double scale = config_.query_pre_attn_scalar > 0
                           ? 1.0 / std::sqrt(config_.query_pre_attn_scalar)
                           : 1.0 / std::sqrt(static_cast<double>(D));
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
    scores.mul_(scale);
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

  // embed (Gemma: times sqrt(hidden) rounded to the weights' dtype, as Hugging Face does)
  at::Tensor x = at::embedding(weights_.embed, tokens);  // [B, T, C]
  if (c.embed_scaled)
    x = x * at::scalar_tensor(std::sqrt(static_cast<double>(c.hidden_size)), at::kFloat)
                .to(x.scalar_type());
  // RoPE rows for positions [start, start+T): the global table's, and the sliding layers'
  const auto [cos, sin] = rope_window(rope_, c, start, T, options());
  at::Tensor local_cos = cos, local_sin = sin;
  if (rope_local_.cos.defined())
    std::tie(local_cos, local_sin) =
        rope_window(rope_local_, local_rope_config(c), start, T, options());

  for (int i = 0; i < c.num_layers; ++i) {
    const LlamaLayerWeights& l = weights_.layers[i];
    const bool slides = c.layer_slides(i);
    const at::Tensor& layer_cos = slides ? local_cos : cos;
    const at::Tensor& layer_sin = slides ? local_sin : sin;
    // attention block: norm -> q/k/v -> RoPE -> cache write -> attention -> output
    const ProductInput h = rms_norm_input(c, kernels, x, l.attn_norm);
    const std::vector<at::Tensor> qkv =
        project(h, {l.wq, l.wk, l.wv}, {kLoraQ, kLoraK, kLoraV}, adapter, i, fo.training);
    at::Tensor q = head_rope(c, kernels.rope, plus_bias(qkv[0], l.bq).view({B, T, H * D}), H,
                             l.q_norm, layer_cos, layer_sin);
    at::Tensor k = head_rope(c, kernels.rope, plus_bias(qkv[1], l.bk).view({B, T, Hkv * D}), Hkv,
                             l.k_norm, layer_cos, layer_sin);
    at::Tensor v = plus_bias(qkv[2], l.bv).view({B, T, Hkv, D}).transpose(1, 2);
    const KvSpan kv = cache ? cache->write(i, start, k, v) : KvSpan{k, v, 0};
    const at::Tensor att =  // rows [B, T, H * D]
        kernels.prefill_attention
            ? prefill_attention(q, kv.keys, kv.values, start)
            : attention(q, kv.keys, kv.values, start, kv.first, slides ? c.sliding_window : 0)
                  .transpose(1, 2)
                  .reshape({B, T, H * D});
    at::Tensor attended =
        plus_bias(project(ProductInput(kernels, att), l.wo, adapter, i, kLoraO, fo.training), l.bo);
    if (l.post_attn_norm.defined())
      attended = model_norm(c, kernels.norm, attended, l.post_attn_norm);
    x = x + attended;
    // MLP block: norm -> gated activation -> down
    const ProductInput h2 = rms_norm_input(c, kernels, x, l.mlp_norm);
    const std::vector<at::Tensor> gate_up =
        project(h2, {l.w_gate, l.w_up}, {kLoraGate, kLoraUp}, adapter, i, fo.training);
    const ProductInput act = gated_input(c, kernels, gate_up[0], gate_up[1]);
    at::Tensor mlp_out = project(act, l.w_down, adapter, i, kLoraDown, fo.training);
    if (l.post_mlp_norm.defined()) mlp_out = model_norm(c, kernels.norm, mlp_out, l.post_mlp_norm);
    x = x + mlp_out;
  }
  if (cache) cache->advance(start + T);

  // final norm -> logits
  if (fo.last_logits_only) x = x.narrow(1, T - 1, 1);
  if (fo.logit_rows.defined()) x = x.reshape({B * T, c.hidden_size}).index_select(0, fo.logit_rows);
  x = model_norm(c, kernels.norm, x, weights_.final_norm);
  return logits(kernels.head, x, weights_.lm_head);
}

}  // namespace tunedeck
