// The order in which a trainer visits its examples: which rows form batch k of epoch e.
// Deterministic from (seed, epoch), so a resumed run sees exactly the batches it would have seen.
// Knows only row lengths, not the rows or tensors; padding the batch is the trainer's job.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tunedeck {

// Every epoch is a seeded shuffle of all rows cut into batches of batch_size (the last may be
// smaller). With group_by_length the shuffled rows are cut into windows of 64 batches, each window
// is sorted by length and cut into batches, and the batches are shuffled again: a batch holds rows
// of similar length (little padding) while the epoch still visits the rows in a random order.
class BatchOrder {
 public:
  BatchOrder(std::vector<size_t> lengths, int batch_size, uint64_t seed, bool group_by_length);
  int batches_per_epoch() const;
  // The row indices of batch `index` (0-based) of epoch `epoch`.
  const std::vector<size_t>& batch(int epoch, int index);

 private:
  std::vector<std::vector<size_t>> epoch_batches(int epoch) const;

  std::vector<size_t> lengths_;
  int batch_size_;
  uint64_t seed_;
  bool group_by_length_;
  int cached_epoch_ = -1;
  std::vector<std::vector<size_t>> batches_;
};

}  // namespace tunedeck
