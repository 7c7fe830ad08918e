#include "train/batch_order.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "train/dataset.h"

namespace tunedeck {

namespace {
constexpr size_t kBatchesPerLengthWindow = 64;
}

BatchOrder::BatchOrder(std::vector<size_t> lengths, int batch_size, uint64_t seed,
                       bool group_by_length)
    : lengths_(std::move(lengths)),
      batch_size_(batch_size),
      seed_(seed),
      group_by_length_(group_by_length) {
  if (batch_size_ <= 0) throw std::invalid_argument("batch size must be positive");
}

int BatchOrder::batches_per_epoch() const {
  return static_cast<int>((lengths_.size() + static_cast<size_t>(batch_size_) - 1) /
                          static_cast<size_t>(batch_size_));
}

const std::vector<size_t>& BatchOrder::batch(int epoch, int index) {
  if (epoch != cached_epoch_) {
    batches_ = epoch_batches(epoch);
    cached_epoch_ = epoch;
  }
  return batches_.at(static_cast<size_t>(index));
}

std::vector<std::vector<size_t>> BatchOrder::epoch_batches(int epoch) const {
  std::vector<size_t> order(lengths_.size());
  std::iota(order.begin(), order.end(), 0);
  const uint64_t epoch_seed = seed_ * 1000003ULL + static_cast<uint64_t>(epoch);
  dataset_shuffle(order, epoch_seed);
  const auto at = [&](size_t i) {
    return order.begin() + static_cast<std::ptrdiff_t>(std::min(i, order.size()));
  };
  const size_t batch = static_cast<size_t>(batch_size_);
  if (group_by_length_) {
    const size_t window = batch * kBatchesPerLengthWindow;
    for (size_t begin = 0; begin < order.size(); begin += window)
      std::stable_sort(at(begin), at(begin + window),
                       [&](size_t a, size_t b) { return lengths_[a] < lengths_[b]; });
  }
  std::vector<std::vector<size_t>> batches;
  for (size_t begin = 0; begin < order.size(); begin += batch)
    batches.emplace_back(at(begin), at(begin + batch));
  if (group_by_length_) dataset_shuffle(batches, epoch_seed ^ 0x9e3779b97f4a7c15ULL);
  return batches;
}

}  // namespace tunedeck
