// The fast CPU decode step (core/kernels/cpu_decode) against libtorch's path of LlamaModel::forward
// (ForwardOptions::cpu_kernels = kLibtorch): the logits at every decode position and the K/V it
// writes into the cache, in f32 and bf16, on a GQA model with an untied head and rope_theta
// 500000, with llama3 RoPE scaling, past the RoPE table, with LoRA; when it must not run; threads.
#include "core/kernels/cpu_decode.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <gtest/gtest.h>

#include <iostream>
#include <thread>

#include "core/llama_model.h"
#include "core/lora.h"
#include "tests/test_support.h"

namespace tunedeck {
namespace {

LlamaModel random_model(const ModelConfig& config, at::ScalarType dtype) {
  return LlamaModel::random(config, 1234, 0.2, at::TensorOptions().dtype(dtype));
}

at::Tensor random_tokens(const ModelConfig& config, int64_t count) {
  at::Generator gen = at::detail::createCPUGenerator(42);
  return at::randint(config.vocab_size, {1, count}, gen, at::TensorOptions().dtype(at::kLong));
}

struct Decoded {
  std::vector<at::Tensor> logits;  // [1, 1, V] float32 per decode step
  KvCache cache;
};

// Prefills the first `prefill` tokens through libtorch's path, then decodes the rest one at a
// time with the fast step on or off. The cache holds exactly the tokens.
Decoded decode(const LlamaModel& model, const at::Tensor& tokens, int64_t prefill, bool fast,
               const LoraAdapter* adapter = nullptr) {
  c10::InferenceMode guard;
  const int64_t T = tokens.size(1);
  Decoded d{{}, model.make_cache(1, T)};
  model.forward(tokens.narrow(1, 0, prefill), &d.cache, 0, adapter);
  ForwardOptions options;
  options.cpu_kernels = fast ? CpuKernels::kTunedeck : CpuKernels::kLibtorch;
  for (int64_t t = prefill; t < T; ++t) {
    if (fast) {
      EXPECT_TRUE(cpu_decode_applies(model.config(), tokens.narrow(1, t, 1), model.weights(),
                                     d.cache, adapter));
    }
    d.logits.push_back(model.forward(tokens.narrow(1, t, 1), &d.cache, t, adapter, options));
  }
  return d;
}

double max_abs(const at::Tensor& t) { return t.abs().max().item<double>(); }

// Largest |a[i] - b[i]| over a list of logits.
double max_gap(const std::vector<at::Tensor>& a, const std::vector<at::Tensor>& b) {
  double gap = 0;
  for (size_t i = 0; i < a.size(); ++i) gap = std::max(gap, max_abs(a[i] - b[i]));
  return gap;
}

// Largest |a - b| over every layer's keys and values, and the largest |b| entry.
std::pair<double, double> cache_gap(const KvCache& a, const KvCache& b, int layers) {
  double gap = 0, scale = 0;
  for (int layer = 0; layer < layers; ++layer) {
    for (bool keys : {true, false}) {
      const at::Tensor x = (keys ? a.keys(layer) : a.values(layer)).to(at::kFloat);
      const at::Tensor y = (keys ? b.keys(layer) : b.values(layer)).to(at::kFloat);
      gap = std::max(gap, max_abs(x - y));
      scale = std::max(scale, max_abs(y));
    }
  }
  return {gap, scale};
}

// Largest differences between the two paths, each with the scale it is judged against.
struct PathGap {
  double logits = 0, logit_scale = 0;  // over every decode step
  double cache = 0, cache_scale = 0;   // over every layer's keys and values
};

PathGap fast_vs_torch(const LlamaModel& model, int64_t T, int64_t prefill,
                      const LoraAdapter* adapter = nullptr) {
  const at::Tensor tokens = random_tokens(model.config(), T);
  const Decoded fast = decode(model, tokens, prefill, true, adapter);
  const Decoded torch = decode(model, tokens, prefill, false, adapter);
  EXPECT_EQ(fast.cache.size(), T);
  PathGap gap;
  for (size_t i = 0; i < fast.logits.size(); ++i) {
    EXPECT_EQ(fast.logits[i].sizes(), torch.logits[i].sizes());
    EXPECT_EQ(fast.logits[i].scalar_type(), at::kFloat);
    gap.logit_scale = std::max(gap.logit_scale, max_abs(torch.logits[i]));
  }
  gap.logits = max_gap(fast.logits, torch.logits);
  std::tie(gap.cache, gap.cache_scale) =
      cache_gap(fast.cache, torch.cache, model.config().num_layers);
  return gap;
}

// f32: the same arithmetic in another order, so the paths agree to float32 rounding.
void expect_f32_agreement(const PathGap& gap) {
  EXPECT_GT(gap.logit_scale, 0.5);  // logits are not trivially small
  EXPECT_LT(gap.logits, 1e-5 * gap.logit_scale) << "scale " << gap.logit_scale;
  EXPECT_LT(gap.cache, 1e-5 * gap.cache_scale) << "scale " << gap.cache_scale;
}

TEST(CpuDecode, MatchesLibtorchPathAtEveryPositionInF32) {
  const PathGap gap = fast_vs_torch(random_model(testing::gqa_model_config(), at::kFloat), 24, 5);
  expect_f32_agreement(gap);
  std::cout << "[ measured ] f32 max|logit diff| " << gap.logits << " (max|logit| "
            << gap.logit_scale << "), max|cache diff| " << gap.cache << "\n";
}

// The same weights in float32 (bf16 widens exactly): the reference for both bf16 paths.
LlamaModel widened_to_f32(const LlamaModel& model) {
  LlamaWeights w = model.weights();
  w.replace_each([](const at::Tensor& t) { return t.to(at::kFloat); });
  return LlamaModel(model.config(), std::move(w));
}

// bf16: libtorch's path rounds every activation to bf16; the fast step keeps them in float32 and
// rounds only the K/V it stores (both read RoPE rows in bf16). So the fast step must stay closer
// than libtorch's bf16 path to the float32 computation on the same weights, and within that
// path's own error of it. Measured here (share of the largest logit): fast 2.0%, libtorch 3.4%,
// fast vs libtorch 3.5%; cache entries fast vs libtorch 1.9% of the largest entry. A layout,
// RoPE or GQA mistake shows up as tens of percent.
TEST(CpuDecode, Bf16StaysCloseToTheFloat32ComputationOnTheSameWeights) {
  LlamaModel bf16 = random_model(testing::gqa_model_config(), at::kBFloat16);
  const at::Tensor tokens = random_tokens(bf16.config(), 24);
  const Decoded reference = decode(widened_to_f32(bf16), tokens, 5, false);
  const Decoded fast = decode(bf16, tokens, 5, true);
  const Decoded torch = decode(bf16, tokens, 5, false);
  double scale = 0;
  for (const at::Tensor& l : reference.logits) scale = std::max(scale, max_abs(l));
  const double fast_error = max_gap(fast.logits, reference.logits);
  const double torch_error = max_gap(torch.logits, reference.logits);
  const double between = max_gap(fast.logits, torch.logits);
  const auto [cache_diff, cache_scale] =
      cache_gap(fast.cache, torch.cache, bf16.config().num_layers);
  std::cout << "[ measured ] bf16 vs f32 on the same weights, max|logit diff|: fast " << fast_error
            << ", libtorch " << torch_error << "; fast vs libtorch " << between << " (max|logit| "
            << scale << "), cache " << cache_diff << " (max|entry| " << cache_scale << ")\n";
  EXPECT_GT(scale, 0.5);
  EXPECT_LT(fast_error, 0.03 * scale);
  EXPECT_LT(fast_error, torch_error);
  EXPECT_LT(between, 0.06 * scale);
  EXPECT_LT(cache_diff, 0.04 * cache_scale);
}

TEST(CpuDecode, MatchesLibtorchPathWithLlama3RopeScaling) {
  ModelConfig c = testing::gqa_model_config();
  // original context 16: wavelength 2*pi is interpolated, the three longer ones are divided by 8
  c.rope_scaling = {"llama3", 8.0, 1.0, 4.0, 16};
  expect_f32_agreement(fast_vs_torch(random_model(c, at::kFloat), 24, 3));
}

TEST(CpuDecode, MatchesLibtorchPathPastTheRopeTable) {
  ModelConfig c = testing::gqa_model_config();
  c.max_position_embeddings = 16;  // the model's table has 16 rows; decode runs to position 39
  expect_f32_agreement(fast_vs_torch(random_model(c, at::kFloat), 40, 4));
}

TEST(CpuDecode, MatchesLibtorchPathWithALoraAdapter) {
  LlamaModel model = random_model(testing::gqa_model_config(), at::kFloat);
  LoraSettings settings;
  settings.rank = 4;
  settings.alpha = 8;
  settings.targets = {kLoraQ, kLoraV, kLoraO, kLoraDown};
  auto adapter = lora_create(model.config(), model.weights(), settings, 3);
  {
    at::NoGradGuard no_grad;
    for (auto& layer : adapter->layers)
      for (auto& pair : layer)
        if (pair.defined()) pair.b.normal_(0.0, 0.2);  // B = 0 would hide a missing adapter
  }
  const PathGap with = fast_vs_torch(model, 24, 5, adapter.get());
  expect_f32_agreement(with);
  const PathGap without = fast_vs_torch(model, 24, 5);
  EXPECT_GT(std::abs(with.logit_scale - without.logit_scale), 1e-3);  // the adapter matters
}

TEST(CpuDecode, AppliesOnlyToOneTokenWithAutogradOffAndContiguousWeights) {
  LlamaModel model = random_model(testing::gqa_model_config(), at::kFloat);
  KvCache cache = model.make_cache(1, 8);
  const at::Tensor one = random_tokens(model.config(), 1);
  {
    c10::InferenceMode guard;
    EXPECT_TRUE(cpu_decode_applies(model.config(), one, model.weights(), cache, nullptr));
    EXPECT_FALSE(cpu_decode_applies(model.config(), random_tokens(model.config(), 2),
                                    model.weights(), cache, nullptr));
    EXPECT_FALSE(
        cpu_decode_applies(model.config(), one.to(at::kInt), model.weights(), cache, nullptr));
    KvCache batch2 = model.make_cache(2, 8);
    EXPECT_FALSE(cpu_decode_applies(model.config(), one, model.weights(), batch2, nullptr));
    LlamaWeights transposed = model.weights();
    transposed.layers[1].wq = transposed.layers[1].wq.t();  // [64, 64]: same shape, not contiguous
    EXPECT_FALSE(cpu_decode_applies(model.config(), one, transposed, cache, nullptr));
    ModelConfig other = model.config();
    other.intermediate_size = 128;
    EXPECT_FALSE(cpu_decode_applies(other, one, model.weights(), cache, nullptr));
    cache.advance(8);  // full: libtorch's path says so
    EXPECT_FALSE(cpu_decode_applies(model.config(), one, model.weights(), cache, nullptr));
  }
  EXPECT_FALSE(
      cpu_decode_applies(model.config(), one, model.weights(), model.make_cache(1, 8), nullptr));
}

TEST(CpuDecode, TokenOutsideTheVocabularyThrowsAndLeavesTheCache) {
  LlamaModel model = random_model(testing::gqa_model_config(), at::kFloat);
  KvCache cache = model.make_cache(1, 8);
  c10::InferenceMode guard;
  const at::Tensor bad = at::full({1, 1}, model.config().vocab_size, at::kLong);
  ASSERT_TRUE(cpu_decode_applies(model.config(), bad, model.weights(), cache, nullptr));
  try {
    model.forward(bad, &cache, 0);
    FAIL() << "expected an exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("outside the vocabulary (0..127)"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(cache.size(), 0);
}

TEST(CpuDecode, ThreadsWithTheirOwnCachesGetTheSameLogits) {
  LlamaModel model = random_model(testing::gqa_model_config(), at::kFloat);
  const at::Tensor tokens = random_tokens(model.config(), 16);
  const Decoded alone = decode(model, tokens, 2, true);
  std::vector<Decoded> results(3, Decoded{{}, model.make_cache(1, 1)});
  std::vector<std::thread> threads;
  for (auto& r : results) threads.emplace_back([&] { r = decode(model, tokens, 2, true); });
  for (auto& t : threads) t.join();
  for (const auto& r : results) {
    ASSERT_EQ(r.logits.size(), alone.logits.size());
    for (size_t i = 0; i < r.logits.size(); ++i)
      EXPECT_TRUE(at::equal(r.logits[i], alone.logits[i]));
  }
}

// at::parallel_for is a header template: core/ must be compiled with OpenMP for it to use more
// than one thread. Without it every product silently ran on one core (decode used half the box).
TEST(CpuDecode, ParallelProductsUseEveryThreadAsked) {
  const int before = at::get_num_threads();
  at::set_num_threads(2);
  EXPECT_EQ(cpu_decode_parallel_width(), 2);
  at::set_num_threads(before);
}

// The head of one position through the decode kernels, against libtorch's product.
TEST(CpuDecode, HeadLogitsOfOnePositionMatchLibtorch) {
  for (at::ScalarType dtype : {at::kFloat, at::kBFloat16}) {
    at::Generator gen = at::detail::createCPUGenerator(9);
    const at::Tensor weight =
        at::randn({300, 70}, gen, at::TensorOptions().dtype(at::kFloat)).to(dtype);
    const at::Tensor x =
        at::randn({1, 1, 70}, gen, at::TensorOptions().dtype(at::kFloat)).to(dtype);
    ASSERT_TRUE(cpu_head_applies(x, weight));
    const at::Tensor got = cpu_head_logits(x, weight);
    const at::Tensor want = at::linear(x.to(at::kDouble), weight.to(at::kDouble));
    ASSERT_EQ(got.sizes(), (std::vector<int64_t>{1, 1, 300}));
    EXPECT_EQ(got.scalar_type(), at::kFloat);
    EXPECT_LT((got.to(at::kDouble) - want).abs().max().item<double>(),
              dtype == at::kFloat ? 1e-4 : 1e-3);
  }
  EXPECT_FALSE(cpu_head_applies(at::zeros({2, 70}), at::zeros({300, 70})));   // two positions
  EXPECT_FALSE(cpu_head_applies(at::zeros({70}), at::zeros({70, 300}).t()));  // not contiguous
  EXPECT_FALSE(cpu_head_applies(at::zeros({70}), at::zeros({300, 70}).set_requires_grad(true)));
  EXPECT_THROW(cpu_head_logits(at::zeros({69}), at::zeros({300, 70})), std::logic_error);
}

TEST(CpuDecode, NamesItsKernels) {
  const std::string name = cpu_decode_kernels();
  EXPECT_TRUE(name == "avx512bf16" || name == "avx512" || name == "avx2+fma" || name == "generic")
      << name;
}

}  // namespace
}  // namespace tunedeck
