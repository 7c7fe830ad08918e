// The inner loops of batch-1 decoding: a block of rows of a row-major weight matrix (f32, or the
// bits of bf16) times a float32 vector, and single dot products. Variants for AVX-512 BF16,
// AVX-512, AVX2+FMA and plain C++ are compiled in; the best one this CPU runs is the default. Not
// for batched products (libtorch's GEMM is the right tool there) and not thread-aware: callers
// split rows among threads (core/kernels/cpu_decode).
#pragma once
#include <cstdint>
#include <cstring>
#include <vector>

namespace tunedeck {

using Bf16Bits = uint16_t;  // the top 16 bits of a float32

inline float widen(float value) { return value; }

// float32 -> bf16 bits, rounded to nearest even (NaN stays a quiet NaN).
inline Bf16Bits round_to_bf16(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  if ((bits & 0x7fffffffu) > 0x7f800000u) return static_cast<Bf16Bits>((bits >> 16) | 0x40);
  bits += 0x7fffu + ((bits >> 16) & 1u);
  return static_cast<Bf16Bits>(bits >> 16);
}

// A bf16 is the top half of a float32: widening is a 16-bit shift.
inline float widen(Bf16Bits bits) {
  const uint32_t wide = static_cast<uint32_t>(bits) << 16;
  float value;
  std::memcpy(&value, &wide, sizeof value);
  return value;
}

// A float32 stored in a float32 or bf16 slot (bf16: rounded to nearest even).
inline void store_as(float* slot, float value) { *slot = value; }
inline void store_as(Bf16Bits* slot, float value) { *slot = round_to_bf16(value); }

struct MatvecKernels {
  const char* name;  // "avx512bf16", "avx512", "avx2+fma" or "generic"
  // y[0, rows) = W[rows, cols] x[cols], W row-major starting at `w`; bf16 widened to float32 in
  // registers, sums in float32.
  void (*rows_f32)(const float* w, int64_t rows, int64_t cols, const float* x, float* y);
  void (*rows_bf16)(const Bf16Bits* w, int64_t rows, int64_t cols, const float* x, float* y);
  // sum_i w[i] * x[i] over [0, n)
  float (*dot_f32)(const float* w, const float* x, int64_t n);
  float (*dot_bf16)(const Bf16Bits* w, const float* x, int64_t n);
  // true when rows_bf16 first rounds x to bf16 (nearest even) and multiplies bf16 by bf16 with
  // float32 sums (AVX-512 BF16's vdpbf16ps); otherwise x is used as float32.
  bool rows_bf16_rounds_x;
};

// The variant decode uses: the fastest this CPU supports (cpuid), or the one
// matvec_kernels_configure named.
const MatvecKernels& matvec_kernels();

// Makes the variant called `name` the one decode uses, for the whole process; null or empty: the
// fastest. runtime_init() calls it once with TUNEDECK_CPU_KERNELS (e.g. "avx512", to compare
// variants on whole models in benchmarks). Throws as matvec_kernels_named does, the choice
// unchanged.
void matvec_kernels_configure(const char* name);

// The runnable variant called `name`; the fastest when `name` is null or empty. Throws naming
// the variants this CPU runs when there is none of that name.
MatvecKernels matvec_kernels_named(const char* name);

// Every variant this CPU can run, fastest first, the portable one last: for tests that compare
// them and for benchmarks.
std::vector<MatvecKernels> matvec_kernels_runnable();

}  // namespace tunedeck
