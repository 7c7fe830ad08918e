// Every matrix-vector kernel variant this CPU can run (AVX-512, AVX2+FMA, portable) against a
// double-precision reference, over row counts that leave each remainder of the four-row blocks
// and column counts that leave each remainder of the vector loops.
#include "core/kernels/matvec_kernels.h"

#include <c10/util/BFloat16.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace tunedeck {
namespace {

Bf16Bits to_bf16_bits(float value) {  // truncation is fine: the reference reads the same bits
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return static_cast<Bf16Bits>(bits >> 16);
}

struct Case {
  std::vector<float> w, x;
  std::vector<Bf16Bits> w_bf16;
};

Case random_case(int64_t rows, int64_t cols, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  Case c;
  for (int64_t i = 0; i < rows * cols; ++i) {
    c.w_bf16.push_back(to_bf16_bits(normal(rng)));
    c.w.push_back(normal(rng));
  }
  for (int64_t i = 0; i < cols; ++i) c.x.push_back(normal(rng));
  return c;
}

// sum and sum of |terms| (the scale of float32 rounding error) of one row
template <typename W>
std::pair<double, double> reference_dot(const W* w, const float* x, int64_t n) {
  double sum = 0, magnitude = 0;
  for (int64_t i = 0; i < n; ++i) {
    const double term = static_cast<double>(widen(w[i])) * x[i];
    sum += term;
    magnitude += std::fabs(term);
  }
  return {sum, magnitude};
}

template <typename W>
void expect_rows_match(const char* kernel, const char* what, const W* w, int64_t rows, int64_t cols,
                       const float* x, const std::vector<float>& y) {
  for (int64_t r = 0; r < rows; ++r) {
    const auto [sum, magnitude] = reference_dot(w + r * cols, x, cols);
    EXPECT_NEAR(y[r], sum, 1e-5 * magnitude + 1e-30)
        << kernel << " " << what << " row " << r << " of " << rows << " x " << cols;
  }
}

TEST(MatvecKernels, EveryVariantMatchesTheReferenceOnEveryRemainder) {
  const std::vector<MatvecKernels> kernels = matvec_kernels_runnable();
  ASSERT_FALSE(kernels.empty());
  EXPECT_STREQ(kernels.back().name, "generic");
  const std::vector<int64_t> row_counts = {1, 2, 3, 4, 5, 7, 8, 9, 13};
  const std::vector<int64_t> col_counts = {1,  7,  8,  9,   15,  16,  17,  31,  32, 33,
                                           63, 64, 65, 100, 127, 128, 129, 257, 773};
  for (const MatvecKernels& k : kernels) {
    unsigned seed = 1;
    for (int64_t rows : row_counts) {
      for (int64_t cols : col_counts) {
        const Case c = random_case(rows, cols, seed++);
        std::vector<float> y(rows + 1, -7.0f);  // one past the end must stay untouched
        k.rows_f32(c.w.data(), rows, cols, c.x.data(), y.data());
        expect_rows_match(k.name, "f32", c.w.data(), rows, cols, c.x.data(), y);
        EXPECT_EQ(y[rows], -7.0f) << k.name << " wrote past the block";
        k.rows_bf16(c.w_bf16.data(), rows, cols, c.x.data(), y.data());
        // a kernel that multiplies bf16 by bf16 must equal the sum over x rounded (by libtorch)
        std::vector<float> x_seen = c.x;
        if (k.rows_bf16_rounds_x)
          for (float& v : x_seen) v = static_cast<float>(c10::BFloat16(v));
        expect_rows_match(k.name, "bf16", c.w_bf16.data(), rows, cols, x_seen.data(), y);
        EXPECT_EQ(y[rows], -7.0f) << k.name << " wrote past the block";
        const auto [f32_sum, f32_scale] = reference_dot(c.w.data(), c.x.data(), cols);
        EXPECT_NEAR(k.dot_f32(c.w.data(), c.x.data(), cols), f32_sum, 1e-5 * f32_scale)
            << k.name << " dot f32 n=" << cols;
        const auto [bf16_sum, bf16_scale] = reference_dot(c.w_bf16.data(), c.x.data(), cols);
        EXPECT_NEAR(k.dot_bf16(c.w_bf16.data(), c.x.data(), cols), bf16_sum, 1e-5 * bf16_scale)
            << k.name << " dot bf16 n=" << cols;
      }
    }
  }
}

TEST(MatvecKernels, ChosenVariantIsTheFastestRunnable) {
  EXPECT_STREQ(matvec_kernels().name, matvec_kernels_runnable().front().name);
#if defined(__x86_64__)
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") &&
                      __builtin_cpu_supports("fma");
  const bool bf16_dot = __builtin_cpu_supports("avx512bf16") &&
                        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
  if (avx512) {
    EXPECT_STREQ(matvec_kernels().name, bf16_dot ? "avx512bf16" : "avx512");
  }
#endif
}

TEST(MatvecKernels, RoundToBf16MatchesLibtorch) {
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> values = {0.0f,
                               -0.0f,
                               1.0f,
                               -1.0f,
                               3.14159f,
                               1e-20f,
                               -6.5e37f,
                               inf,
                               -inf,
                               std::numeric_limits<float>::max(),
                               1.00390625f /* a tie */,
                               1.01171875f /* a tie, odd below */};
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0.0f, 10.0f);
  for (int i = 0; i < 1000; ++i) values.push_back(normal(rng));
  for (float v : values) EXPECT_EQ(round_to_bf16(v), c10::BFloat16(v).x) << v;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_TRUE(std::isnan(widen(round_to_bf16(nan))));
}

TEST(MatvecKernels, ChosenByNameForBenchmarks) {
  const std::vector<MatvecKernels> runnable = matvec_kernels_runnable();
  EXPECT_STREQ(matvec_kernels_named(nullptr).name, runnable.front().name);
  EXPECT_STREQ(matvec_kernels_named("").name, runnable.front().name);
  EXPECT_STREQ(matvec_kernels_named("generic").name, "generic");
  try {
    matvec_kernels_named("sse9");
    FAIL() << "an unknown variant was accepted";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("TUNEDECK_CPU_KERNELS=sse9"), std::string::npos) << message;
    EXPECT_NE(message.find("generic"), std::string::npos) << message;
  }
}

TEST(MatvecKernels, ConfiguredByNameForTheWholeProcess) {
  matvec_kernels_configure("generic");
  EXPECT_STREQ(matvec_kernels().name, "generic");
  EXPECT_THROW(matvec_kernels_configure("sse9"), std::runtime_error);
  EXPECT_STREQ(matvec_kernels().name, "generic");  // unchanged by the bad name
  matvec_kernels_configure(nullptr);
  EXPECT_STREQ(matvec_kernels().name, matvec_kernels_runnable().front().name);
}

TEST(MatvecKernels, ZeroRowsWritesNothing) {
  for (const MatvecKernels& k : matvec_kernels_runnable()) {
    float w = 1.0f, x = 1.0f, y = -7.0f;
    k.rows_f32(&w, 0, 1, &x, &y);
    EXPECT_EQ(y, -7.0f) << k.name;
  }
}

}  // namespace
}  // namespace tunedeck
