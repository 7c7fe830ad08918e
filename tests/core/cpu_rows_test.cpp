// core/kernels/cpu_rows against libtorch's own ops (LlamaModel's RMSNorm and SwiGLU) in float32 and
// bf16, over widths that leave each remainder of the 16-value steps, and RoPE into heads (a whole
// model: tests/core/forward_paths_test). Skipped without AVX-512.
#include "core/kernels/cpu_rows.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <limits>

#include "core/model_config.h"
#include "core/rope.h"

namespace tunedeck {
namespace {

bool runs_here() { return cpu_rows_apply(at::zeros({4})); }

at::Tensor randn(std::vector<int64_t> shape, uint64_t seed, at::ScalarType dtype) {
  at::Generator gen = at::detail::createCPUGenerator(seed);
  return at::randn(shape, gen, at::TensorOptions().dtype(at::kFloat)).to(dtype);
}

at::Tensor libtorch_rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps) {
  const at::Tensor xf = x.to(at::kFloat);
  return weight * (xf * at::rsqrt(xf.pow(2).mean(-1, true) + eps)).to(x.scalar_type());
}

// Largest difference in units of the dtype's last place at each expected value.
double ulps_apart(const at::Tensor& got, const at::Tensor& want) {
  const double eps = want.scalar_type() == at::kBFloat16 ? 1.0 / 128 : 1.0 / (1 << 23);
  const at::Tensor w = want.to(at::kDouble), g = got.to(at::kDouble);
  return ((g - w).abs() / (w.abs() * eps + 1e-30)).max().item<double>();
}

TEST(CpuRows, RmsNormMatchesLibtorchInFloatAndBf16) {
  if (!runs_here()) GTEST_SKIP() << "no AVX-512 here: libtorch's ops run instead";
  for (at::ScalarType dtype : {at::kFloat, at::kBFloat16})
    for (int64_t K : {1, 15, 16, 17, 64, 2048, 2049}) {
      const at::Tensor x = randn({3, 5, K}, K, dtype) * 4;
      const at::Tensor weight = randn({K}, 100 + K, dtype);
      const at::Tensor got = rms_norm_rows(x, weight, 1e-5);
      ASSERT_EQ(got.sizes(), x.sizes());
      ASSERT_EQ(got.scalar_type(), dtype);
      // float32: a different summation order; bf16: that can move one rounding by one place
      EXPECT_LE(ulps_apart(got, libtorch_rms_norm(x, weight, 1e-5)),
                dtype == at::kFloat ? 64 : 2.01)
          << "K=" << K << " " << c10::toString(dtype);
    }
}

TEST(CpuRows, SwigluMatchesLibtorchInFloatAndBf16) {
  if (!runs_here()) GTEST_SKIP() << "no AVX-512 here";
  for (at::ScalarType dtype : {at::kFloat, at::kBFloat16})
    for (int64_t K : {3, 16, 31, 5632}) {
      at::Tensor gate = randn({2, 7, K}, 200 + K, dtype) * 5;
      gate.index_put_({0, 0, 0}, -100.0);  // e^100 overflows float: silu must stay ~0, finite
      const at::Tensor up = randn({2, 7, K}, 300 + K, dtype);
      const at::Tensor got = swiglu_rows(gate, up);
      const at::Tensor want = at::silu(gate) * up;
      ASSERT_EQ(got.scalar_type(), dtype);
      EXPECT_TRUE(at::isfinite(got.to(at::kFloat)).all().item<bool>());
      EXPECT_LT(got[0][0][0].item<double>(), 1e-30);
      // past the -100: our e^x against libtorch's (Sleef), then the same roundings
      EXPECT_LE(ulps_apart(got.narrow(2, 1, K - 1), want.narrow(2, 1, K - 1)),
                dtype == at::kFloat ? 64 : 2.01)
          << "K=" << K << " " << c10::toString(dtype);
    }
}

TEST(CpuRows, RopeIntoHeadsMatchesLibtorchsRotateHalf) {
  if (!runs_here()) GTEST_SKIP() << "no AVX-512 here";
  ModelConfig c;
  c.head_dim = 64;
  c.rope_theta = 10000.0;
  for (at::ScalarType dtype : {at::kFloat, at::kBFloat16})
    for (int64_t D : {8, 64}) {
      c.head_dim = static_cast<int>(D);
      const int64_t B = 2, T = 19, heads = 3;
      const RopeTables table = rope_rows(c, 5, T, at::TensorOptions().dtype(dtype));
      const at::Tensor rows = randn({B, T, heads * D}, 400 + D, dtype);
      const at::Tensor got = rope_rows_to_heads(rows, heads, table.cos, table.sin);
      const at::Tensor want =
          rope_apply(rows.view({B, T, heads, D}).transpose(1, 2), table.cos, table.sin);
      ASSERT_EQ(got.sizes(), (std::vector<int64_t>{B, heads, T, D}));
      EXPECT_TRUE(got.is_contiguous());
      EXPECT_LT((got.to(at::kFloat) - want.to(at::kFloat)).abs().max().item<double>(),
                dtype == at::kFloat ? 1e-5 : 0.02)
          << "D=" << D << " " << c10::toString(dtype);
    }
  EXPECT_THROW(rope_rows_to_heads(at::zeros({1, 4, 12}), 5, at::zeros({4, 2}), at::zeros({4, 2})),
               std::logic_error);
}

TEST(CpuRows, NanStaysNanInBf16) {
  if (!runs_here()) GTEST_SKIP() << "no AVX-512 here";
  at::Tensor x = at::ones({1, 16}, at::kBFloat16);
  x.index_put_({0, 3}, std::numeric_limits<float>::quiet_NaN());
  EXPECT_TRUE(at::isnan(rms_norm_rows(x, at::ones({16}, at::kBFloat16), 1e-5).to(at::kFloat))
                  .all()
                  .item<bool>());
}

TEST(CpuRows, AppliesOnlyWithoutGradientToFloatAndBf16) {
  if (!runs_here()) GTEST_SKIP() << "no AVX-512 here";
  EXPECT_TRUE(cpu_rows_apply(at::zeros({2, 3}, at::kBFloat16)));
  EXPECT_FALSE(cpu_rows_apply(at::zeros({2, 3}, at::kDouble)));
  EXPECT_FALSE(cpu_rows_apply(at::zeros({2, 3}).set_requires_grad(true)));
  EXPECT_THROW(rms_norm_rows(at::zeros({2, 3}), at::ones({4}), 1e-5), std::logic_error);
  EXPECT_THROW(rms_norm_rows(at::zeros({2, 3}), at::ones({3}, at::kBFloat16), 1e-5),
               std::logic_error);
  EXPECT_THROW(swiglu_rows(at::zeros({2, 3}), at::zeros({2, 4})), std::logic_error);
}

}  // namespace
}  // namespace tunedeck
