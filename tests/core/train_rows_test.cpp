// core/kernels/train_rows against libtorch's autograd through LlamaModel's RMSNorm, SwiGLU, RoPE
// ops: the outputs and every gradient, over widths that leave each remainder of the 16-value steps;
// no weight gradient when the norm's weight is frozen (LoRA). Skipped without AVX-512.
#include "core/kernels/train_rows.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "core/kernels/cpu_rows.h"
#include "core/model_config.h"
#include "core/rope.h"

namespace tunedeck {
namespace {

at::Tensor randn(std::vector<int64_t> shape, uint64_t seed) {
  at::Generator gen = at::detail::createCPUGenerator(seed);
  return at::randn(shape, gen, at::TensorOptions().dtype(at::kFloat));
}

at::Tensor libtorch_rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps) {
  return weight * (x * at::rsqrt(x.pow(2).mean(-1, true) + eps));
}

struct Grads {
  at::Tensor y, dx, dw;
};

template <typename Norm>
Grads run(Norm norm, const at::Tensor& x0, const at::Tensor& w0, const at::Tensor& dy,
          bool train_weight) {
  at::Tensor x = x0.clone().set_requires_grad(true), w = w0.clone().set_requires_grad(train_weight);
  at::Tensor y = norm(x, w);
  (y * dy).sum().backward();
  return {y.detach(), x.grad(), w.grad()};
}

TEST(RmsNormGrad, MatchesLibtorchsAutograd) {
  if (!cpu_rows_supported()) GTEST_SKIP() << "no AVX-512 here: libtorch's ops train instead";
  for (int64_t K : {16, 37, 768})
    for (bool train_weight : {true, false}) {
      const at::Tensor x = randn({3, 5, K}, K) * 3, w = randn({K}, K + 1),
                       dy = randn({3, 5, K}, K + 2);
      const Grads got = run(
          [](const at::Tensor& a, const at::Tensor& b) { return rms_norm_with_grad(a, b, 1e-5); },
          x, w, dy, train_weight);
      const Grads want = run(
          [](const at::Tensor& a, const at::Tensor& b) { return libtorch_rms_norm(a, b, 1e-5); }, x,
          w, dy, train_weight);
      EXPECT_LT((got.y - want.y).abs().max().item<double>(), 1e-5) << K;
      EXPECT_LT((got.dx - want.dx).abs().max().item<double>(),
                1e-4 * want.dx.abs().max().item<double>())
          << K;
      ASSERT_EQ(got.dw.defined(), train_weight);
      if (train_weight) {
        EXPECT_LT((got.dw - want.dw).abs().max().item<double>(),
                  1e-4 * want.dw.abs().max().item<double>())
            << K;
      }
    }
}

TEST(SwigluGrad, MatchesLibtorchsAutograd) {
  if (!cpu_rows_supported()) GTEST_SKIP() << "no AVX-512 here";
  for (int64_t K : {5, 16, 100, 2048}) {
    const at::Tensor g0 = randn({4, K}, 10 + K) * 4, u0 = randn({4, K}, 20 + K),
                     dy = randn({4, K}, 30 + K);
    auto grads = [&](bool ours) {
      at::Tensor g = g0.clone().set_requires_grad(true), u = u0.clone().set_requires_grad(true);
      at::Tensor y = ours ? swiglu_with_grad(g, u) : at::silu(g) * u;
      (y * dy).sum().backward();
      return std::vector<at::Tensor>{y.detach(), g.grad(), u.grad()};
    };
    const auto got = grads(true), want = grads(false);
    for (size_t i = 0; i < got.size(); ++i)
      EXPECT_LT((got[i] - want[i]).abs().max().item<double>(),
                1e-5 * (1 + want[i].abs().max().item<double>()))
          << "K=" << K << " output " << i;
  }
  EXPECT_FALSE(swiglu_grad_applies(at::zeros({2, 8}), at::zeros({2, 9})));
  EXPECT_THROW(swiglu_with_grad(at::zeros({2, 8}, at::kBFloat16), at::zeros({2, 8}, at::kBFloat16)),
               std::logic_error);
}

TEST(RopeGrad, MatchesLibtorchsAutogradThroughRotateHalf) {
  if (!cpu_rows_supported()) GTEST_SKIP() << "no AVX-512 here";
  ModelConfig c;
  c.rope_theta = 10000.0;
  for (int64_t D : {8, 64}) {
    c.head_dim = static_cast<int>(D);
    const int64_t B = 2, T = 9, heads = 3;
    const RopeTables table = rope_rows(c, 0, T, at::TensorOptions().dtype(at::kFloat));
    const at::Tensor rows0 = randn({B, T, heads * D}, D), dy = randn({B, heads, T, D}, D + 1);
    auto grads = [&](bool ours) {
      at::Tensor rows = rows0.clone().set_requires_grad(true);
      at::Tensor y =
          ours ? rope_with_grad(rows, heads, table.cos, table.sin)
               : rope_apply(rows.view({B, T, heads, D}).transpose(1, 2), table.cos, table.sin);
      (y * dy).sum().backward();
      return std::vector<at::Tensor>{y.detach(), rows.grad()};
    };
    const auto got = grads(true), want = grads(false);
    EXPECT_LT((got[0] - want[0]).abs().max().item<double>(), 1e-5) << D;
    EXPECT_LT((got[1] - want[1]).abs().max().item<double>(), 1e-5) << D;
  }
  EXPECT_FALSE(rope_grad_applies(at::zeros({1, 4, 12}), 5, at::zeros({4, 2}), at::zeros({4, 2})));
}

TEST(RmsNormGrad, AppliesToFloatOnTheCpuOnly) {
  if (!cpu_rows_supported()) GTEST_SKIP() << "no AVX-512 here";
  EXPECT_TRUE(rms_norm_grad_applies(at::zeros({2, 8}), at::ones({8})));
  EXPECT_FALSE(rms_norm_grad_applies(at::zeros({2, 8}, at::kBFloat16), at::ones({8})));
  EXPECT_FALSE(rms_norm_grad_applies(at::zeros({2, 8}), at::ones({9})));
  EXPECT_THROW(rms_norm_with_grad(at::zeros({2, 8}), at::ones({9}), 1e-5), std::logic_error);
}

}  // namespace
}  // namespace tunedeck
