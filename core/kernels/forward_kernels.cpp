#include "core/kernels/forward_kernels.h"

#include <ATen/autocast_mode.h>
#include <c10/core/GradMode.h>
#include <torch/version.h>

#include <atomic>
#include <stdexcept>

#include "core/kernels/cpu_decode.h"
#include "core/kernels/cpu_rows.h"
#include "core/kernels/prefill_gemm.h"

namespace tunedeck {
namespace {

std::atomic<bool> many_rows_allowed{true};  // forward_kernels_configure

// What the kernels for many rows ask of the weights, in one pass over them.
struct WeightFacts {
  bool one_dtype_on_cpu = true;  // every weight on the CPU in the embedding's dtype
  bool contiguous = true;  // every weight contiguous: prefill_gemm and the head read them as stored
  bool want_grad = false;  // some weight requires grad (full training)
};

WeightFacts weight_facts(const LlamaWeights& w) {
  const at::ScalarType dtype = w.embed.scalar_type();
  WeightFacts facts;
  auto see = [&](const at::Tensor& t) {
    facts.one_dtype_on_cpu =
        facts.one_dtype_on_cpu && t.scalar_type() == dtype && t.device().is_cpu();
    facts.contiguous = facts.contiguous && t.is_contiguous();
    facts.want_grad = facts.want_grad || t.requires_grad();
  };
  see(w.embed);
  for (const LlamaLayerWeights& l : w.layers)
    for (const at::Tensor* t :
         {&l.attn_norm, &l.wq, &l.wk, &l.wv, &l.wo, &l.mlp_norm, &l.w_gate, &l.w_up, &l.w_down})
      see(*t);  // a family's extra tensors do not matter: its calls never reach these kernels
  see(w.final_norm);
  see(w.lm_head);
  return facts;
}

bool adapter_wants_grad(const LoraAdapter* adapter) {
  if (!adapter) return false;
  for (const auto& layer : adapter->layers)
    for (const LoraPair& pair : layer)
      if (pair.defined() && (pair.a.requires_grad() || pair.b.requires_grad())) return true;
  return false;
}

bool cpu_autocast_enabled() {
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
  return at::autocast::is_autocast_enabled(at::kCPU);
#else
  return at::autocast::is_cpu_enabled();
#endif
}

ForwardKernels libtorch_ops(const char* reason) {
  ForwardKernels kernels;
  kernels.reason = reason;
  return kernels;
}

// Why a family's model runs on libtorch's ops: the first piece of its math tunedeck's kernels do
// not compute; null for Llama's math.
const char* family_fallback(const ModelConfig& c) {
  if (c.qkv_bias || c.o_bias) return "libtorch's ops (attention bias: not in tunedeck's kernels)";
  if (c.qk_norm) return "libtorch's ops (q/k RMSNorm: not in tunedeck's kernels)";
  if (c.gemma_norms) return "libtorch's ops (Gemma's (1 + w) norms: not in tunedeck's kernels)";
  if (!c.llama_math()) return "libtorch's ops (Gemma's pieces: not in tunedeck's kernels)";
  return nullptr;
}

// Whether a sliding layer's window hides some key from the positions [.., end): the kernels
// attend over every earlier position.
bool window_binds(const ModelConfig& c, int64_t end) {
  return !c.sliding_layers.empty() && end > c.sliding_window;
}

const char* row_kernels_name(RowKernels kernels) {
  switch (kernels) {
    case RowKernels::kCpuRows:
      return "cpu_rows";
    case RowKernels::kTrainRows:
      return "train_rows";
    case RowKernels::kLibtorch:
      break;
  }
  return "libtorch";
}

const char* head_kernel_name(HeadKernel kernel) {
  switch (kernel) {
    case HeadKernel::kDecodeMatvec:
      return "decode matvec";
    case HeadKernel::kPrefillGemm:
      return "prefill_gemm";
    case HeadKernel::kLibtorch:
      break;
  }
  return "libtorch";
}

}  // namespace

ForwardKernels forward_kernels_choose(const LlamaModel& model, const at::Tensor& tokens,
                                      const KvCache* cache, const LoraAdapter* adapter,
                                      const ForwardOptions& options) {
  const ModelConfig& c = model.config();
  const LlamaWeights& w = model.weights();
  if (options.cpu_kernels == CpuKernels::kLibtorch)
    return libtorch_ops("libtorch's ops (CpuKernels::kLibtorch)");
  if (const char* reason = family_fallback(c)) return libtorch_ops(reason);
  const int64_t start = cache ? cache->size() : 0;
  if (window_binds(c, start + tokens.size(1)))
    return libtorch_ops("libtorch's ops (positions past a sliding window)");

  // one new token on the CPU: the whole step on raw pointers
  if (cache && !options.training && cpu_decode_applies(c, tokens, w, *cache, adapter)) {
    ForwardKernels kernels;
    kernels.decode_step = true;
    kernels.reason = "decode step: one token of batch 1 on the CPU, autograd off";
    return kernels;
  }

  // many positions (or one the decode step does not take)
  if (!w.embed.device().is_cpu()) return libtorch_ops("libtorch's ops (not on the CPU)");
  if (!forward_kernels_many_rows())
    return libtorch_ops(cpu_rows_supported() ? "libtorch's ops (TUNEDECK_PREFILL_KERNELS=torch)"
                                             : "libtorch's ops (this CPU has no AVX-512F)");
  const WeightFacts weights = weight_facts(w);
  const at::ScalarType dtype = w.embed.scalar_type();
  if (!weights.one_dtype_on_cpu)
    return libtorch_ops("libtorch's ops (the weights are not all on the CPU in one dtype)");
  if (dtype != at::kFloat && dtype != at::kBFloat16)
    return libtorch_ops("libtorch's ops (tunedeck's kernels take f32 or bf16)");
  // RoPE's kernels read the model's table in the rows' dtype and rotate halves of each head
  const bool rope_fits = c.head_dim % 2 == 0 && model.rope().cos.scalar_type() == dtype;
  ForwardKernels kernels;

  // autograd: the training nodes (float32), libtorch's products and attention
  const bool autograd = options.training || (c10::GradMode::is_enabled() &&
                                             (weights.want_grad || adapter_wants_grad(adapter)));
  if (autograd) {
    if (dtype != at::kFloat)
      return libtorch_ops("autograd: libtorch's ops (the training nodes are f32)");
    kernels.norm = RowKernels::kTrainRows;  // the residual stream stays f32, autocast or not
    if (cpu_autocast_enabled()) {
      // the products, and so RoPE's and SwiGLU's inputs, come out of autocast in bf16
      kernels.reason = "autograd under CPU autocast";
      return kernels;
    }
    kernels.swiglu = RowKernels::kTrainRows;
    if (rope_fits) kernels.rope = RowKernels::kTrainRows;
    kernels.reason = "autograd";
    return kernels;
  }
  if (cpu_autocast_enabled())
    return libtorch_ops("libtorch's ops (CPU autocast: they follow its dtypes)");

  // inference: no gradient anywhere
  const int64_t B = tokens.size(0), rows = B * tokens.size(1);
  kernels.reason = "inference on the CPU";
  kernels.norm = RowKernels::kCpuRows;
  kernels.swiglu = RowKernels::kCpuRows;
  if (rope_fits) kernels.rope = RowKernels::kCpuRows;
  const bool cache_fits = !cache || c.num_layers == 0 ||
                          (cache->keys(0).scalar_type() == dtype &&
                           cache->keys(0).device().is_cpu() && cache->keys(0).size(0) == B);
  kernels.prefill_attention =
      cache_fits && c.head_dim % 16 == 0 && c.num_kv_heads > 0 && c.num_heads % c.num_kv_heads == 0;
  kernels.prefill_gemm = dtype == at::kFloat && weights.contiguous && rows >= PrefillRows::kMinRows;
  const int64_t head_rows = options.last_logits_only       ? B
                            : options.logit_rows.defined() ? options.logit_rows.numel()
                                                           : rows;
  if (head_rows == 1 && w.lm_head.is_contiguous())
    kernels.head = HeadKernel::kDecodeMatvec;
  else if (dtype == at::kFloat && w.lm_head.is_contiguous() && head_rows >= PrefillRows::kMinRows)
    kernels.head = HeadKernel::kPrefillGemm;
  return kernels;
}

std::string forward_kernels_describe(const ForwardKernels& k) {
  std::string text = k.reason;
  if (k.decode_step) return text + " (core/kernels/cpu_decode)";
  const bool all_libtorch = !k.prefill_gemm && k.norm == RowKernels::kLibtorch &&
                            k.rope == RowKernels::kLibtorch && k.swiglu == RowKernels::kLibtorch &&
                            !k.prefill_attention && k.head == HeadKernel::kLibtorch;
  if (all_libtorch) return text;
  text += ": products ";
  if (k.prefill_gemm)
    text += std::string("prefill_gemm (RMSNorm and SwiGLU in its packing), final RMSNorm ") +
            row_kernels_name(k.norm);
  else
    text += std::string("libtorch, RMSNorm ") + row_kernels_name(k.norm) + ", SwiGLU " +
            row_kernels_name(k.swiglu);
  text += std::string(", RoPE ") + row_kernels_name(k.rope) + ", attention " +
          (k.prefill_attention ? "prefill_attention" : "libtorch") + ", head " +
          head_kernel_name(k.head);
  return text;
}

void forward_kernels_configure(const char* prefill_kernels) {
  const std::string value = prefill_kernels ? prefill_kernels : "";
  if (value.empty() || value == "tunedeck") {
    many_rows_allowed = true;
  } else if (value == "torch") {
    many_rows_allowed = false;
  } else {
    throw std::runtime_error("TUNEDECK_PREFILL_KERNELS=" + value +
                             ": expected tunedeck (the default: tunedeck's CPU kernels for prefill "
                             "and training) or torch (libtorch's ops)");
  }
}

bool forward_kernels_many_rows() {
  return many_rows_allowed.load(std::memory_order_relaxed) && cpu_rows_supported();
}

}  // namespace tunedeck
