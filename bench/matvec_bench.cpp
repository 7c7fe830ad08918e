// tunedeck_matvec_bench: the decode step's matrix-vector kernels alone, as a share of this
// machine's memory read bandwidth measured in the same run. A matrix far larger than the caches
// (default 2 GiB) is streamed once per pass with its rows split among threads exactly as
// core/kernels/cpu_decode splits them; every runnable variant (AVX-512, AVX2+FMA, portable) is
// timed. This is where a decode speed problem is found or ruled out without a model around it.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "cli/cli_args.h"
#include "core/kernels/matvec_kernels.h"
#include "core/runtime.h"
#include "core/stats/machine_limits.h"

namespace tunedeck {
namespace {

struct Settings {
  int64_t mib = 2048;
  int64_t cols = 2048;
  std::string dtype = "f32";
  int threads = 0;
  int passes = 5;
  int64_t min_rows_per_task = 16;
};

Settings parse(CliArgs& args) {
  Settings s;
  s.mib = args.int64_or("mib", s.mib);
  s.cols = args.int64_or("cols", s.cols);
  s.dtype = args.value_or("dtype", s.dtype);
  s.threads = args.int_or("threads", s.threads);
  s.passes = args.int_or("passes", s.passes);
  s.min_rows_per_task = args.int64_or("min-rows-per-task", s.min_rows_per_task);
  args.finish();
  if (s.dtype != "f32" && s.dtype != "bf16") throw UsageError("--dtype must be f32 or bf16");
  if (s.mib < 16 || s.cols < 1 || s.passes < 1 || s.min_rows_per_task < 1)
    throw UsageError("--mib >= 16, --cols, --passes and --min-rows-per-task >= 1");
  return s;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// Best GB/s over `passes` full passes of y = W x with this variant.
template <typename W>
double time_variant(const MatvecKernels& k, const W* w, int64_t rows, int64_t cols,
                    const std::vector<float>& x, std::vector<float>& y, const Settings& s) {
  auto kernel = [&](const W* block, int64_t n, float* out) {
    if constexpr (std::is_same_v<W, float>)
      k.rows_f32(block, n, cols, x.data(), out);
    else
      k.rows_bf16(block, n, cols, x.data(), out);
  };
  double best = 0;
  for (int pass = 0; pass < s.passes + 1; ++pass) {  // pass 0 warms up
    const auto start = std::chrono::steady_clock::now();
    at::parallel_for(0, rows, s.min_rows_per_task, [&](int64_t begin, int64_t end) {
      kernel(w + begin * cols, end - begin, y.data() + begin);
    });
    const double gb_s = static_cast<double>(rows * cols * sizeof(W)) / seconds_since(start) / 1e9;
    if (pass > 0) best = std::max(best, gb_s);
  }
  return best;
}

template <typename W>
void run_all(const Settings& s) {
  const int64_t rows = (s.mib << 20) / static_cast<int64_t>(sizeof(W)) / s.cols;
  const size_t count = static_cast<size_t>(rows * s.cols);
  std::unique_ptr<W[]> storage(new W[count]);  // default-initialised: no page is touched yet
  W* data = storage.get();
  // Each thread writes the rows it will read (first touch), as the read probe does. (Writing
  // all rows from one thread measured the same here: 2 cores, no NUMA.)
  auto fill = [&](int64_t begin, int64_t end) {
    std::mt19937 rng(static_cast<unsigned>(begin));
    for (int64_t i = begin * s.cols; i < end * s.cols; ++i)
      data[i] = static_cast<W>(rng() & 0x3f7f);  // finite values either way
  };
  at::parallel_for(0, rows, s.min_rows_per_task, fill);
  std::vector<float> x(s.cols, 0.5f), y(rows);
  std::printf("matrix          %lld x %lld %s, %.0f MiB, %d threads, best of %d passes\n",
              static_cast<long long>(rows), static_cast<long long>(s.cols), s.dtype.c_str(),
              static_cast<double>(count * sizeof(W)) / (1 << 20), at::get_num_threads(), s.passes);
  const double bandwidth = machine_limits_read_bandwidth(static_cast<size_t>(s.mib) << 20,
                                                         at::get_num_threads(), s.passes) /
                           1e9;
  std::printf("memory read     %.1f GB/s (same buffer size, same threads)\n", bandwidth);
  for (const MatvecKernels& k : matvec_kernels_runnable()) {
    const double gb_s = time_variant(k, data, rows, s.cols, x, y, s);
    std::printf("%-15s %.1f GB/s = %.1f%% of the read bandwidth\n", k.name, gb_s,
                100.0 * gb_s / bandwidth);
  }
}

int run(CliArgs& args) {
  if (args.help_requested()) {
    std::cout << "usage: tunedeck_matvec_bench [--mib 2048] [--cols 2048] [--dtype f32|bf16]\n"
                 "  [--threads N (0 = all cores)] [--passes 5] [--min-rows-per-task 16]\n"
                 "Streams a --mib MiB matrix through each matrix-vector kernel variant and\n"
                 "prints GB/s next to the memory read bandwidth measured in the same run.\n";
    return 0;
  }
  const Settings s = parse(args);
  runtime_init(s.threads);
  if (s.dtype == "f32")
    run_all<float>(s);
  else
    run_all<Bf16Bits>(s);
  return 0;
}

}  // namespace
}  // namespace tunedeck

int main(int argc, char** argv) {
  return tunedeck::cli_main("tunedeck_matvec_bench", argc, argv, tunedeck::run);
}
