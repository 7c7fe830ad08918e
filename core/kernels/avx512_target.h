// What a .cpp with AVX-512F kernels includes first: the intrinsics, TD_AVX512 (the target
// attribute its kernel functions carry, so the rest of the file builds for any x86-64), and the
// warnings GCC 12's AVX-512 headers raise once inlined (-W(maybe-)uninitialized, GCC bug 105593,
// fixed in GCC 13; nothing is uninitialised) switched off for that file. Not for headers.
#pragma once
#if defined(__x86_64__)
#include <immintrin.h>
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#define TD_AVX512 __attribute__((target("avx512f,avx2,fma")))
#endif
