// The loss over the positions that carry one: the positions and targets picked from a masked
// batch, and a model computing logits for those rows only giving the same loss and the same
// gradients as the whole head with -100 ignored.
#include "train/token_loss.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include "core/llama_model.h"
#include "core/lora.h"
#include "tests/test_support.h"

namespace tunedeck {
namespace {

TEST(TokenLoss, PositionsAreTheFlattenedRowsWithATarget) {
  const at::Tensor targets =
      at::tensor(std::vector<int64_t>{-100, 5, 7, -100, -100, 9}, at::kLong).view({2, 3});
  const LossPositions positions = loss_positions(targets);
  EXPECT_EQ(positions.count, 3);
  EXPECT_TRUE(at::equal(positions.rows, at::tensor(std::vector<int64_t>{1, 2, 5}, at::kLong)));
  EXPECT_TRUE(at::equal(positions.targets, at::tensor(std::vector<int64_t>{5, 7, 9}, at::kLong)));

  const LossPositions none = loss_positions(at::full({2, 2}, -100, at::kLong));
  EXPECT_EQ(none.count, 0);
  EXPECT_EQ(none.rows.numel(), 0);
}

TEST(TokenLoss, RefusesWrongShapes) {
  EXPECT_THROW(loss_positions(at::zeros({4}, at::kLong)), std::invalid_argument);
  EXPECT_THROW(loss_positions(at::zeros({2, 2}, at::kFloat)), std::invalid_argument);
  EXPECT_THROW(token_nll_sum(at::zeros({3, 8}), at::zeros({2}, at::kLong)), std::invalid_argument);
}

TEST(TokenLoss, NllSumIsMinusTheLogProbabilityOfEachTarget) {
  const at::Tensor logits = at::tensor(std::vector<float>{0, 0, 0, 0, 1, 2, 3, 4}).view({2, 4});
  const at::Tensor targets = at::tensor(std::vector<int64_t>{1, 3}, at::kLong);
  const double expected =
      std::log(4.0) +
      (std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0) + std::exp(4.0)) - 4.0);
  EXPECT_NEAR(token_nll_sum(logits, targets).item<double>(), expected, 1e-5);
}

TEST(TokenLoss, HeadOnTheLossRowsGivesTheLossAndGradientsOfTheWholeHead) {
  const LlamaModel model = LlamaModel::random(testing::small_model_config(), 1, 0.2,
                                              at::TensorOptions().dtype(at::kFloat));
  LoraSettings settings;
  settings.rank = 4;
  settings.dropout = 0.0;
  auto adapter = lora_create(model.config(), model.weights(), settings, 2);
  at::Generator gen = at::detail::createCPUGenerator(7);
  {
    at::NoGradGuard no_grad;  // B != 0, so every A gets a gradient too
    for (auto& layer : adapter->layers)
      for (auto& pair : layer)
        if (pair.defined()) pair.b.normal_(0.0, 0.1, gen);
  }
  at::Tensor ids = at::randint(3, 64, {3, 10}, gen, at::kLong);
  at::Tensor targets = at::randint(3, 64, {3, 10}, gen, at::kLong);
  targets.narrow(1, 0, 6).fill_(-100);  // a prompt of 6 positions per row
  targets[1][8] = -100;
  const LossPositions positions = loss_positions(targets);
  ASSERT_EQ(positions.count, 11);

  auto loss_and_grads = [&](bool rows_only) {
    for (auto& p : adapter->parameters())
      if (p.grad().defined()) p.grad().zero_();
    ForwardOptions fo;
    fo.training = true;
    at::Tensor nll;
    if (rows_only) {
      fo.logit_rows = positions.rows;
      const at::Tensor logits = model.forward(ids, nullptr, 0, adapter.get(), fo);
      EXPECT_EQ(logits.sizes(), (std::vector<int64_t>{11, 64}));
      nll = token_nll_sum(logits, positions.targets);
    } else {
      const at::Tensor logits = model.forward(ids, nullptr, 0, adapter.get(), fo);
      nll = at::nll_loss(at::log_softmax(logits.reshape({-1, 64}), -1), targets.reshape({-1}), {},
                         at::Reduction::Sum, -100);
    }
    nll.backward();
    std::vector<at::Tensor> grads;
    for (auto& p : adapter->parameters()) grads.push_back(p.grad().clone());
    return std::make_pair(nll.item<double>(), grads);
  };
  const auto [rows_loss, rows_grads] = loss_and_grads(true);
  const auto [whole_loss, whole_grads] = loss_and_grads(false);
  EXPECT_NEAR(rows_loss, whole_loss, 1e-4 * whole_loss);
  ASSERT_EQ(rows_grads.size(), whole_grads.size());
  // The two paths multiply matrices of other shapes (other BLAS blocking, other rounding): equal
  // up to float32 rounding, measured against each gradient's own scale.
  for (size_t i = 0; i < rows_grads.size(); ++i) {
    const double scale = whole_grads[i].abs().max().item<double>();
    EXPECT_GT(scale, 0) << "parameter " << i;
    const double difference = (rows_grads[i] - whole_grads[i]).abs().max().item<double>();
    EXPECT_LE(difference, 1e-4 * scale)
        << "parameter " << i << ": " << difference << " of " << scale;
  }
}

TEST(TokenLoss, ForwardRefusesLogitRowsOfTheWrongKindOrWithLastLogitsOnly) {
  const LlamaModel model = LlamaModel::random(testing::small_model_config(), 1, 0.2,
                                              at::TensorOptions().dtype(at::kFloat));
  const at::Tensor ids = at::arange(5, at::kLong).unsqueeze(0);
  ForwardOptions fo;
  fo.logit_rows = at::zeros({2}, at::kInt);
  EXPECT_THROW(model.forward(ids, nullptr, 0, nullptr, fo), std::invalid_argument);
  fo.logit_rows = at::zeros({2}, at::kLong);
  fo.last_logits_only = true;
  EXPECT_THROW(model.forward(ids, nullptr, 0, nullptr, fo), std::invalid_argument);
  fo.last_logits_only = false;
  fo.logit_rows = at::tensor(std::vector<int64_t>{7}, at::kLong);  // past the 5 positions
  EXPECT_ANY_THROW(model.forward(ids, nullptr, 0, nullptr, fo));
}

}  // namespace
}  // namespace tunedeck
