// A whole model through tunedeck's CPU kernels for many rows (core/kernels/prefill_gemm, cpu_rows,
// prefill_attention, train_rows) against the same model with CpuKernels::kLibtorch (libtorch's
// ops throughout): f32 and bf16 prefill logits, and a LoRA training step's loss and gradients,
// each after checking that forward_kernels_choose really picks the kernels under test.
// A small GQA Llama (8 heads, 2 kv heads, head_dim 16, so attention's kernel applies too).
// Skipped where the CPU has no AVX-512 (the kernels are off there).
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "core/kernels/forward_kernels.h"
#include "core/llama_model.h"
#include "core/lora.h"
#include "tests/test_support.h"

namespace tunedeck {
namespace {

ModelConfig small_gqa_config() {
  ModelConfig c = testing::llama_config({128, 2, 8, 2, 16, 200, 96, 128});
  c.rms_norm_eps = 1e-5;
  return c;
}

at::Tensor fixed_tokens(const ModelConfig& c) {
  at::Generator gen = at::detail::createCPUGenerator(6);
  return at::randint(c.vocab_size, {2, 37}, gen, at::TensorOptions().dtype(at::kLong));
}

// Logits of the same prefill with our kernels (first) and libtorch's ops (second).
std::pair<at::Tensor, at::Tensor> prefill_both_ways(at::ScalarType dtype) {
  const ModelConfig c = small_gqa_config();
  const LlamaModel model = LlamaModel::random(c, 5, 0.2, at::TensorOptions().dtype(dtype));
  const at::Tensor tokens = fixed_tokens(c);
  at::NoGradGuard no_grad;
  ForwardOptions ours, libtorch;
  libtorch.cpu_kernels = CpuKernels::kLibtorch;
  const ForwardKernels kernels = forward_kernels_choose(model, tokens, nullptr, nullptr, ours);
  EXPECT_EQ(kernels.prefill_gemm, dtype == at::kFloat) << forward_kernels_describe(kernels);
  EXPECT_EQ(kernels.norm, RowKernels::kCpuRows);
  EXPECT_EQ(kernels.rope, RowKernels::kCpuRows);
  EXPECT_TRUE(kernels.prefill_attention);
  EXPECT_EQ(kernels.head, dtype == at::kFloat ? HeadKernel::kPrefillGemm : HeadKernel::kLibtorch);
  return {model.forward(tokens, nullptr, 0, nullptr, ours),
          model.forward(tokens, nullptr, 0, nullptr, libtorch)};
}

TEST(ForwardPaths, F32PrefillMatchesLibtorchsOps) {
  if (!forward_kernels_many_rows()) GTEST_SKIP() << "no AVX-512 here";
  const auto [fast, slow] = prefill_both_ways(at::kFloat);
  ASSERT_EQ(fast.sizes(), slow.sizes());
  EXPECT_LT((fast - slow).abs().max().item<double>(), 1e-4);
  EXPECT_TRUE(at::equal(fast.argmax(-1), slow.argmax(-1)));
}

TEST(ForwardPaths, Bf16PrefillMatchesLibtorchsOps) {
  if (!forward_kernels_many_rows()) GTEST_SKIP() << "no AVX-512 here";
  const auto [fast, slow] = prefill_both_ways(at::kBFloat16);
  const double scale = slow.abs().max().item<double>();
  EXPECT_LT((fast - slow).abs().max().item<double>(), 0.03 * scale);
  EXPECT_GT(fast.argmax(-1).eq(slow.argmax(-1)).to(at::kFloat).mean().item<double>(), 0.9);
}

// One LoRA training step (every target, B made non-zero so every path carries gradient): the
// loss and each A/B gradient agree between the training nodes and libtorch's autograd.
TEST(ForwardPaths, LoraTrainingStepMatchesLibtorchsAutograd) {
  if (!forward_kernels_many_rows()) GTEST_SKIP() << "no AVX-512 here";
  const ModelConfig c = small_gqa_config();
  const LlamaModel model = LlamaModel::random(c, 5, 0.2, at::TensorOptions().dtype(at::kFloat));
  const at::Tensor tokens = fixed_tokens(c);
  LoraSettings settings;
  settings.rank = 4;
  settings.dropout = 0.0;
  auto step = [&](bool own_kernels) {
    std::shared_ptr<LoraAdapter> adapter = lora_create(c, model.weights(), settings, 7);
    for (auto& layer : adapter->layers)
      for (LoraPair& pair : layer)
        if (pair.defined()) {
          at::NoGradGuard no_grad;
          pair.b.fill_(0.05);
        }
    ForwardOptions fo;
    fo.training = true;
    fo.cpu_kernels = own_kernels ? CpuKernels::kTunedeck : CpuKernels::kLibtorch;
    const ForwardKernels kernels =
        forward_kernels_choose(model, tokens, nullptr, adapter.get(), fo);
    const RowKernels expected = own_kernels ? RowKernels::kTrainRows : RowKernels::kLibtorch;
    EXPECT_EQ(kernels.norm, expected) << forward_kernels_describe(kernels);
    EXPECT_EQ(kernels.rope, expected);
    EXPECT_EQ(kernels.swiglu, expected);
    const at::Tensor logits = model.forward(tokens, nullptr, 0, adapter.get(), fo);
    const at::Tensor loss =
        at::cross_entropy_loss(logits.reshape({-1, c.vocab_size}), tokens.reshape({-1}));
    loss.backward();
    std::vector<at::Tensor> out = {loss.detach()};
    for (const at::Tensor& p : adapter->parameters()) out.push_back(p.grad().clone());
    return out;
  };
  const auto ours = step(true), libtorch = step(false);
  ASSERT_EQ(ours.size(), libtorch.size());
  EXPECT_NEAR(ours[0].item<double>(), libtorch[0].item<double>(), 1e-5);
  for (size_t i = 1; i < ours.size(); ++i)
    EXPECT_LT((ours[i] - libtorch[i]).abs().max().item<double>(),
              1e-4 * (1 + libtorch[i].abs().max().item<double>()))
        << "parameter " << i - 1;
}

}  // namespace
}  // namespace tunedeck
