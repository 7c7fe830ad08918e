#include "core/kernels/cpu_rows.h"

#include <ATen/Functions.h>
#include <ATen/Parallel.h>
#include <c10/core/GradMode.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#include "core/kernels/avx512_exp.h"
#include "core/kernels/avx512_target.h"
#include "core/kernels/matvec_kernels.h"

namespace tunedeck {
namespace {

constexpr int64_t kElementsPerTask = 16384;  // rows per parallel task: at least this many values

bool cpu_runs_avx512() {
#if defined(__x86_64__)
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") &&
         __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

#if defined(__x86_64__)

// 16 values of a row as float32 lanes, and back (bf16: rounded to nearest even, NaN kept).
TD_AVX512 inline __m512 load16(const float* p) { return _mm512_loadu_ps(p); }
TD_AVX512 inline __m512 load16(const Bf16Bits* p) {
  const __m256i bits = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(bits), 16));
}
TD_AVX512 inline __m512i bf16_rounded_bits(__m512 v) {  // the bf16 in the low 16 bits of each lane
  const __m512i bits = _mm512_castps_si512(v);
  const __m512i lsb = _mm512_and_si512(_mm512_srli_epi32(bits, 16), _mm512_set1_epi32(1));
  const __m512i rounded = _mm512_srli_epi32(
      _mm512_add_epi32(bits, _mm512_add_epi32(_mm512_set1_epi32(0x7fff), lsb)), 16);
  const __m512i quiet_nan = _mm512_or_si512(_mm512_srli_epi32(bits, 16), _mm512_set1_epi32(0x40));
  return _mm512_mask_blend_epi32(_mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q), rounded, quiet_nan);
}
TD_AVX512 inline void store16(float* p, __m512 v) { _mm512_storeu_ps(p, v); }
TD_AVX512 inline void store16(Bf16Bits* p, __m512 v) {
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), _mm512_cvtepi32_epi16(bf16_rounded_bits(v)));
}
// The value the element type holds: float32 as is; bf16 rounded (libtorch rounds after each op).
TD_AVX512 inline __m512 as_stored(__m512 v, const float*) { return v; }
TD_AVX512 inline __m512 as_stored(__m512 v, const Bf16Bits*) {
  return _mm512_castsi512_ps(_mm512_slli_epi32(bf16_rounded_bits(v), 16));
}

// Rows are taken 16 values at a time; the last partial step goes through zero-padded copies.
template <typename T>
struct Tail {
  explicit Tail(int64_t K) : full(K / 16 * 16), count(K - full) {}
  void copy_in(const T* row, T* padded) const {
    std::fill(padded, padded + 16, T{});
    std::memcpy(padded, row + full, count * sizeof(T));
  }
  void copy_out(const T* padded, T* row) const {
    std::memcpy(row + full, padded, count * sizeof(T));
  }
  int64_t full, count;
};

// weight * (x * scale) for 16 values, x * scale rounded to T first.
template <typename T>
TD_AVX512 inline __m512 normalized16(const T* x, const T* weight, __m512 scale) {
  return _mm512_mul_ps(load16(weight), as_stored(_mm512_mul_ps(load16(x), scale), x));
}

template <typename T>
TD_AVX512 void rms_norm_row(const T* x, const T* weight, double eps, int64_t K, T* out) {
  const Tail<T> tail(K);
  T x_tail[16], w_tail[16], out_tail[16];
  tail.copy_in(x, x_tail);
  tail.copy_in(weight, w_tail);
  __m512 squares = _mm512_setzero_ps();
  for (int64_t k = 0; k < tail.full; k += 16) {
    const __m512 v = load16(x + k);
    squares = _mm512_fmadd_ps(v, v, squares);
  }
  const __m512 last = load16(x_tail);  // zeros past K add nothing
  squares = _mm512_fmadd_ps(last, last, squares);
  const double mean = static_cast<double>(_mm512_reduce_add_ps(squares)) / static_cast<double>(K);
  const __m512 scale = _mm512_set1_ps(static_cast<float>(1.0 / std::sqrt(mean + eps)));
  for (int64_t k = 0; k < tail.full; k += 16)
    store16(out + k, normalized16(x + k, weight + k, scale));
  if (tail.count == 0) return;
  store16(out_tail, normalized16(x_tail, w_tail, scale));
  tail.copy_out(out_tail, out);
}

// silu(gate) * up for 16 values, silu rounded to T first.
template <typename T>
TD_AVX512 inline __m512 swiglu16(const T* gate, const T* up) {
  const __m512 g = load16(gate);
  const __m512 e = exp_lanes(_mm512_sub_ps(_mm512_setzero_ps(), g));
  const __m512 silu = as_stored(_mm512_div_ps(g, _mm512_add_ps(_mm512_set1_ps(1.0f), e)), gate);
  return _mm512_mul_ps(silu, load16(up));
}

template <typename T>
TD_AVX512 void swiglu_row(const T* gate, const T* up, int64_t K, T* out) {
  const Tail<T> tail(K);
  for (int64_t k = 0; k < tail.full; k += 16) store16(out + k, swiglu16(gate + k, up + k));
  if (tail.count == 0) return;
  T g_tail[16], u_tail[16], out_tail[16];
  tail.copy_in(gate, g_tail);
  tail.copy_in(up, u_tail);
  store16(out_tail, swiglu16(g_tail, u_tail));
  tail.copy_out(out_tail, out);
}

// Scalar helpers for the RoPE loop (short rows of D / 2; GCC vectorises it under the target).
inline float kept(float v, const float*) { return v; }
inline float kept(float v, const Bf16Bits*) { return widen(round_to_bf16(v)); }

// out[i] = x[i] cos[i] + rotate_half(x)[i] sin[i] for one head of D values.
template <typename T>
TD_AVX512 void rope_head(const T* x, const T* cos, const T* sin, int64_t D, T* out) {
  const int64_t half = D / 2;
  for (int64_t i = 0; i < half; ++i) {
    const float x1 = widen(x[i]), x2 = widen(x[i + half]);
    store_as(out + i, kept(x1 * widen(cos[i]), x) + kept(-x2 * widen(sin[i]), x));
    store_as(out + i + half,
             kept(x2 * widen(cos[i + half]), x) + kept(x1 * widen(sin[i + half]), x));
  }
}

#endif

template <typename T>
T* data_of(const at::Tensor& t) {
  return reinterpret_cast<T*>(t.data_ptr());
}

// Calls run(T{}) with T the element type of `dtype`: float for float32, Bf16Bits for bf16.
template <typename Run>
void with_element_type(at::ScalarType dtype, const Run& run) {
  if (dtype == at::kFloat)
    run(float{});
  else
    run(Bf16Bits{});
}

// Applies row(in rows..., out row) to every row of the contiguous inputs, rows split among threads.
template <typename Row>
void for_each_row(int64_t rows, int64_t K, const Row& row) {
  at::parallel_for(0, rows, std::max<int64_t>(1, kElementsPerTask / std::max<int64_t>(1, K)),
                   [&](int64_t begin, int64_t end) {
                     for (int64_t r = begin; r < end; ++r) row(r);
                   });
}

}  // namespace

bool cpu_rows_supported() {
  static const bool supported = cpu_runs_avx512();
  return supported;
}

bool cpu_rows_apply(const at::Tensor& x) {
  if (!cpu_rows_supported() || !x.defined() || !x.device().is_cpu() || x.dim() < 1) return false;
  if (x.scalar_type() != at::kFloat && x.scalar_type() != at::kBFloat16) return false;
  return !(x.requires_grad() && c10::GradMode::is_enabled());
}

at::Tensor rms_norm_rows(const at::Tensor& x, const at::Tensor& weight, double eps) {
  if (!cpu_rows_apply(x) || weight.scalar_type() != x.scalar_type() || weight.dim() != 1 ||
      weight.size(0) != x.size(-1) || !weight.device().is_cpu())
    throw std::logic_error("rms_norm_rows: needs cpu_rows_apply(x) and a weight [K] of x's dtype");
  const int64_t K = x.size(-1), rows = x.numel() / std::max<int64_t>(1, K);
  const at::Tensor in = x.contiguous(), w = weight.contiguous();
  at::Tensor out = at::empty(x.sizes(), x.options());
#if defined(__x86_64__)
  with_element_type(x.scalar_type(), [&](auto type) {
    using T = decltype(type);
    for_each_row(rows, K, [&](int64_t r) {
      rms_norm_row(data_of<T>(in) + r * K, data_of<T>(w), eps, K, data_of<T>(out) + r * K);
    });
  });
#endif
  return out;
}

at::Tensor swiglu_rows(const at::Tensor& gate, const at::Tensor& up) {
  if (!cpu_rows_apply(gate) || up.sizes() != gate.sizes() ||
      up.scalar_type() != gate.scalar_type() || !up.device().is_cpu())
    throw std::logic_error(
        "swiglu_rows: needs cpu_rows_apply(gate) and up of gate's shape and dtype");
  const int64_t K = gate.size(-1), rows = gate.numel() / std::max<int64_t>(1, K);
  const at::Tensor g = gate.contiguous(), u = up.contiguous();
  at::Tensor out = at::empty(gate.sizes(), gate.options());
#if defined(__x86_64__)
  with_element_type(gate.scalar_type(), [&](auto type) {
    using T = decltype(type);
    for_each_row(rows, K, [&](int64_t r) {
      swiglu_row(data_of<T>(g) + r * K, data_of<T>(u) + r * K, K, data_of<T>(out) + r * K);
    });
  });
#endif
  return out;
}

at::Tensor rope_rows_to_heads(const at::Tensor& rows, int64_t heads, const at::Tensor& cos,
                              const at::Tensor& sin) {
  if (!cpu_rows_apply(rows) || rows.dim() != 3 || heads <= 0 || rows.size(2) % heads != 0)
    throw std::logic_error(
        "rope_rows_to_heads: needs cpu_rows_apply(rows), rows [B, T, heads * D]");
  const int64_t B = rows.size(0), T = rows.size(1), D = rows.size(2) / heads;
  if (cos.sizes() != at::IntArrayRef({T, D}) || sin.sizes() != cos.sizes() ||
      cos.scalar_type() != rows.scalar_type() || sin.scalar_type() != rows.scalar_type() ||
      D % 2 != 0)
    throw std::logic_error("rope_rows_to_heads: cos/sin must be [T, D] in the rows' dtype, D even");
  const at::Tensor in = rows.contiguous(), c = cos.contiguous(), s = sin.contiguous();
  at::Tensor out = at::empty({B, heads, T, D}, rows.options());
#if defined(__x86_64__)
  with_element_type(rows.scalar_type(), [&](auto type) {
    using E = decltype(type);
    const E* src = data_of<E>(in);
    const E* cs = data_of<E>(c);
    const E* sn = data_of<E>(s);
    E* dst = data_of<E>(out);
    for_each_row(B * T, heads * D, [&](int64_t r) {
      const int64_t b = r / T, t = r % T;
      for (int64_t h = 0; h < heads; ++h)
        rope_head(src + r * heads * D + h * D, cs + t * D, sn + t * D, D,
                  dst + ((b * heads + h) * T + t) * D);
    });
  });
#endif
  return out;
}

void rms_norm_row_f32(const float* x, const float* weight, double eps, int64_t K, float* out) {
#if defined(__x86_64__)
  rms_norm_row(x, weight, eps, K, out);
#endif
}

void swiglu_row_f32(const float* gate, const float* up, int64_t K, float* out) {
#if defined(__x86_64__)
  swiglu_row(gate, up, K, out);
#endif
}

}  // namespace tunedeck
