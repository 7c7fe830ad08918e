#include "core/rope.h"

#include <ATen/ATen.h>

#include <cmath>

namespace tunedeck {

// Follows transformers' _compute_default_rope_parameters / _compute_llama3_parameters.
std::vector<double> rope_inverse_frequencies(const ModelConfig& config) {
  const int half = config.head_dim / 2;
  std::vector<double> inv_freq(half);
  for (int i = 0; i < half; ++i)
    inv_freq[i] = 1.0 / std::pow(config.rope_theta, (2.0 * i) / config.head_dim);
  const RopeScaling& s = config.rope_scaling;
  if (s.type == "linear") {
    for (double& f : inv_freq) f /= s.factor;
  } else if (s.type == "llama3") {
    const double old_context = s.original_max_position_embeddings;
    const double low_freq_wavelen = old_context / s.low_freq_factor;
    const double high_freq_wavelen = old_context / s.high_freq_factor;
    for (double& f : inv_freq) {
      const double wavelen = 2 * M_PI / f;
      if (wavelen > low_freq_wavelen) {
        f = f / s.factor;  // long wavelengths: fully scaled
      } else if (wavelen >= high_freq_wavelen) {
        // medium: interpolate between scaled and unscaled
        const double smooth =
            (old_context / wavelen - s.low_freq_factor) / (s.high_freq_factor - s.low_freq_factor);
        f = (1 - smooth) * f / s.factor + smooth * f;
      }  // short wavelengths: unchanged
    }
  }
  return inv_freq;
}

RopeTables rope_tables(const ModelConfig& config, int64_t positions,
                       const at::TensorOptions& options) {
  return rope_rows(config, 0, positions, options);
}

RopeTables rope_rows(const ModelConfig& config, int64_t first, int64_t count,
                     const at::TensorOptions& options) {
  const std::vector<double> inv = rope_inverse_frequencies(config);
  at::Tensor inv_freq = at::tensor(std::vector<double>(inv.begin(), inv.end()), at::kDouble);
  at::Tensor pos = at::arange(first, first + count, at::kDouble);
  at::Tensor freqs = at::outer(pos, inv_freq).to(at::kFloat);  // [P, D/2], like HF (float32)
  at::Tensor emb = at::cat({freqs, freqs}, -1);                // [P, D]
  return {emb.cos().to(options), emb.sin().to(options)};
}

at::Tensor rope_apply(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin) {
  const int64_t half = x.size(-1) / 2;
  at::Tensor x1 = x.narrow(-1, 0, half);
  at::Tensor x2 = x.narrow(-1, half, half);
  at::Tensor rotated = at::cat({x2.neg(), x1}, -1);  // rotate_half
  return x * cos + rotated * sin;
}

}  // namespace tunedeck
