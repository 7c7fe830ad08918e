// A seeded random source whose output is the same on every platform and standard library:
// std::mt19937_64 (its sequence is fixed by the C++ standard) plus its own integer and choice
// helpers, because std::uniform_int_distribution and friends differ between implementations.
// For reproducible synthetic data (datagen/toolcall_data.h); not for cryptography.
// Not thread-safe: one SeededRandom per thread.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <random>
#include <stdexcept>

namespace tunedeck {

class SeededRandom {
 public:
  explicit SeededRandom(uint64_t seed) : engine_(seed) {}

  // Uniform in [0, n), by rejection (no modulo bias). REQUIRES: n > 0.
  uint64_t below(uint64_t n) {
    if (n == 0) throw std::invalid_argument("SeededRandom::below: n must be > 0");
    const uint64_t limit = UINT64_MAX - UINT64_MAX % n;  // values >= limit would be biased
    uint64_t value = engine_();
    while (value >= limit) value = engine_();
    return value % n;
  }

  // Uniform in [lo, hi]. REQUIRES: lo <= hi.
  long long between(long long lo, long long hi) {
    if (lo > hi) throw std::invalid_argument("SeededRandom::between: lo > hi");
    return lo + static_cast<long long>(below(static_cast<uint64_t>(hi - lo) + 1));
  }

  // True with probability percent/100.
  bool chance(int percent) { return static_cast<int>(below(100)) < percent; }

  // One of `items`, uniformly. REQUIRES: items is not empty.
  template <class T>
  T pick(std::initializer_list<T> items) {
    return *(items.begin() + below(items.size()));
  }

  // An index into `weights`, with probability proportional to its weight. REQUIRES: a positive sum.
  size_t weighted(std::initializer_list<int> weights) {
    int total = 0;
    for (int w : weights) total += w;
    int ticket = static_cast<int>(below(static_cast<uint64_t>(total)));
    size_t index = 0;
    for (int w : weights) {
      if (ticket < w) return index;
      ticket -= w;
      index++;
    }
    return weights.size() - 1;
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace tunedeck
