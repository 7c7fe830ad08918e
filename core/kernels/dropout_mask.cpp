#include "core/kernels/dropout_mask.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Parallel.h>

#include <mutex>
#include <stdexcept>
#include <string>

namespace tunedeck {
namespace {

// SplitMix64's finaliser: a bijection of 64 bits whose outputs pass BigCrush for counter inputs.
inline uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t seed_from_default_generator() {
  auto* gen = at::check_generator<at::CPUGeneratorImpl>(at::detail::getDefaultCPUGenerator());
  std::lock_guard<std::mutex> lock(gen->mutex_);
  return gen->random64();
}

}  // namespace

void dropout_mask_fill(float* mask, int64_t numel, double p, uint64_t seed) {
  // keep when the top 32 bits of the hash are >= p * 2^32: P(keep) = 1 - p to within 2^-32
  const auto drop_below = static_cast<uint64_t>(p * 4294967296.0);
  const float kept = static_cast<float>(1.0 / (1.0 - p));
  const uint64_t base = mix64(seed);
  at::parallel_for(0, numel, 1 << 14, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const uint64_t h = mix64(base + static_cast<uint64_t>(i) * 0x9e3779b97f4a7c15ULL);
      mask[i] = (h >> 32) >= drop_below ? kept : 0.0f;
    }
  });
}

at::Tensor dropout_fast(const at::Tensor& x, double p) {
  if (!(p >= 0 && p < 1))
    throw std::invalid_argument("dropout probability " + std::to_string(p) + " is not in [0, 1)");
  if (p == 0) return x;
  if (!x.device().is_cpu()) return at::dropout(x, p, /*train=*/true);
  at::Tensor mask = at::empty(x.sizes(), x.options().dtype(at::kFloat).requires_grad(false));
  dropout_mask_fill(mask.data_ptr<float>(), mask.numel(), p, seed_from_default_generator());
  return x * (x.scalar_type() == at::kFloat ? mask : mask.to(x.scalar_type()));
}

}  // namespace tunedeck
