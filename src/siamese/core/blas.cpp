#include "siamese/core/blas.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <set>

namespace siamese {

std::string blas_core_name() {
  using CoreName = char* (*)();
  auto fn = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  if (!fn) return "";
  const char* name = fn();
  return name ? name : "";
}

std::string blas_core_override() {
  if (std::getenv("OPENBLAS_CORETYPE")) return "";  // the user's choice stands
  // OpenBLAS's generic fallbacks for an unrecognised x86-64 CPU (pre-AVX kernels).
  static const std::set<std::string> generic = {"Prescott", "Core2", "Penryn", "Dunnington", "Nehalem",
                                                "Atom",     "Katmai", "Coppermine", "Northwood", "Banias"};
  std::string core = blas_core_name();
  if (!generic.count(core)) return "";
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
    return "SkylakeX";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
#endif
  return "";
}

void select_blas_kernel(char** argv) {
  if (std::getenv("SIAMESE_BLAS_REEXEC")) return;
  const std::string core = blas_core_override();
  if (core.empty()) return;
  setenv("OPENBLAS_CORETYPE", core.c_str(), 1);
  setenv("SIAMESE_BLAS_REEXEC", "1", 1);
  execv("/proc/self/exe", argv);
  // exec failed (no /proc, say): carry on with the kernel we have.
  unsetenv("OPENBLAS_CORETYPE");
}

}  // namespace siamese
