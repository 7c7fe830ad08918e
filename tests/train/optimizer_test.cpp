// AdamW and the learning-rate schedule against hand-computed values.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <cmath>

#include "train/adamw.h"
#include "train/lr_schedule.h"

namespace tunedeck {
namespace {

TEST(LrSchedule, WarmupThenCosineToTheFloor) {
  LrSchedule s{1e-3, 10, 110, "cosine", 0.1};
  EXPECT_DOUBLE_EQ(s.lr_at(1), 1e-4);
  EXPECT_DOUBLE_EQ(s.lr_at(10), 1e-3);
  EXPECT_NEAR(s.lr_at(60), 1e-4 + 0.9e-3 * 0.5, 1e-15);  // halfway through the decay: cos(pi/2) = 0
  EXPECT_NEAR(s.lr_at(110), 1e-4, 1e-15);
  EXPECT_NEAR(s.lr_at(500), 1e-4, 1e-15);  // past the end: stays at the floor
}

TEST(LrSchedule, LinearAndConstant) {
  LrSchedule linear{2e-3, 0, 100, "linear", 0.0};
  EXPECT_DOUBLE_EQ(linear.lr_at(0), 2e-3);
  EXPECT_NEAR(linear.lr_at(25), 1.5e-3, 1e-15);
  EXPECT_NEAR(linear.lr_at(100), 0.0, 1e-15);
  LrSchedule constant{5e-4, 4, 100, "constant", 0.0};
  EXPECT_DOUBLE_EQ(constant.lr_at(2), 2.5e-4);
  EXPECT_DOUBLE_EQ(constant.lr_at(90), 5e-4);
  EXPECT_THROW(lr_schedule_validate({1e-3, 0, 10, "step", 0.0}), std::runtime_error);
}

TEST(AdamW, FirstTwoStepsMatchTheEquations) {
  at::Tensor p = at::tensor({1.0f, -2.0f}).set_requires_grad(true);
  AdamW opt({p}, {0.9, 0.999, 1e-8, 0.1});
  p.mutable_grad() = at::tensor({0.5f, -1.0f});
  opt.step(0.01);
  // step 1: m_hat = g, v_hat = g^2 -> update = g/|g| = sign(g); decay first: p *= (1 - lr*wd)
  EXPECT_NEAR(p[0].item<float>(), 1.0 * (1 - 0.001) - 0.01, 1e-6);
  EXPECT_NEAR(p[1].item<float>(), -2.0 * (1 - 0.001) + 0.01, 1e-6);
  const double p0 = p[0].item<float>();
  p.mutable_grad() = at::tensor({0.25f, 0.0f});
  opt.step(0.01);
  const double m = 0.9 * 0.05 + 0.1 * 0.25,
               v = 0.999 * 0.00025 + 0.001 * 0.0625;  // m = .9*(.1*.5)+.1*.25
  const double m_hat = m / (1 - 0.81), v_hat = v / (1 - 0.998001);
  EXPECT_NEAR(p[0].item<float>(), p0 * (1 - 0.001) - 0.01 * m_hat / (std::sqrt(v_hat) + 1e-8),
              1e-6);
  EXPECT_EQ(opt.steps_taken(), 2);
}

TEST(AdamW, ClipScalesTheGlobalNormAndReportsItBefore) {
  at::Tensor a = at::zeros({2}).set_requires_grad(true);
  at::Tensor b = at::zeros({1}).set_requires_grad(true);
  AdamW opt({a, b}, {});
  a.mutable_grad() = at::tensor({3.0f, 0.0f});
  b.mutable_grad() = at::tensor({4.0f});
  EXPECT_NEAR(opt.clip_grad_norm(1.0), 5.0, 1e-9);
  EXPECT_NEAR(a.grad()[0].item<float>(), 0.6f, 1e-5);
  EXPECT_NEAR(b.grad()[0].item<float>(), 0.8f, 1e-5);
  EXPECT_NEAR(opt.clip_grad_norm(10.0), 1.0, 1e-5);  // below the limit: untouched
}

TEST(AdamW, RestoredStateContinuesExactly) {
  at::Tensor p = at::tensor({1.0f, 2.0f}).set_requires_grad(true);
  at::Tensor q = p.detach().clone().set_requires_grad(true);
  AdamW a({p}, {}), b({q}, {});
  for (float g : {0.3f, -0.7f}) {
    p.mutable_grad() = at::full({2}, g);
    a.step(0.1);
  }
  q.detach().copy_(p.detach());
  b.restore(a.steps_taken(), a.exp_avg(), a.exp_avg_sq());
  p.mutable_grad() = at::full({2}, 0.9f);
  q.mutable_grad() = at::full({2}, 0.9f);
  a.step(0.1);
  b.step(0.1);
  EXPECT_TRUE(at::equal(p, q));
  EXPECT_THROW(b.restore(1, {}, {}), std::runtime_error);
}

}  // namespace
}  // namespace tunedeck
