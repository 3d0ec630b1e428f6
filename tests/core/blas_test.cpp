// OpenBLAS kernel selection (core/blas.h) and the `siamese` program's use of it.
#include <gtest/gtest.h>

#include <cstdlib>

#include "../cli/cli_helpers.h"
#include "siamese/core/blas.h"

namespace siamese {
namespace {

bool cpu_has_avx2() {
#if defined(__x86_64__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

TEST(Blas, UserChoiceIsNeverOverridden) {
  const char* old = std::getenv("OPENBLAS_CORETYPE");
  std::string saved = old ? old : "";
  setenv("OPENBLAS_CORETYPE", "Prescott", 1);
  EXPECT_EQ(blas_core_override(), "");
  if (old)
    setenv("OPENBLAS_CORETYPE", saved.c_str(), 1);
  else
    unsetenv("OPENBLAS_CORETYPE");
}

TEST(Blas, ProgramRunsWithAVectorKernelOnAnAvx2Cpu) {
  // `./run` selects OpenBLAS through update-alternatives; the program must not run OpenBLAS's pre-AVX
  // fallback on a CPU that has AVX2 (the kernel it runs with is printed by --version).
  testing::CommandResult r = testing::run_siamese("--version");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  if (blas_core_name().empty()) GTEST_SKIP() << "BLAS is not OpenBLAS: " << r.output;
  EXPECT_NE(r.output.find("OpenBLAS"), std::string::npos) << r.output;
  if (cpu_has_avx2()) {
    for (const char* generic : {"Prescott", "Core2", "Nehalem", "Penryn"})
      EXPECT_EQ(r.output.find(generic), std::string::npos) << r.output;
  }
  // An explicit choice is honoured, even a slow one.
  setenv("OPENBLAS_CORETYPE", "Prescott", 1);
  testing::CommandResult forced = testing::run_siamese("--version");
  unsetenv("OPENBLAS_CORETYPE");
  EXPECT_NE(forced.output.find("Prescott"), std::string::npos) << forced.output;
}

}  // namespace
}  // namespace siamese
