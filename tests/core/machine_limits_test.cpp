// What the benches say about the BLAS under libtorch: OpenBLAS's version and kernels, who chose
// them, and the warning when the kernels leave out the CPU's AVX-512.
#include "core/stats/machine_limits.h"

#include <gtest/gtest.h>

namespace tunedeck {
namespace {

const char* const kConfig =
    "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY USE_OPENMP Haswell MAX_THREADS=64";

TEST(MachineLimitsBlas, NamesVersionAndKernels) {
  EXPECT_EQ(machine_limits_blas_text(kConfig, "Cooperlake", "", true),
            "OpenBLAS 0.3.21, Cooperlake kernels");
  EXPECT_EQ(machine_limits_blas_text(kConfig, "Haswell", "", false),
            "OpenBLAS 0.3.21, Haswell kernels");
}

TEST(MachineLimitsBlas, WarnsWhenAForcedCoreLeavesOutAvx512) {
  const std::string text = machine_limits_blas_text(kConfig, "Haswell", "Haswell", true);
  EXPECT_EQ(text.find("OpenBLAS 0.3.21, Haswell kernels (OPENBLAS_CORETYPE=Haswell)"), 0u) << text;
  EXPECT_NE(text.find("about half speed"), std::string::npos) << text;
  EXPECT_NE(text.find("unset OPENBLAS_CORETYPE"), std::string::npos) << text;
}

TEST(MachineLimitsBlas, SuggestsAvx512KernelsWhenDetectionMissedThem) {
  const std::string text = machine_limits_blas_text(kConfig, "Zen", "", true);
  EXPECT_NE(text.find("set OPENBLAS_CORETYPE=SkylakeX"), std::string::npos) << text;
}

TEST(MachineLimitsBlas, NoWarningForAvx512KernelsEvenWhenForced) {
  EXPECT_EQ(machine_limits_blas_text(kConfig, "SkylakeX", "SkylakeX", true),
            "OpenBLAS 0.3.21, SkylakeX kernels (OPENBLAS_CORETYPE=SkylakeX)");
}

TEST(MachineLimitsBlas, LiveTextIsOpenBlasOrNothing) {
  // libtorch builds on MKL (the CUDA wheels) have no openblas_get_config: nothing to say then
  const std::string text = machine_limits_blas();
  if (!text.empty()) {
    EXPECT_EQ(text.rfind("OpenBLAS ", 0), 0u) << text;
    EXPECT_NE(text.find(" kernels"), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace tunedeck
