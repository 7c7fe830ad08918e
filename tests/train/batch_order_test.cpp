// BatchOrder: every epoch visits every row once, deterministically, and group_by_length cuts
// the padding of each batch without changing which rows an epoch sees.
#include "train/batch_order.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <set>

#include "train/dataset.h"

namespace tunedeck {
namespace {

std::vector<size_t> varied_lengths(size_t n) {
  std::vector<size_t> lengths(n);
  SplitMix64 rng(7);
  for (auto& l : lengths) l = 20 + rng.below(600);
  return lengths;
}

std::vector<size_t> epoch_rows(BatchOrder& order, int epoch) {
  std::vector<size_t> rows;
  for (int b = 0; b < order.batches_per_epoch(); ++b) {
    const auto& batch = order.batch(epoch, b);
    rows.insert(rows.end(), batch.begin(), batch.end());
  }
  return rows;
}

// Padded tokens the batches of one epoch cost: sum over batches of size x longest row.
size_t padded_tokens(BatchOrder& order, const std::vector<size_t>& lengths, int epoch) {
  size_t total = 0;
  for (int b = 0; b < order.batches_per_epoch(); ++b) {
    const auto& batch = order.batch(epoch, b);
    size_t longest = 0;
    for (size_t r : batch) longest = std::max(longest, lengths[r]);
    total += longest * batch.size();
  }
  return total;
}

TEST(BatchOrder, EveryEpochIsAPermutationOfAllRows) {
  for (bool grouped : {false, true}) {
    const auto lengths = varied_lengths(1000);
    BatchOrder order(lengths, 32, 5, grouped);
    EXPECT_EQ(order.batches_per_epoch(), 32);  // 31 full batches and one of 8
    for (int epoch = 0; epoch < 3; ++epoch) {
      auto rows = epoch_rows(order, epoch);
      std::sort(rows.begin(), rows.end());
      std::vector<size_t> all(1000);
      std::iota(all.begin(), all.end(), 0);
      EXPECT_EQ(rows, all) << "grouped=" << grouped << " epoch=" << epoch;
    }
  }
}

TEST(BatchOrder, SameSeedSameOrderOtherEpochOtherOrder) {
  const auto lengths = varied_lengths(500);
  BatchOrder a(lengths, 16, 11, true), b(lengths, 16, 11, true), c(lengths, 16, 12, true);
  EXPECT_EQ(epoch_rows(a, 1), epoch_rows(b, 1));
  EXPECT_NE(epoch_rows(a, 1), epoch_rows(c, 1));
  EXPECT_NE(epoch_rows(a, 0), epoch_rows(a, 1));
  // Asking for batches out of order (as a resumed run does) gives the same batch.
  const auto later = b.batch(2, 7);
  (void)b.batch(0, 3);
  EXPECT_EQ(b.batch(2, 7), later);
}

TEST(BatchOrder, UngroupedOrderIsTheSeededShuffleCutInBatches) {
  const auto lengths = varied_lengths(100);
  BatchOrder order(lengths, 10, 3, false);
  std::vector<size_t> expected(100);
  std::iota(expected.begin(), expected.end(), 0);
  dataset_shuffle(expected, 3 * 1000003ULL + 0);
  EXPECT_EQ(epoch_rows(order, 0), expected);
}

TEST(BatchOrder, GroupingByLengthCutsPaddingAtLeastInHalf) {
  const auto lengths = varied_lengths(4096);
  BatchOrder plain(lengths, 32, 1, false), grouped(lengths, 32, 1, true);
  const size_t real = std::accumulate(lengths.begin(), lengths.end(), size_t{0});
  const size_t plain_pad = padded_tokens(plain, lengths, 0) - real;
  const size_t grouped_pad = padded_tokens(grouped, lengths, 0) - real;
  EXPECT_LT(grouped_pad * 2, plain_pad)
      << "plain padding " << plain_pad << ", grouped " << grouped_pad;
}

TEST(BatchOrder, RefusesANonPositiveBatchSize) {
  EXPECT_THROW(BatchOrder({1, 2, 3}, 0, 1, false), std::invalid_argument);
}

}  // namespace
}  // namespace tunedeck
