// core/kernels/prefill_attention against causal attention written with libtorch's ops (kv heads
// repeated for grouped queries, a -inf mask past each query's position): f32 and bf16, with and
// without cached positions before the new ones, keys as views into a larger cache. Skipped without
// AVX-512.
#include "core/kernels/prefill_attention.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/kernels/cpu_rows.h"

namespace tunedeck {
namespace {

at::Tensor randn(std::vector<int64_t> shape, uint64_t seed) {
  at::Generator gen = at::detail::createCPUGenerator(seed);
  return at::randn(shape, gen, at::TensorOptions().dtype(at::kFloat));
}

// Rows [B, T, H * D] in float32.
at::Tensor reference(const at::Tensor& q, const at::Tensor& keys, const at::Tensor& values,
                     int64_t start) {
  const int64_t B = q.size(0), H = q.size(1), T = q.size(2), D = q.size(3);
  const int64_t G = H / keys.size(1), S = keys.size(2);
  const at::Tensor k = keys.to(at::kFloat).repeat_interleave(G, 1),
                   v = values.to(at::kFloat).repeat_interleave(G, 1);
  at::Tensor scores =
      at::matmul(q.to(at::kFloat), k.transpose(-1, -2)) / std::sqrt(static_cast<double>(D));
  const at::Tensor future = at::arange(S).unsqueeze(0) > at::arange(start, start + T).unsqueeze(1);
  scores = scores.masked_fill(future, -std::numeric_limits<float>::infinity());
  return at::matmul(at::softmax(scores, -1), v).transpose(1, 2).reshape({B, T, H * D});
}

TEST(PrefillAttention, MatchesLibtorchCausalAttention) {
  if (!cpu_rows_supported()) GTEST_SKIP() << "no AVX-512 here: LlamaModel::attention runs instead";
  uint64_t seed = 1;
  for (at::ScalarType dtype : {at::kFloat, at::kBFloat16})
    for (int64_t start : {0, 5})
      for (int64_t T : {1, 7, 20})
        for (auto [H, Hkv, D] :
             {std::tuple<int64_t, int64_t, int64_t>{4, 2, 16}, {3, 3, 64}, {8, 1, 32}}) {
          const int64_t B = 2, S = start + T;
          const at::Tensor q = (randn({B, H, T, D}, seed++) * 2).to(dtype);
          // keys/values: the first S positions of a cache with room for 40
          const at::Tensor cache_k = randn({B, Hkv, 40, D}, seed++).to(dtype);
          const at::Tensor cache_v = randn({B, Hkv, 40, D}, seed++).to(dtype);
          const at::Tensor keys = cache_k.narrow(2, 0, S), values = cache_v.narrow(2, 0, S);
          ASSERT_TRUE(prefill_attention_applies(q, keys, values, start));
          const at::Tensor got = prefill_attention(q, keys, values, start);
          ASSERT_EQ(got.sizes(), (std::vector<int64_t>{B, T, H * D}));
          ASSERT_EQ(got.scalar_type(), dtype);
          const double tolerance =
              dtype == at::kFloat ? 1e-5 : 1e-2;  // bf16: the output's rounding
          EXPECT_LT(
              (got.to(at::kFloat) - reference(q, keys, values, start)).abs().max().item<double>(),
              tolerance)
              << c10::toString(dtype) << " start=" << start << " T=" << T << " H=" << H
              << " Hkv=" << Hkv << " D=" << D;
        }
}

TEST(PrefillAttention, AppliesOnlyToShapesItComputes) {
  if (!cpu_rows_supported()) GTEST_SKIP() << "no AVX-512 here";
  const at::Tensor q = at::zeros({1, 4, 3, 16}), kv = at::zeros({1, 2, 5, 16});
  EXPECT_TRUE(prefill_attention_applies(q, kv, kv, 2));
  EXPECT_FALSE(prefill_attention_applies(q, kv, kv, 1));                         // S != start + T
  EXPECT_FALSE(prefill_attention_applies(at::zeros({1, 3, 3, 16}), kv, kv, 2));  // H % Hkv
  EXPECT_FALSE(prefill_attention_applies(at::zeros({1, 4, 3, 8}), at::zeros({1, 2, 5, 8}),
                                         at::zeros({1, 2, 5, 8}), 2));    // D % 16
  EXPECT_FALSE(prefill_attention_applies(q.to(at::kDouble), kv, kv, 2));  // dtype
  EXPECT_FALSE(prefill_attention_applies(q.clone().set_requires_grad(true), kv, kv, 2));
  EXPECT_THROW(prefill_attention(q, kv, kv, 1), std::logic_error);
}

}  // namespace
}  // namespace tunedeck
