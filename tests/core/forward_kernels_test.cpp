// forward_kernels_choose: which kernels a forward call gets for each kind of call (a decode step,
// f32 and bf16 prefills of few and many rows, each head, training, a gradient wanted without
// training, autocast, weights the kernels cannot read, libtorch's ops asked for), the reason it
// gives, and TUNEDECK_PREFILL_KERNELS (parsed by forward_kernels_configure, read by
// runtime_init, a bad value a clear error). That each kernel computes what libtorch does is
// tests/core/forward_paths_test's and the kernels' own tests'.
#include "core/kernels/forward_kernels.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <string>

#include "core/kernels/cpu_rows.h"
#include "core/runtime.h"
#include "tests/test_support.h"
#include "train/cpu_autocast.h"

namespace tunedeck {
namespace {

// GQA with head_dim 16 (attention's kernel takes it), untied head.
ModelConfig small_config() { return testing::llama_config({64, 2, 4, 2, 16, 96, 80, 64}); }

LlamaModel random_model(at::ScalarType dtype, const ModelConfig& config = small_config()) {
  return LlamaModel::random(config, 3, 0.2, at::TensorOptions().dtype(dtype));
}

at::Tensor tokens(int64_t batch, int64_t count) { return at::zeros({batch, count}, at::kLong); }

ForwardKernels choose(const LlamaModel& model, const at::Tensor& ids,
                      const KvCache* cache = nullptr, const ForwardOptions& options = {},
                      const LoraAdapter* adapter = nullptr) {
  return forward_kernels_choose(model, ids, cache, adapter, options);
}

bool all_libtorch(const ForwardKernels& k) {
  return !k.decode_step && !k.prefill_gemm && k.norm == RowKernels::kLibtorch &&
         k.rope == RowKernels::kLibtorch && k.swiglu == RowKernels::kLibtorch &&
         !k.prefill_attention && k.head == HeadKernel::kLibtorch;
}

// A plan's kernels for the rows: RMSNorm, RoPE, SwiGLU.
using RowKernelsOf = std::array<RowKernels, 3>;
RowKernelsOf row_kernels(const ForwardKernels& k) { return {k.norm, k.rope, k.swiglu}; }

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Restores the process's setting however a test ends.
struct ManyRowsRestored {
  ~ManyRowsRestored() { forward_kernels_configure(nullptr); }
};

TEST(ForwardKernels, LibtorchsOpsWhenAsked) {
  const LlamaModel model = random_model(at::kFloat);
  KvCache cache = model.make_cache(1, 8);
  c10::InferenceMode inference;
  ForwardOptions options;
  options.cpu_kernels = CpuKernels::kLibtorch;
  for (const at::Tensor& ids : {tokens(1, 1), tokens(2, 20)}) {
    const ForwardKernels k = choose(model, ids, ids.size(0) == 1 ? &cache : nullptr, options);
    EXPECT_TRUE(all_libtorch(k)) << forward_kernels_describe(k);
    EXPECT_TRUE(contains(k.reason, "libtorch")) << k.reason;
  }
}

TEST(ForwardKernels, DecodeStepForOneTokenWithACacheAndAutogradOff) {
  const LlamaModel model = random_model(at::kFloat);
  KvCache cache = model.make_cache(1, 8);
  {
    c10::InferenceMode inference;
    const ForwardKernels k = choose(model, tokens(1, 1), &cache);
    EXPECT_TRUE(k.decode_step);
    EXPECT_TRUE(contains(forward_kernels_describe(k), "cpu_decode")) << forward_kernels_describe(k);
    EXPECT_FALSE(choose(model, tokens(1, 1)).decode_step);          // no cache
    EXPECT_FALSE(choose(model, tokens(1, 2), &cache).decode_step);  // two tokens
    ForwardOptions training;
    training.training = true;
    EXPECT_FALSE(choose(model, tokens(1, 1), &cache, training).decode_step);
  }
  EXPECT_FALSE(choose(model, tokens(1, 1), &cache).decode_step);  // autograd on
}

TEST(ForwardKernels, F32PrefillPacksFromSixteenRows) {
  if (!forward_kernels_many_rows()) GTEST_SKIP() << "no AVX-512 here";
  const LlamaModel model = random_model(at::kFloat);
  KvCache cache = model.make_cache(1, 32);
  c10::InferenceMode inference;
  ForwardOptions last;
  last.last_logits_only = true;
  const ForwardKernels k = choose(model, tokens(1, 16), &cache, last);
  EXPECT_TRUE(k.prefill_gemm);
  EXPECT_EQ(k.norm, RowKernels::kCpuRows);  // the final norm; the layers' are in the packing
  EXPECT_EQ(k.rope, RowKernels::kCpuRows);
  EXPECT_TRUE(k.prefill_attention);
  EXPECT_EQ(k.head, HeadKernel::kDecodeMatvec);  // one position's logits
  EXPECT_EQ(
      forward_kernels_describe(k),
      "inference on the CPU: products prefill_gemm (RMSNorm and SwiGLU in its packing), "
      "final RMSNorm cpu_rows, RoPE cpu_rows, attention prefill_attention, head decode matvec");

  const ForwardKernels few = choose(model, tokens(1, 15), &cache, last);
  EXPECT_FALSE(few.prefill_gemm);
  EXPECT_EQ(few.norm, RowKernels::kCpuRows);
  EXPECT_EQ(few.swiglu, RowKernels::kCpuRows);
  EXPECT_TRUE(few.prefill_attention);

  EXPECT_EQ(choose(model, tokens(2, 8)).head, HeadKernel::kPrefillGemm);  // 16 rows of logits
  EXPECT_EQ(choose(model, tokens(2, 8), nullptr, last).head, HeadKernel::kLibtorch);  // 2 rows
  ForwardOptions some_rows;
  some_rows.logit_rows = at::arange(3, at::kLong);
  EXPECT_EQ(choose(model, tokens(2, 8), nullptr, some_rows).head, HeadKernel::kLibtorch);
  some_rows.logit_rows = at::arange(1, at::kLong);
  EXPECT_EQ(choose(model, tokens(2, 8), nullptr, some_rows).head, HeadKernel::kDecodeMatvec);
}

TEST(ForwardKernels, Bf16PrefillKeepsLibtorchsProducts) {
  if (!forward_kernels_many_rows()) GTEST_SKIP() << "no AVX-512 here";
  const LlamaModel model = random_model(at::kBFloat16);
  KvCache cache = model.make_cache(1, 32);
  c10::InferenceMode inference;
  const ForwardKernels k = choose(model, tokens(1, 32), &cache);
  EXPECT_FALSE(k.prefill_gemm);
  EXPECT_EQ(row_kernels(k),
            (RowKernelsOf{RowKernels::kCpuRows, RowKernels::kCpuRows, RowKernels::kCpuRows}));
  EXPECT_TRUE(k.prefill_attention);
  EXPECT_EQ(k.head, HeadKernel::kLibtorch);
}

TEST(ForwardKernels, AttentionKernelNeedsHeadDimOfSixteensAndTheCachesDtype) {
  if (!forward_kernels_many_rows()) GTEST_SKIP() << "no AVX-512 here";
  ModelConfig narrow_heads = small_config();
  narrow_heads.num_heads = 8;
  narrow_heads.num_kv_heads = 4;
  narrow_heads.head_dim = 8;  // stories260k's
  c10::InferenceMode inference;
  EXPECT_FALSE(choose(random_model(at::kFloat, narrow_heads), tokens(1, 20)).prefill_attention);
  const LlamaModel model = random_model(at::kFloat);
  KvCache bf16_cache(model.config(), 1, 32, at::TensorOptions().dtype(at::kBFloat16));
  EXPECT_FALSE(choose(model, tokens(1, 20), &bf16_cache).prefill_attention);
  KvCache batch2 = model.make_cache(2, 32);
  EXPECT_FALSE(choose(model, tokens(1, 20), &batch2).prefill_attention);
}

TEST(ForwardKernels, WeightsNotAsStoredKeepTheProductsOnLibtorch) {
  if (!forward_kernels_many_rows()) GTEST_SKIP() << "no AVX-512 here";
  LlamaWeights transposed = random_model(at::kFloat).weights();
  transposed.layers[1].wq =
      transposed.layers[1].wq.t().contiguous().t();  // [64, 64], not contiguous
  const LlamaModel model(small_config(), transposed);
  c10::InferenceMode inference;
  const ForwardKernels k = choose(model, tokens(1, 32));
  EXPECT_FALSE(k.prefill_gemm);
  EXPECT_EQ(k.norm, RowKernels::kCpuRows);

  LlamaWeights mixed = random_model(at::kFloat).weights();
  mixed.layers[0].w_up = mixed.layers[0].w_up.to(at::kBFloat16);
  const ForwardKernels other = choose(LlamaModel(small_config(), mixed), tokens(1, 32));
  EXPECT_TRUE(all_libtorch(other)) << forward_kernels_describe(other);
}

TEST(ForwardKernels, AutogradGetsTheTrainingNodes) {
  if (!forward_kernels_many_rows()) GTEST_SKIP() << "no AVX-512 here";
  LlamaModel model = random_model(at::kFloat);
  ForwardOptions training;
  training.training = true;
  const ForwardKernels k = choose(model, tokens(2, 32), nullptr, training);
  EXPECT_FALSE(k.prefill_gemm);
  EXPECT_EQ(row_kernels(k),
            (RowKernelsOf{RowKernels::kTrainRows, RowKernels::kTrainRows, RowKernels::kTrainRows}));
  EXPECT_FALSE(k.prefill_attention);
  EXPECT_EQ(k.head, HeadKernel::kLibtorch);
  EXPECT_STREQ(k.reason, "autograd");

  // a gradient wanted without training (a weight that requires grad): the same nodes
  model.mutable_weights().layers[1].wq.set_requires_grad(true);
  EXPECT_EQ(choose(model, tokens(2, 32)).norm, RowKernels::kTrainRows);
  {
    at::NoGradGuard no_grad;  // evaluation of a model in full training: the inference kernels
    EXPECT_TRUE(choose(model, tokens(2, 32)).prefill_gemm);
  }

  // bf16 autocast: the products come out bf16, so RoPE and SwiGLU stay on libtorch's ops
  model.mutable_weights().layers[1].wq.set_requires_grad(false);
  const CpuBf16Autocast autocast;
  const ForwardKernels under = choose(model, tokens(2, 32), nullptr, training);
  EXPECT_EQ(row_kernels(under),
            (RowKernelsOf{RowKernels::kTrainRows, RowKernels::kLibtorch, RowKernels::kLibtorch}));
}

TEST(ForwardKernels, PrefillKernelsTorchKeepsLibtorchsOpsButNotTheDecodeStep) {
  const ManyRowsRestored restore;
  forward_kernels_configure("torch");
  EXPECT_FALSE(forward_kernels_many_rows());
  const LlamaModel model = random_model(at::kFloat);
  KvCache cache = model.make_cache(1, 32);
  c10::InferenceMode inference;
  const ForwardKernels prefill = choose(model, tokens(1, 20), &cache);
  EXPECT_TRUE(all_libtorch(prefill)) << forward_kernels_describe(prefill);
  if (cpu_rows_supported()) {
    EXPECT_STREQ(prefill.reason, "libtorch's ops (TUNEDECK_PREFILL_KERNELS=torch)");
  }
  cache.advance(20);
  EXPECT_TRUE(choose(model, tokens(1, 1), &cache).decode_step);
  forward_kernels_configure("tunedeck");
  EXPECT_EQ(forward_kernels_many_rows(), cpu_rows_supported());
}

TEST(ForwardKernels, ABadPrefillKernelsValueIsAClearError) {
  const ManyRowsRestored restore;
  try {
    forward_kernels_configure("fast");
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_TRUE(contains(e.what(), "TUNEDECK_PREFILL_KERNELS=fast")) << e.what();
    EXPECT_TRUE(contains(e.what(), "tunedeck")) << e.what();
    EXPECT_TRUE(contains(e.what(), "torch")) << e.what();
  }
  EXPECT_EQ(forward_kernels_many_rows(), cpu_rows_supported());  // unchanged
}

// The one test here that calls runtime_init: its first call reads the environment, and a failed
// read is retried by the next call.
TEST(ForwardKernels, RuntimeInitReadsTheEnvironmentOnce) {
  const ManyRowsRestored restore;
  ASSERT_EQ(setenv("TUNEDECK_PREFILL_KERNELS", "fast", 1), 0);
  EXPECT_THROW(runtime_init(1), std::runtime_error);
  EXPECT_THROW(runtime_init(1), std::runtime_error);
  ASSERT_EQ(setenv("TUNEDECK_PREFILL_KERNELS", "torch", 1), 0);
  EXPECT_EQ(runtime_init(1), 1);
  EXPECT_FALSE(forward_kernels_many_rows());
  ASSERT_EQ(setenv("TUNEDECK_PREFILL_KERNELS", "fast", 1), 0);
  EXPECT_EQ(runtime_init(1), 1);  // read once: not again
  EXPECT_FALSE(forward_kernels_many_rows());
  unsetenv("TUNEDECK_PREFILL_KERNELS");
}

}  // namespace
}  // namespace tunedeck
