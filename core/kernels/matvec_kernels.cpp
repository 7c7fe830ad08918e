#include "core/kernels/matvec_kernels.h"

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
// GCC 12's own AVX-512 headers (_mm512_reduce_add_ps via _mm256_undefined_pd) trip
// -Wmaybe-uninitialized once inlined: GCC bug 105593, fixed in GCC 13. Nothing here is
// uninitialised.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
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
// ---- AVX2 + FMA and AVX-512: one dot and one four-row kernel over an ISA's vector operations ----
// Each ISA is a struct of inline vector operations compiled for that ISA (Avx2Ops, Avx512Ops).
// The kernels below are templates over it with no target of their own: a variant's entry points
// (dot_avx2, rows_avx512, ...) carry the ISA's target and `flatten`, which inlines the template
// and every operation into them, so each variant compiles to straight-line code of its ISA and
// the template never runs as a function of its own.
#define TD_AVX2 __attribute__((target("avx2,fma")))
#define TD_AVX512 __attribute__((target("avx512f,avx2,fma")))
#define TD_FLATTEN __attribute__((flatten))
// The templates pass vectors by value without a target: inlined, that never reaches an ABI.
#pragma GCC diagnostic ignored "-Wpsabi"

struct Avx2Ops {
  using Vec = __m256;
  static constexpr int kLanes = 8;
  TD_AVX2 static Vec zero() { return _mm256_setzero_ps(); }
  TD_AVX2 static Vec load(const float* p) { return _mm256_loadu_ps(p); }
  TD_AVX2 static Vec load(const Bf16Bits* p) {
    const __m128i bits = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(bits), 16));
  }
  TD_AVX2 static Vec fmadd(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
  TD_AVX2 static Vec add(Vec a, Vec b) { return _mm256_add_ps(a, b); }
  TD_AVX2 static float sum(Vec v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
  }
  // The sums of four rows' vectors: hadd(hadd(s0, s1), hadd(s2, s3)) holds each row's sum of one
  // 128-bit half, in row order.
  TD_AVX2 static void sum4(Vec s0, Vec s1, Vec s2, Vec s3, float* sums) {
    const __m256 h = _mm256_hadd_ps(_mm256_hadd_ps(s0, s1), _mm256_hadd_ps(s2, s3));
    _mm_storeu_ps(sums, _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1)));
  }
};

struct Avx512Ops {
  using Vec = __m512;
  static constexpr int kLanes = 16;
  TD_AVX512 static Vec zero() { return _mm512_setzero_ps(); }
  TD_AVX512 static Vec load(const float* p) { return _mm512_loadu_ps(p); }
  TD_AVX512 static Vec load(const Bf16Bits* p) {
    const __m256i bits = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(bits), 16));
  }
  TD_AVX512 static Vec fmadd(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
  TD_AVX512 static Vec add(Vec a, Vec b) { return _mm512_add_ps(a, b); }
  TD_AVX512 static float sum(Vec v) { return _mm512_reduce_add_ps(v); }
  TD_AVX512 static void sum4(Vec s0, Vec s1, Vec s2, Vec s3, float* sums) {
    sums[0] = sum(s0);
    sums[1] = sum(s1);
    sums[2] = sum(s2);
    sums[3] = sum(s3);
  }
};

// Four accumulators (4 vectors per iteration) hide the latency of the multiply-adds.
template <typename Ops, typename W>
inline float dot_simd(const W* w, const float* x, int64_t n) {
  constexpr int L = Ops::kLanes;
  typename Ops::Vec a0 = Ops::zero(), a1 = Ops::zero(), a2 = Ops::zero(), a3 = Ops::zero();
  int64_t i = 0;
  for (; i + 4 * L <= n; i += 4 * L) {
    a0 = Ops::fmadd(Ops::load(w + i), Ops::load(x + i), a0);
    a1 = Ops::fmadd(Ops::load(w + i + L), Ops::load(x + i + L), a1);
    a2 = Ops::fmadd(Ops::load(w + i + 2 * L), Ops::load(x + i + 2 * L), a2);
    a3 = Ops::fmadd(Ops::load(w + i + 3 * L), Ops::load(x + i + 3 * L), a3);
  }
  for (; i + L <= n; i += L) a0 = Ops::fmadd(Ops::load(w + i), Ops::load(x + i), a0);
  float sum = Ops::sum(Ops::add(Ops::add(a0, a1), Ops::add(a2, a3)));
  for (; i < n; ++i) sum += widen(w[i]) * x[i];
  return sum;
}

// Four rows at a time, two vectors of columns per iteration (eight accumulators): each load of x
// serves four rows, and the four sums are reduced together.
template <typename Ops, typename W>
inline void rows4_simd(const W* w, int64_t rows, int64_t cols, const float* x, float* y) {
  constexpr int L = Ops::kLanes;
  int64_t r = 0;
  for (; r + 4 <= rows; r += 4) {
    const W* w0 = w + r * cols;
    const W* w1 = w0 + cols;
    const W* w2 = w1 + cols;
    const W* w3 = w2 + cols;
    typename Ops::Vec a0 = Ops::zero(), a1 = Ops::zero(), a2 = Ops::zero(), a3 = Ops::zero();
    typename Ops::Vec b0 = Ops::zero(), b1 = Ops::zero(), b2 = Ops::zero(), b3 = Ops::zero();
    int64_t i = 0;
    for (; i + 2 * L <= cols; i += 2 * L) {
      const typename Ops::Vec x0 = Ops::load(x + i), x1 = Ops::load(x + i + L);
      a0 = Ops::fmadd(Ops::load(w0 + i), x0, a0);
      b0 = Ops::fmadd(Ops::load(w0 + i + L), x1, b0);
      a1 = Ops::fmadd(Ops::load(w1 + i), x0, a1);
      b1 = Ops::fmadd(Ops::load(w1 + i + L), x1, b1);
      a2 = Ops::fmadd(Ops::load(w2 + i), x0, a2);
      b2 = Ops::fmadd(Ops::load(w2 + i + L), x1, b2);
      a3 = Ops::fmadd(Ops::load(w3 + i), x0, a3);
      b3 = Ops::fmadd(Ops::load(w3 + i + L), x1, b3);
    }
    if (i + L <= cols) {
      const typename Ops::Vec x0 = Ops::load(x + i);
      a0 = Ops::fmadd(Ops::load(w0 + i), x0, a0);
      a1 = Ops::fmadd(Ops::load(w1 + i), x0, a1);
      a2 = Ops::fmadd(Ops::load(w2 + i), x0, a2);
      a3 = Ops::fmadd(Ops::load(w3 + i), x0, a3);
      i += L;
    }
    float sums[4];
    Ops::sum4(Ops::add(a0, b0), Ops::add(a1, b1), Ops::add(a2, b2), Ops::add(a3, b3), sums);
    add_tail4(w0, cols, i, x, sums);
    for (int k = 0; k < 4; ++k) y[r + k] = sums[k];
  }
  for (; r < rows; ++r) y[r] = dot_simd<Ops>(w + r * cols, x, cols);
}

template <typename W>
TD_AVX2 TD_FLATTEN float dot_avx2(const W* w, const float* x, int64_t n) {
  return dot_simd<Avx2Ops>(w, x, n);
}

template <typename W>
TD_AVX2 TD_FLATTEN void rows_avx2(const W* w, int64_t rows, int64_t cols, const float* x,
                                  float* y) {
  rows4_simd<Avx2Ops>(w, rows, cols, x, y);
}

template <typename W>
TD_AVX512 TD_FLATTEN float dot_avx512(const W* w, const float* x, int64_t n) {
  return dot_simd<Avx512Ops>(w, x, n);
}

template <typename W>
TD_AVX512 TD_FLATTEN void rows_avx512(const W* w, int64_t rows, int64_t cols, const float* x,
                                      float* y) {
  rows4_simd<Avx512Ops>(w, rows, cols, x, y);
}

// The sum of eight 8-wide accumulators (the row-stream kernels').
TD_AVX2 inline float horizontal_sum8(const __m256* acc) {
  const __m256 low = _mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3]));
  const __m256 high = _mm256_add_ps(_mm256_add_ps(acc[4], acc[5]), _mm256_add_ps(acc[6], acc[7]));
  return Avx2Ops::sum(_mm256_add_ps(low, high));
}

// f32 rows one after another, so each thread reads its rows as ONE sequential stream, with
// 256-bit loads and multiply-adds (eight accumulators, 64 floats per iteration). On this VM's
// EPYC (AVX-512) that pattern reaches the read bandwidth where four interleaved rows of 512-bit
// loads do not: the AVX-512 variants use it for f32 (bench/RESULTS.md, "f32 decode": llama-110m
// decode 103-111 -> 112-128 tok/s, tinyllama f32 9.1-11.9 -> 14.1-14.5). The AVX2 variant keeps its
// four-row kernel (not measured on an AVX2-only machine).
TD_AVX2 TD_FLATTEN void rows_f32_row_stream(const float* w, int64_t rows, int64_t cols,
                                            const float* x, float* y) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* row = w + r * cols;
    __m256 acc[8];
    for (auto& a : acc) a = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 64 <= cols; i += 64) {
#pragma GCC unroll 8
      for (int k = 0; k < 8; ++k)
        acc[k] = _mm256_fmadd_ps(_mm256_loadu_ps(row + i + 8 * k), _mm256_loadu_ps(x + i + 8 * k),
                                 acc[k]);
    }
    y[r] = horizontal_sum8(acc) + dot_simd<Avx2Ops>(row + i, x + i, cols - i);
  }
}

// ---- AVX-512 BF16: vdpbf16ps multiplies bf16 pairs and sums them in float32 ----
// x is rounded to bf16 once per call (as llama.cpp does for bf16 weights, and as a bf16 model's
// own activations are); one instruction then covers 32 weights instead of widen + multiply-add
// over 16, which is what kept the plain AVX-512 kernel from streaming bf16 at full bandwidth.
#define TD_AVX512BF16 __attribute__((target("avx512f,avx512bf16,avx512bw,avx512vl,avx2,fma")))

// x rounded to bf16 (nearest even), the full multiples of 32 with the vector conversion.
TD_AVX512BF16 void round_x_to_bf16(const float* x, int64_t cols, std::vector<Bf16Bits>& out) {
  out.resize(static_cast<size_t>(cols));
  int64_t i = 0;
  for (; i + 32 <= cols; i += 32)
    _mm512_storeu_si512(out.data() + i, (__m512i)_mm512_cvtne2ps_pbh(_mm512_loadu_ps(x + i + 16),
                                                                     _mm512_loadu_ps(x + i)));
  for (; i < cols; ++i) out[i] = round_to_bf16(x[i]);
}

TD_AVX512BF16 inline __m512bh load32(const Bf16Bits* p) { return (__m512bh)_mm512_loadu_si512(p); }

TD_AVX512BF16 float dot_rounded_x(const Bf16Bits* w, const Bf16Bits* xb, int64_t n) {
  __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
  int64_t i = 0;
  for (; i + 64 <= n; i += 64) {
    a0 = _mm512_dpbf16_ps(a0, load32(w + i), load32(xb + i));
    a1 = _mm512_dpbf16_ps(a1, load32(w + i + 32), load32(xb + i + 32));
  }
  if (i + 32 <= n) {
    a0 = _mm512_dpbf16_ps(a0, load32(w + i), load32(xb + i));
    i += 32;
  }
  float sum = _mm512_reduce_add_ps(_mm512_add_ps(a0, a1));
  for (; i < n; ++i) sum += widen(w[i]) * widen(xb[i]);
  return sum;
}

TD_AVX512BF16 inline __m256bh load16bh(const Bf16Bits* p) {
  return (__m256bh)_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
}

// One row after another, so each thread reads its rows as ONE sequential stream, with 256-bit
// loads and multiply-adds (eight accumulators, 128 columns per iteration). On this VM's EPYC that
// access pattern is what reaches the read bandwidth: a pure read of the same bytes ran at the
// probe's rate as one 256-bit stream in 8 of 10 runs, at 74-108% as four interleaved 512-bit row
// streams (the former kernel's pattern) and 65-81% as one 512-bit stream (bench/RESULTS.md,
// "bf16 decode"). tinyllama bf16 decode went from 18 to 22-26 tok/s.
TD_AVX512BF16 void rows_avx512bf16(const Bf16Bits* w, int64_t rows, int64_t cols, const float* x,
                                   float* y) {
  thread_local std::vector<Bf16Bits> rounded;
  round_x_to_bf16(x, cols, rounded);
  const Bf16Bits* xb = rounded.data();
  for (int64_t r = 0; r < rows; ++r) {
    const Bf16Bits* row = w + r * cols;
    __m256 acc[8];
    for (auto& a : acc) a = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 128 <= cols; i += 128) {
#pragma GCC unroll 8
      for (int k = 0; k < 8; ++k)
        acc[k] = _mm256_dpbf16_ps(acc[k], load16bh(row + i + 16 * k), load16bh(xb + i + 16 * k));
    }
    y[r] = horizontal_sum8(acc) + dot_rounded_x(row + i, xb + i, cols - i);
  }
}

#endif  // __x86_64__

const MatvecKernels kGeneric = {"generic",          rows_generic<float>,   rows_generic<Bf16Bits>,
                                dot_generic<float>, dot_generic<Bf16Bits>, false};

}  // namespace

std::vector<MatvecKernels> matvec_kernels_runnable() {
  std::vector<MatvecKernels> runnable;
#if defined(__x86_64__)
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  const bool avx512 = avx2 && __builtin_cpu_supports("avx512f");
  if (avx512 && __builtin_cpu_supports("avx512bf16") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl"))
    runnable.push_back({"avx512bf16", rows_f32_row_stream, rows_avx512bf16, dot_avx512<float>,
                        dot_avx512<Bf16Bits>, true});
  if (avx512)
    runnable.push_back({"avx512", rows_f32_row_stream, rows_avx512<Bf16Bits>, dot_avx512<float>,
                        dot_avx512<Bf16Bits>, false});
  if (avx2)
    runnable.push_back({"avx2+fma", rows_avx2<float>, rows_avx2<Bf16Bits>, dot_avx2<float>,
                        dot_avx2<Bf16Bits>, false});
#endif
  runnable.push_back(kGeneric);
  return runnable;
}

MatvecKernels matvec_kernels_named(const char* name) {
  const std::vector<MatvecKernels> runnable = matvec_kernels_runnable();
  if (!name || !*name) return runnable.front();
  std::string names;
  for (const MatvecKernels& k : runnable) {
    if (std::string(k.name) == name) return k;
    names += (names.empty() ? "" : ", ") + std::string(k.name);
  }
  throw std::runtime_error(std::string("TUNEDECK_CPU_KERNELS=") + name +
                           ": not a kernel variant this CPU runs (it runs: " + names + ")");
}

namespace {

// Every variant this CPU runs, made once; matvec_kernels_configure points at one of them.
const std::vector<MatvecKernels>& runnable_variants() {
  static const std::vector<MatvecKernels> runnable = matvec_kernels_runnable();
  return runnable;
}

std::atomic<const MatvecKernels*> configured{nullptr};

}  // namespace

const MatvecKernels& matvec_kernels() {
  const MatvecKernels* chosen = configured.load(std::memory_order_acquire);
  return chosen ? *chosen : runnable_variants().front();
}

void matvec_kernels_configure(const char* name) {
  const std::string wanted = matvec_kernels_named(name).name;  // throws on a name not runnable here
  for (const MatvecKernels& k : runnable_variants())
    if (wanted == k.name) configured.store(&k, std::memory_order_release);
}

}  // namespace tunedeck
