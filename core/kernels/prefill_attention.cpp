#include "core/kernels/prefill_attention.h"

#include <ATen/Functions.h>
#include <ATen/Parallel.h>
#include <c10/core/GradMode.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "core/kernels/avx512_exp.h"
#include "core/kernels/avx512_target.h"
#include "core/kernels/cpu_rows.h"
#include "core/kernels/matvec_kernels.h"

namespace tunedeck {
namespace {

// One (batch, kv head)'s keys transposed [D][S_pad] (S rounded up to 16, zeros past S) and
// values [S][D], in float32.
struct KvPanel {
  std::vector<float> keys_t, values;
  int64_t S = 0, S_pad = 0, D = 0;
};

template <typename T>
void fill_panel(const at::Tensor& keys, const at::Tensor& values, int64_t b, int64_t g,
                KvPanel& p) {
  const int64_t S = keys.size(2), D = keys.size(3);
  p.S = S;
  p.S_pad = (S + 15) / 16 * 16;
  p.D = D;
  p.keys_t.assign(D * p.S_pad, 0.0f);
  p.values.resize(S * D);
  const T* k =
      reinterpret_cast<const T*>(keys.data_ptr()) + b * keys.stride(0) + g * keys.stride(1);
  const T* v =
      reinterpret_cast<const T*>(values.data_ptr()) + b * values.stride(0) + g * values.stride(1);
  for (int64_t s = 0; s < S; ++s)
    for (int64_t d = 0; d < D; ++d) {
      p.keys_t[d * p.S_pad + s] = widen(k[s * keys.stride(2) + d]);
      p.values[s * D + d] = widen(v[s * values.stride(2) + d]);
    }
}

#if defined(__x86_64__)

// scores[j0, j0 + 16 NB) = scale * q . keys: NB independent 16-key sums, so consecutive
// multiply-adds do not wait on each other.
template <int NB>
TD_AVX512 inline void score_blocks(const float* q, const KvPanel& p, int64_t j0, __m512 scale,
                                   float* scores) {
  __m512 acc[NB];
  for (int u = 0; u < NB; ++u) acc[u] = _mm512_setzero_ps();
  for (int64_t d = 0; d < p.D; ++d) {
    const __m512 qd = _mm512_set1_ps(q[d]);
    const float* row = &p.keys_t[d * p.S_pad + j0];
    for (int u = 0; u < NB; ++u)
      acc[u] = _mm512_fmadd_ps(qd, _mm512_loadu_ps(row + 16 * u), acc[u]);
  }
  for (int u = 0; u < NB; ++u) _mm512_storeu_ps(scores + j0 + 16 * u, _mm512_mul_ps(acc[u], scale));
}

// out[D] = softmax(scale * q . keys[0..seen)) values[0..seen); `scores` holds >= S_pad floats.
TD_AVX512 void attend_one(const float* q, const KvPanel& p, int64_t seen, float scale,
                          float* scores, float* out) {
  const __m512 scale_lanes = _mm512_set1_ps(scale);
  const int64_t padded = (seen + 15) / 16 * 16;
  int64_t j = 0;
  for (; j + 64 <= padded; j += 64) score_blocks<4>(q, p, j, scale_lanes, scores);
  for (; j < padded; j += 16) score_blocks<1>(q, p, j, scale_lanes, scores);
  const __mmask16 last = static_cast<__mmask16>((1u << (seen - (padded - 16))) - 1);  // valid lanes
  __m512 max_lanes = _mm512_set1_ps(-INFINITY);
  for (j = 0; j < padded; j += 16) {
    const __mmask16 valid = j + 16 < padded ? static_cast<__mmask16>(0xffff) : last;
    max_lanes = _mm512_mask_max_ps(max_lanes, valid, max_lanes, _mm512_loadu_ps(scores + j));
  }
  const __m512 max_score = _mm512_set1_ps(_mm512_reduce_max_ps(max_lanes));
  __m512 total_lanes = _mm512_setzero_ps();
  for (j = 0; j < padded; j += 16) {
    const __mmask16 valid = j + 16 < padded ? static_cast<__mmask16>(0xffff) : last;
    const __m512 e = _mm512_maskz_mov_ps(
        valid, exp_lanes(_mm512_sub_ps(_mm512_loadu_ps(scores + j), max_score)));
    _mm512_storeu_ps(scores + j, e);
    total_lanes = _mm512_add_ps(total_lanes, e);
  }
  const __m512 inv_total = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(total_lanes));
  // out = sum_j p_j v_j: up to 8 vectors of 16 dimensions at once (independent sums)
  for (int64_t d0 = 0; d0 < p.D; d0 += 128) {
    const int64_t vectors = std::min<int64_t>(8, (p.D - d0) / 16);
    __m512 acc[8];
    for (int u = 0; u < 8; ++u) acc[u] = _mm512_setzero_ps();
    for (j = 0; j < seen; ++j) {
      const __m512 pj = _mm512_set1_ps(scores[j]);
      const float* v = &p.values[j * p.D + d0];
      for (int64_t u = 0; u < vectors; ++u)
        acc[u] = _mm512_fmadd_ps(pj, _mm512_loadu_ps(v + 16 * u), acc[u]);
    }
    for (int64_t u = 0; u < vectors; ++u)
      _mm512_storeu_ps(out + d0 + 16 * u, _mm512_mul_ps(acc[u], inv_total));
  }
}
#endif

template <typename T>
at::Tensor attend(const at::Tensor& q, const at::Tensor& keys, const at::Tensor& values,
                  int64_t start) {
  const int64_t B = q.size(0), H = q.size(1), T_ = q.size(2), D = q.size(3);
  const int64_t G = H / keys.size(1), S = keys.size(2);
  const at::Tensor qc = q.contiguous();
  at::Tensor rows = at::empty({B, T_, H * D}, q.options());
  const T* qp = reinterpret_cast<const T*>(qc.data_ptr());
  T* out = reinterpret_cast<T*>(rows.data_ptr());
  const float scale = static_cast<float>(1.0 / std::sqrt(static_cast<double>(D)));
  // one task per (batch, kv head): its panel serves the G query heads that read it
  at::parallel_for(0, B * keys.size(1), 1, [&](int64_t begin, int64_t end) {
    KvPanel panel;
    std::vector<float> scores((S + 15) / 16 * 16), q_row(D), o_row(D);
    for (int64_t task = begin; task < end; ++task) {
      const int64_t b = task / keys.size(1), g = task % keys.size(1);
      fill_panel<T>(keys, values, b, g, panel);
      for (int64_t h = g * G; h < (g + 1) * G; ++h)
        for (int64_t t = 0; t < T_; ++t) {
          const T* qs = qp + ((b * H + h) * T_ + t) * D;
          for (int64_t d = 0; d < D; ++d) q_row[d] = widen(qs[d]);
#if defined(__x86_64__)
          attend_one(q_row.data(), panel, start + t + 1, scale, scores.data(), o_row.data());
#endif
          T* os = out + (b * T_ + t) * H * D + h * D;
          for (int64_t d = 0; d < D; ++d) store_as(os + d, o_row[d]);
        }
    }
  });
  return rows;
}

}  // namespace

bool prefill_attention_applies(const at::Tensor& q, const at::Tensor& keys,
                               const at::Tensor& values, int64_t start) {
  if (!cpu_rows_supported() || !q.defined() || !keys.defined() || !values.defined()) return false;
  if (q.dim() != 4 || keys.dim() != 4 || values.dim() != 4 || !q.device().is_cpu()) return false;
  if (keys.sizes() != values.sizes() || !keys.device().is_cpu() || !values.device().is_cpu())
    return false;
  const at::ScalarType dtype = q.scalar_type();
  if ((dtype != at::kFloat && dtype != at::kBFloat16) || keys.scalar_type() != dtype ||
      values.scalar_type() != dtype)
    return false;
  const int64_t H = q.size(1), Hkv = keys.size(1), D = q.size(3);
  if (keys.size(0) != q.size(0) || Hkv == 0 || H % Hkv != 0 || keys.size(3) != D || D % 16 != 0 ||
      keys.size(2) != start + q.size(2))
    return false;
  if (keys.stride(3) != 1 || values.stride(3) != 1) return false;
  const bool grad = c10::GradMode::is_enabled();
  return !((q.requires_grad() || keys.requires_grad() || values.requires_grad()) && grad);
}

at::Tensor prefill_attention(const at::Tensor& q, const at::Tensor& keys, const at::Tensor& values,
                             int64_t start) {
  if (!prefill_attention_applies(q, keys, values, start))
    throw std::logic_error(
        "prefill_attention: q [B, H, T, D] and keys/values [B, Hkv, start + T, D] "
        "in one dtype (f32 or bf16), D a multiple of 16, expected");
  return q.scalar_type() == at::kFloat ? attend<float>(q, keys, values, start)
                                       : attend<Bf16Bits>(q, keys, values, start);
}

}  // namespace tunedeck
