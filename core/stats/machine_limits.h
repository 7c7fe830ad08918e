// The machine's limits that inference speed is judged against, measured in this process: memory
// read bandwidth (every thread streaming its share of a buffer far larger than the caches) and
// libtorch's dense matmul GFLOP/s per dtype; plus what the CPU is called. Not for timing a model
// (cli/cmd_bench) nor for the model arithmetic (core/stats/roofline). A probe keeps all the threads
// it is given busy while it runs: call from one thread, with no other torch work in flight.
#pragma once
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace tunedeck {

// Best of `passes` timed reads of a `buffer_bytes` buffer split across `threads` threads, in
// bytes/s. The buffer is allocated and written (faulted in) first, untimed, and freed on return.
// REQUIRES: buffer_bytes >= 1 MiB, threads >= 1, passes >= 1.
double machine_limits_read_bandwidth(size_t buffer_bytes, int threads, int passes);

// Best bytes/s of a libtorch reduction (sum) over a `buffer_bytes` float32 tensor on a CUDA
// `device`, each pass waited for (synchronize). What decode is judged against on a GPU.
// REQUIRES: a CUDA device this build and machine can use; buffer_bytes >= 1 MiB, passes >= 1.
double machine_limits_device_read_bandwidth(const c10::Device& device, size_t buffer_bytes,
                                            int passes);

// Best at::matmul GFLOP/s (2*n^3 FLOPs) on two n x n matrices of `dtype` on `device`, using
// libtorch's current thread count (runtime_init) on the CPU. One untimed warm-up, then up to
// `passes` timed products (each waited for on a GPU), stopping early once `budget_s` seconds
// were spent (a dtype without fast kernels can take seconds per product).
// REQUIRES: n >= 1, passes >= 1.
double machine_limits_matmul_gflops(c10::ScalarType dtype, int64_t n, int passes,
                                    double budget_s = 3.0,
                                    const c10::Device& device = c10::Device(c10::kCPU));

// The "model name" of /proc/cpuinfo ("AMD EPYC 7B13"); "unknown CPU" when there is none.
std::string machine_limits_cpu_name();
// The BLAS under libtorch's CPU matmuls when it is OpenBLAS, and which kernels it picked:
// "OpenBLAS 0.3.21, Cooperlake kernels". When OPENBLAS_CORETYPE chose them it says so, and when
// they leave out AVX-512 on a CPU that has it, that they run f32 matmul at about half speed
// (seen here: a sandbox's OPENBLAS_CORETYPE=Haswell on an AVX-512 EPYC). "" for other BLAS.
std::string machine_limits_blas();
// The pure part of machine_limits_blas(), for tests: `config` is openblas_get_config()'s text,
// `core` openblas_get_corename()'s, `forced` OPENBLAS_CORETYPE ("" when unset).
std::string machine_limits_blas_text(const std::string& config, const std::string& core,
                                     const std::string& forced, bool cpu_has_avx512);
// The last-level data cache in bytes (sysconf); 0 when the system does not say.
size_t machine_limits_last_level_cache_bytes();

}  // namespace tunedeck
