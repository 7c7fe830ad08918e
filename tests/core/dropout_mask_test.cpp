// LoRA dropout's mask: the kept share is 1 - p, kept values are scaled by 1 / (1 - p), the mask
// repeats for a seed and differs across seeds, does not depend on the thread count, and the
// gradient through it is the mask.
#include "core/kernels/dropout_mask.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include <vector>

namespace tunedeck {
namespace {

std::vector<float> mask_of(int64_t n, double p, uint64_t seed) {
  std::vector<float> mask(n, -1.0f);
  dropout_mask_fill(mask.data(), n, p, seed);
  return mask;
}

TEST(DropoutMask, KeepsOneMinusPAndScalesTheKept) {
  const int64_t n = 1 << 20;
  for (double p : {0.05, 0.1, 0.5}) {
    const std::vector<float> mask = mask_of(n, p, 7);
    int64_t kept = 0;
    for (float m : mask) {
      if (m != 0.0f) {
        ASSERT_FLOAT_EQ(m, static_cast<float>(1.0 / (1.0 - p)));
        ++kept;
      }
    }
    // binomial: the standard deviation of the kept share is sqrt(p(1-p)/n) <= 0.0005
    EXPECT_NEAR(static_cast<double>(kept) / n, 1.0 - p, 0.003) << "p = " << p;
  }
}

TEST(DropoutMask, RepeatsForASeedAndDiffersAcrossSeeds) {
  const int64_t n = 100000;
  EXPECT_EQ(mask_of(n, 0.1, 42), mask_of(n, 0.1, 42));
  const std::vector<float> a = mask_of(n, 0.5, 42), b = mask_of(n, 0.5, 43);
  int64_t differ = 0;
  for (int64_t i = 0; i < n; ++i) differ += a[i] != b[i];
  EXPECT_NEAR(static_cast<double>(differ) / n, 0.5,
              0.02);  // independent masks disagree half the time
}

TEST(DropoutMask, NeighbouringElementsAreIndependent) {
  // a counter hash that leaked structure would make runs of equal decisions too long or too short
  const std::vector<float> mask = mask_of(1 << 20, 0.5, 3);
  int64_t same_as_next = 0;
  for (size_t i = 0; i + 1 < mask.size(); ++i) same_as_next += (mask[i] == 0) == (mask[i + 1] == 0);
  EXPECT_NEAR(static_cast<double>(same_as_next) / (mask.size() - 1), 0.5, 0.003);
}

TEST(DropoutMask, SameMaskOnOneThreadAsOnAll) {
  const int before = at::get_num_threads();
  at::set_num_threads(1);
  const std::vector<float> one = mask_of(300000, 0.2, 9);
  at::set_num_threads(before);
  EXPECT_EQ(one, mask_of(300000, 0.2, 9));
}

TEST(DropoutFast, GradientIsTheMaskAndSeedingRepeatsIt) {
  at::manual_seed(5);
  at::Tensor x = at::randn({64, 96}).requires_grad_(true);
  at::manual_seed(11);
  at::Tensor y = dropout_fast(x, 0.25);
  y.sum().backward();
  const at::Tensor mask = x.grad();
  // forward: y = x * mask; the mask holds only 0 and 1 / 0.75
  EXPECT_TRUE(at::allclose(y, x.detach() * mask));
  EXPECT_TRUE(at::logical_or(mask == 0, (mask - 1.0 / 0.75).abs() < 1e-6).all().item<bool>());
  at::manual_seed(11);
  EXPECT_TRUE(at::equal(dropout_fast(x.detach(), 0.25), y.detach()));
}

TEST(DropoutFast, ZeroIsIdentityAndBadProbabilitiesAreRefused) {
  at::Tensor x = at::randn({4, 4});
  EXPECT_TRUE(dropout_fast(x, 0.0).is_same(x));
  EXPECT_THROW(dropout_fast(x, 1.0), std::invalid_argument);
  EXPECT_THROW(dropout_fast(x, -0.1), std::invalid_argument);
}

TEST(DropoutFast, KeepsTheInputsDtype) {
  at::Tensor x = at::ones({128, 64}, at::kBFloat16);
  at::Tensor y = dropout_fast(x, 0.5);
  EXPECT_EQ(y.scalar_type(), at::kBFloat16);
  const double kept = (y != 0).to(at::kFloat).mean().item<double>();
  EXPECT_NEAR(kept, 0.5, 0.03);
}

}  // namespace
}  // namespace tunedeck
