// core/kernels/prefill_gemm against a double-precision reference over shapes that leave each
// remainder: rows of x past the 32-row panels (and panels of 16 or fewer), rows of W past the 12-
// and 4-row tiles, depths past the 1,024-k blocks; then what it takes (a whole model's prefill:
// tests/core/forward_paths_test). Skipped where the CPU has no AVX-512 (the path is off there).
#include "core/kernels/prefill_gemm.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace tunedeck {
namespace {

at::Tensor random_matrix(int64_t rows, int64_t cols, uint64_t seed) {
  at::Generator gen = at::detail::createCPUGenerator(seed);
  return at::randn({rows, cols}, gen, at::TensorOptions().dtype(at::kFloat));
}

bool fast_path_runs_here() { return PrefillRows::applies(at::zeros({PrefillRows::kMinRows, 8})); }

// Largest |got - want| over the reference's scale: sums of K products of N(0,1) values.
double relative_error(const at::Tensor& x, const at::Tensor& w, const at::Tensor& got) {
  const at::Tensor want = at::linear(x.to(at::kDouble), w.to(at::kDouble));
  const double scale = std::sqrt(static_cast<double>(x.size(-1)));
  return (got.to(at::kDouble) - want).abs().max().item<double>() / scale;
}

TEST(PrefillGemm, MatchesADoubleReferenceOverEveryRemainder) {
  if (!fast_path_runs_here()) GTEST_SKIP() << "no AVX-512 here: at::linear runs instead";
  uint64_t seed = 1;
  for (int64_t M : {16, 17, 31, 32, 33, 48, 49, 64, 130})
    for (int64_t N : {1, 3, 4, 5, 11, 12, 13, 25, 40})
      for (int64_t K : {1, 7, 64, 1100}) {
        const at::Tensor x = random_matrix(M, K, seed++), w = random_matrix(N, K, seed++);
        const at::Tensor got = PrefillRows(x).times_transposed(w);
        ASSERT_EQ(got.sizes(), (std::vector<int64_t>{M, N}));
        EXPECT_LT(relative_error(x, w, got), 1e-5) << "M=" << M << " N=" << N << " K=" << K;
      }
}

TEST(PrefillGemm, DepthPastTwoBlocksAndOneRowTilesAfterTwelve) {
  if (!fast_path_runs_here()) GTEST_SKIP() << "no AVX-512 here";
  const at::Tensor x = random_matrix(40, 2500, 7), w = random_matrix(29, 2500, 8);
  EXPECT_LT(relative_error(x, w, PrefillRows(x).times_transposed(w)), 1e-5);
}

TEST(PrefillGemm, KeepsTheLeadingShapeAndServesSeveralWeights) {
  if (!fast_path_runs_here()) GTEST_SKIP() << "no AVX-512 here";
  const at::Tensor x = random_matrix(2 * 20, 48, 3).view({2, 20, 48});
  const PrefillRows packed(x);
  for (int64_t N : {24, 7}) {
    const at::Tensor w = random_matrix(N, 48, 10 + N);
    const at::Tensor got = packed.times_transposed(w);
    ASSERT_EQ(got.sizes(), (std::vector<int64_t>{2, 20, N}));
    EXPECT_LT(relative_error(x, w, got), 1e-5);
  }
}

TEST(PrefillGemm, RmsNormalizedRowsAndTheirPanelsMatchLibtorch) {
  if (!fast_path_runs_here()) GTEST_SKIP() << "no AVX-512 here";
  for (int64_t K : {8, 37, 2048}) {
    const at::Tensor x = random_matrix(2 * 25, K, 20 + K).view({2, 25, K}) * 3.0;
    const at::Tensor weight = random_matrix(1, K, 30 + K).view({K});
    const at::Tensor want = weight * (x * at::rsqrt(x.pow(2).mean(-1, true) + 1e-5));
    const PrefillRows packed = PrefillRows::rms_normalized(x, weight, 1e-5);
    const at::Tensor& normalized = packed.rows();
    ASSERT_EQ(normalized.sizes(), x.sizes());
    EXPECT_LT((normalized - want).abs().max().item<double>(), 1e-5) << "K=" << K;
    const at::Tensor w = random_matrix(13, K, 40 + K);
    EXPECT_LT(relative_error(want, w, packed.times_transposed(w)), 1e-5) << "K=" << K;
  }
  EXPECT_THROW(PrefillRows::rms_normalized(at::zeros({32, 8}), at::ones({9}), 1e-5),
               std::logic_error);
}

TEST(PrefillGemm, SwigluRowsAndTheirPanelsMatchLibtorch) {
  if (!fast_path_runs_here()) GTEST_SKIP() << "no AVX-512 here";
  for (int64_t K : {5, 100, 5632}) {
    at::Tensor gate = random_matrix(33, K, 50 + K) * 4.0;
    const at::Tensor up = random_matrix(33, K, 60 + K);
    gate.index_put_({0, 0}, -100.0f);  // e^100 is past float's range: silu must still be ~0
    gate.index_put_({1, 0}, 100.0f);
    const at::Tensor want = at::silu(gate) * up;
    const PrefillRows packed = PrefillRows::swiglu(gate, up);
    const at::Tensor& product = packed.rows();
    EXPECT_LT((product - want).abs().max().item<double>(), 1e-5) << "K=" << K;
    EXPECT_TRUE(at::isfinite(product).all().item<bool>());
    const at::Tensor w = random_matrix(6, K, 70 + K);
    EXPECT_LT(relative_error(want, w, packed.times_transposed(w)), 1e-5) << "K=" << K;
  }
  EXPECT_THROW(PrefillRows::swiglu(at::zeros({32, 8}), at::zeros({32, 9})), std::logic_error);
}

TEST(PrefillGemm, SameBitsOnOneThreadAndTwo) {
  if (!fast_path_runs_here()) GTEST_SKIP() << "no AVX-512 here";
  const at::Tensor x = random_matrix(70, 1500, 11), w = random_matrix(100, 1500, 12);
  const int threads = at::get_num_threads();
  at::set_num_threads(1);
  const at::Tensor one = PrefillRows(x).times_transposed(w);
  at::set_num_threads(2);
  const at::Tensor two = PrefillRows(x).times_transposed(w);
  at::set_num_threads(threads);
  EXPECT_TRUE(at::equal(one, two));
}

TEST(PrefillGemm, AppliesOnlyToManyFloatRowsWithoutGradientAndMatchingWeights) {
  if (!fast_path_runs_here()) GTEST_SKIP() << "no AVX-512 here";
  EXPECT_FALSE(PrefillRows::applies(at::zeros({PrefillRows::kMinRows - 1, 8})));
  EXPECT_FALSE(PrefillRows::applies(at::zeros({32, 8}, at::kBFloat16)));
  EXPECT_FALSE(PrefillRows::applies(at::zeros({32})));
  EXPECT_FALSE(PrefillRows::applies(at::zeros({32, 8}).set_requires_grad(true)));
  {
    at::NoGradGuard no_grad;
    EXPECT_TRUE(PrefillRows::applies(at::zeros({32, 8}).set_requires_grad(true)));
  }
  const at::Tensor x = at::zeros({32, 8});
  const PrefillRows packed(x);
  EXPECT_TRUE(packed.rows().is_same(x));
  EXPECT_TRUE(packed.applies_to(at::zeros({5, 8})));
  EXPECT_FALSE(packed.applies_to(at::zeros({5, 9})));
  EXPECT_FALSE(packed.applies_to(at::zeros({8, 5}).t()));
  EXPECT_FALSE(packed.applies_to(at::zeros({5, 8}, at::kBFloat16)));
  EXPECT_FALSE(packed.applies_to(at::zeros({5, 8}).set_requires_grad(true)));
  EXPECT_THROW(packed.times_transposed(at::zeros({5, 9})), std::logic_error);
  EXPECT_THROW(PrefillRows(at::zeros({3, 8})), std::logic_error);
}

}  // namespace
}  // namespace tunedeck
