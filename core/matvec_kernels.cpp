#include "core/matvec_kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace tunedeck {
namespace {

// ---- portable: shaped for GCC's auto-vectoriser ----

// 16 independent partial sums, so the additions of one iteration do not wait on each other.
constexpr int kGenericLanes = 16;

template <typename W>
float dot_generic(const W* w, const float* x, int64_t n) {
  float partial[kGenericLanes] = {};
  int64_t i = 0;
  for (; i + kGenericLanes <= n; i += kGenericLanes)
    for (int j = 0; j < kGenericLanes; ++j) partial[j] += widen(w[i + j]) * x[i + j];
  float sum = 0;
  for (float p : partial) sum += p;
  for (; i < n; ++i) sum += widen(w[i]) * x[i];
  return sum;
}

template <typename W>
void rows_generic(const W* w, int64_t rows, int64_t cols, const float* x, float* y) {
  for (int64_t r = 0; r < rows; ++r) y[r] = dot_generic(w + r * cols, x, cols);
}

// The columns a vector loop left over, for four rows at once.
template <typename W>
void add_tail4(const W* w0, int64_t cols, int64_t from, const float* x, float* sums) {
  for (int64_t i = from; i < cols; ++i)
    for (int k = 0; k < 4; ++k) sums[k] += widen(w0[k * cols + i]) * x[i];
}

#if defined(__x86_64__)
// ---- AVX2 + FMA ----
#define TD_AVX2 __attribute__((target("avx2,fma")))

TD_AVX2 inline __m256 load8(const float* p) { return _mm256_loadu_ps(p); }

TD_AVX2 inline __m256 load8(const Bf16Bits* p) {
  const __m128i bits = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(bits), 16));
}

TD_AVX2 inline float horizontal_sum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

// Four 8-wide accumulators (32 elements per iteration) hide the latency of the multiply-adds.
template <typename W>
TD_AVX2 float dot_avx2(const W* w, const float* x, int64_t n) {
  __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
  __m256 a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    a0 = _mm256_fmadd_ps(load8(w + i), _mm256_loadu_ps(x + i), a0);
    a1 = _mm256_fmadd_ps(load8(w + i + 8), _mm256_loadu_ps(x + i + 8), a1);
    a2 = _mm256_fmadd_ps(load8(w + i + 16), _mm256_loadu_ps(x + i + 16), a2);
    a3 = _mm256_fmadd_ps(load8(w + i + 24), _mm256_loadu_ps(x + i + 24), a3);
  }
  for (; i + 8 <= n; i += 8) a0 = _mm256_fmadd_ps(load8(w + i), _mm256_loadu_ps(x + i), a0);
  float sum = horizontal_sum(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
  for (; i < n; ++i) sum += widen(w[i]) * x[i];
  return sum;
}

// Four rows at a time: each load of x serves four rows, and the four sums are reduced together.
template <typename W>
TD_AVX2 void rows_avx2(const W* w, int64_t rows, int64_t cols, const float* x, float* y) {
  int64_t r = 0;
  for (; r + 4 <= rows; r += 4) {
    const W* w0 = w + r * cols;
    const W* w1 = w0 + cols;
    const W* w2 = w1 + cols;
    const W* w3 = w2 + cols;
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
    __m256 a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
    __m256 b0 = _mm256_setzero_ps(), b1 = _mm256_setzero_ps();
    __m256 b2 = _mm256_setzero_ps(), b3 = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 16 <= cols; i += 16) {
      const __m256 x0 = _mm256_loadu_ps(x + i), x1 = _mm256_loadu_ps(x + i + 8);
      a0 = _mm256_fmadd_ps(load8(w0 + i), x0, a0);
      b0 = _mm256_fmadd_ps(load8(w0 + i + 8), x1, b0);
      a1 = _mm256_fmadd_ps(load8(w1 + i), x0, a1);
      b1 = _mm256_fmadd_ps(load8(w1 + i + 8), x1, b1);
      a2 = _mm256_fmadd_ps(load8(w2 + i), x0, a2);
      b2 = _mm256_fmadd_ps(load8(w2 + i + 8), x1, b2);
      a3 = _mm256_fmadd_ps(load8(w3 + i), x0, a3);
      b3 = _mm256_fmadd_ps(load8(w3 + i + 8), x1, b3);
    }
    if (i + 8 <= cols) {
      const __m256 x0 = _mm256_loadu_ps(x + i);
      a0 = _mm256_fmadd_ps(load8(w0 + i), x0, a0);
      a1 = _mm256_fmadd_ps(load8(w1 + i), x0, a1);
      a2 = _mm256_fmadd_ps(load8(w2 + i), x0, a2);
      a3 = _mm256_fmadd_ps(load8(w3 + i), x0, a3);
      i += 8;
    }
    // hadd(hadd(s0, s1), hadd(s2, s3)) holds each row's sum of one 128-bit half, in row order.
    const __m256 h = _mm256_hadd_ps(_mm256_hadd_ps(_mm256_add_ps(a0, b0), _mm256_add_ps(a1, b1)),
                                    _mm256_hadd_ps(_mm256_add_ps(a2, b2), _mm256_add_ps(a3, b3)));
    float sums[4];
    _mm_storeu_ps(sums, _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1)));
    add_tail4(w0, cols, i, x, sums);
    for (int k = 0; k < 4; ++k) y[r + k] = sums[k];
  }
  for (; r < rows; ++r) y[r] = dot_avx2(w + r * cols, x, cols);
}

// ---- AVX-512 ----
#define TD_AVX512 __attribute__((target("avx512f,avx2,fma")))

TD_AVX512 inline __m512 load16(const float* p) { return _mm512_loadu_ps(p); }

TD_AVX512 inline __m512 load16(const Bf16Bits* p) {
  const __m256i bits = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(bits), 16));
}

template <typename W>
TD_AVX512 float dot_avx512(const W* w, const float* x, int64_t n) {
  __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
  __m512 a2 = _mm512_setzero_ps(), a3 = _mm512_setzero_ps();
  int64_t i = 0;
  for (; i + 64 <= n; i += 64) {
    a0 = _mm512_fmadd_ps(load16(w + i), _mm512_loadu_ps(x + i), a0);
    a1 = _mm512_fmadd_ps(load16(w + i + 16), _mm512_loadu_ps(x + i + 16), a1);
    a2 = _mm512_fmadd_ps(load16(w + i + 32), _mm512_loadu_ps(x + i + 32), a2);
    a3 = _mm512_fmadd_ps(load16(w + i + 48), _mm512_loadu_ps(x + i + 48), a3);
  }
  for (; i + 16 <= n; i += 16) a0 = _mm512_fmadd_ps(load16(w + i), _mm512_loadu_ps(x + i), a0);
  float sum = _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)));
  for (; i < n; ++i) sum += widen(w[i]) * x[i];
  return sum;
}

// Four rows at a time, 32 columns per iteration (eight accumulators).
template <typename W>
TD_AVX512 void rows_avx512(const W* w, int64_t rows, int64_t cols, const float* x, float* y) {
  int64_t r = 0;
  for (; r + 4 <= rows; r += 4) {
    const W* w0 = w + r * cols;
    const W* w1 = w0 + cols;
    const W* w2 = w1 + cols;
    const W* w3 = w2 + cols;
    __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
    __m512 a2 = _mm512_setzero_ps(), a3 = _mm512_setzero_ps();
    __m512 b0 = _mm512_setzero_ps(), b1 = _mm512_setzero_ps();
    __m512 b2 = _mm512_setzero_ps(), b3 = _mm512_setzero_ps();
    int64_t i = 0;
    for (; i + 32 <= cols; i += 32) {
      const __m512 x0 = _mm512_loadu_ps(x + i), x1 = _mm512_loadu_ps(x + i + 16);
      a0 = _mm512_fmadd_ps(load16(w0 + i), x0, a0);
      b0 = _mm512_fmadd_ps(load16(w0 + i + 16), x1, b0);
      a1 = _mm512_fmadd_ps(load16(w1 + i), x0, a1);
      b1 = _mm512_fmadd_ps(load16(w1 + i + 16), x1, b1);
      a2 = _mm512_fmadd_ps(load16(w2 + i), x0, a2);
      b2 = _mm512_fmadd_ps(load16(w2 + i + 16), x1, b2);
      a3 = _mm512_fmadd_ps(load16(w3 + i), x0, a3);
      b3 = _mm512_fmadd_ps(load16(w3 + i + 16), x1, b3);
    }
    if (i + 16 <= cols) {
      const __m512 x0 = _mm512_loadu_ps(x + i);
      a0 = _mm512_fmadd_ps(load16(w0 + i), x0, a0);
      a1 = _mm512_fmadd_ps(load16(w1 + i), x0, a1);
      a2 = _mm512_fmadd_ps(load16(w2 + i), x0, a2);
      a3 = _mm512_fmadd_ps(load16(w3 + i), x0, a3);
      i += 16;
    }
    float sums[4] = {_mm512_reduce_add_ps(_mm512_add_ps(a0, b0)),
                     _mm512_reduce_add_ps(_mm512_add_ps(a1, b1)),
                     _mm512_reduce_add_ps(_mm512_add_ps(a2, b2)),
                     _mm512_reduce_add_ps(_mm512_add_ps(a3, b3))};
    add_tail4(w0, cols, i, x, sums);
    for (int k = 0; k < 4; ++k) y[r + k] = sums[k];
  }
  for (; r < rows; ++r) y[r] = dot_avx512(w + r * cols, x, cols);
}

#endif  // __x86_64__

const MatvecKernels kGeneric = {"generic", rows_generic<float>, rows_generic<Bf16Bits>,
                                dot_generic<float>, dot_generic<Bf16Bits>};

}  // namespace

std::vector<MatvecKernels> matvec_kernels_runnable() {
  std::vector<MatvecKernels> runnable;
#if defined(__x86_64__)
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (avx2 && __builtin_cpu_supports("avx512f"))
    runnable.push_back({"avx512", rows_avx512<float>, rows_avx512<Bf16Bits>, dot_avx512<float>,
                        dot_avx512<Bf16Bits>});
  if (avx2)
    runnable.push_back({"avx2+fma", rows_avx2<float>, rows_avx2<Bf16Bits>, dot_avx2<float>,
                        dot_avx2<Bf16Bits>});
#endif
  runnable.push_back(kGeneric);
  return runnable;
}

const MatvecKernels& matvec_kernels() {
  static const MatvecKernels best = matvec_kernels_runnable().front();
  return best;
}

}  // namespace tunedeck
