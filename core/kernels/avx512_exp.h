// e^x on 16 float32 lanes with AVX-512F, for the CPU kernels that need it in a vector loop
// (SwiGLU's silu, attention's softmax). Include only where the caller is compiled for AVX-512F
// (a function with __attribute__((target("avx512f")))). Not a general math library.
#pragma once
#if defined(__x86_64__)
#include <immintrin.h>

namespace tunedeck {

// e^x for float32 lanes: 2^n e^r with |r| <= ln2 / 2, a degree-6 polynomial for e^r (relative
// error ~2e-7); x is clamped to [-87.3, 88.7] (no inf / denormal results).
__attribute__((target("avx512f,avx2,fma"))) inline __m512 exp_lanes(__m512 x) {
  x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-87.3f)), _mm512_set1_ps(88.7f));
  const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504f)),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.0f / 720);
  for (float c : {1.0f / 120, 1.0f / 24, 1.0f / 6, 0.5f, 1.0f, 1.0f})
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(c));
  return _mm512_scalef_ps(p, n);
}

}  // namespace tunedeck

#endif
