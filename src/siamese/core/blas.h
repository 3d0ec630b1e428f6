// OpenBLAS kernel selection. Debian 12's OpenBLAS 0.3.21 (what libtorch's matrix products call through
// libblas.so.3) does not recognise newer Xeons (seen: Sapphire Rapids under a hypervisor) and falls back to its
// 2004 "Prescott" SSE3 kernels: the LeNet ip layers then take ~4x longer (bench/caffe_net_bench, perf).
// OpenBLAS picks its kernel once, when the library loads, from OPENBLAS_CORETYPE; so a program that wants the
// right kernel sets the variable and re-executes itself before doing any work. The price is loading the
// libraries twice: ~0.45 s more per start on this machine (`siamese --version`: 0.95 s vs 0.49 s with
// OPENBLAS_CORETYPE already set), paid only where OpenBLAS fell back; export the variable to avoid it.
#pragma once

#include <string>

namespace siamese {

// The kernel OpenBLAS runs with in this process ("" when the BLAS is not OpenBLAS).
std::string blas_core_name();

// The OPENBLAS_CORETYPE this CPU should use when OpenBLAS fell back to a generic pre-AVX kernel although the
// CPU has AVX2 ("Haswell") or AVX-512 ("SkylakeX"); "" when nothing needs fixing or the user set
// OPENBLAS_CORETYPE already.
std::string blas_core_override();

// Call first thing in main(): when blas_core_override() names a kernel, sets OPENBLAS_CORETYPE and re-executes
// /proc/self/exe with the same arguments (once; SIAMESE_BLAS_REEXEC guards against loops). Returns normally when
// there is nothing to do or the re-exec fails (the program then just runs with the slow kernel).
void select_blas_kernel(char** argv);

}  // namespace siamese
