#include "core/stats/machine_limits.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <dlfcn.h>
#include <torch/cuda.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

namespace tunedeck {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Waits for the work queued on a GPU; CPU ops have finished when they return.
void wait_for(const c10::Device& device) {
  if (device.is_cuda()) torch::cuda::synchronize(device.index());
}

// 32 bytes: one AVX2 load where the CPU has it (target_clones below), two SSE2 loads otherwise.
typedef uint64_t Lanes __attribute__((vector_size(32)));

// Sums `count` vectors with four independent accumulators so the loads, not the adds, set the
// pace. Returns one word so the compiler cannot drop the reads.
__attribute__((target_clones("avx2", "default"))) uint64_t sum_lanes(const Lanes* data,
                                                                     size_t count) {
  Lanes a = {0, 0, 0, 0}, b = a, c = a, d = a;
  size_t i = 0;
  for (; i + 4 <= count; i += 4) {
    a += data[i];
    b += data[i + 1];
    c += data[i + 2];
    d += data[i + 3];
  }
  for (; i < count; ++i) a += data[i];
  const Lanes s = a + b + c + d;
  return s[0] ^ s[1] ^ s[2] ^ s[3];
}

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

}  // namespace

double machine_limits_read_bandwidth(size_t buffer_bytes, int threads, int passes) {
  if (buffer_bytes < (1u << 20) || threads < 1 || passes < 1)
    throw std::invalid_argument(
        "machine_limits_read_bandwidth: buffer >= 1 MiB, threads and "
        "passes >= 1");
  const size_t count = buffer_bytes / sizeof(Lanes);
  std::unique_ptr<Lanes, FreeDeleter> buffer(
      static_cast<Lanes*>(std::aligned_alloc(64, count * sizeof(Lanes))));
  if (!buffer)
    throw std::runtime_error("cannot allocate " + std::to_string(buffer_bytes >> 20) +
                             " MiB for the bandwidth probe (use --bandwidth-mib)");
  // Thread t owns vectors [t*count/threads, (t+1)*count/threads): it writes them first (so on a
  // NUMA machine they sit near it), then reads them on every pass. This thread is thread 0, so
  // nothing else competes for a core while a pass is timed.
  auto chunk = [&](int t) {
    const size_t begin = count * t / threads, end = count * (t + 1) / threads;
    return std::make_pair(buffer.get() + begin, end - begin);
  };
  auto fill = [&](int t) {
    auto [data, n] = chunk(t);
    for (size_t i = 0; i < n; ++i) data[i] = Lanes{i, i + 1, i + 2, i + 3};
  };
  std::atomic<int> pass{-1};     // the pass helpers should read; `passes` tells them to exit
  std::atomic<int> finished{0};  // helpers done with the current step (fill or pass)
  std::atomic<uint64_t> sink{0};
  auto helper = [&](int t) {
    fill(t);
    finished.fetch_add(1);
    for (int done = -1;;) {
      int now;
      while ((now = pass.load(std::memory_order_acquire)) == done) std::this_thread::yield();
      if (now >= passes) return;
      sink.fetch_xor(sum_lanes(chunk(t).first, chunk(t).second));
      finished.fetch_add(1, std::memory_order_release);
      done = now;
    }
  };
  std::vector<std::thread> helpers;
  for (int t = 1; t < threads; ++t) helpers.emplace_back(helper, t);
  fill(0);
  while (finished.load() < threads - 1) std::this_thread::yield();

  double best = 0;
  for (int k = 0; k < passes; ++k) {
    finished.store(0);
    const auto start = Clock::now();
    pass.store(k, std::memory_order_release);
    sink.fetch_xor(sum_lanes(chunk(0).first, chunk(0).second));
    while (finished.load(std::memory_order_acquire) < threads - 1) std::this_thread::yield();
    const double s = seconds_since(start);
    if (s > 0) best = std::max(best, static_cast<double>(count * sizeof(Lanes)) / s);
  }
  pass.store(passes, std::memory_order_release);
  for (auto& thread : helpers) thread.join();
  return best;
}

double machine_limits_device_read_bandwidth(const c10::Device& device, size_t buffer_bytes,
                                            int passes) {
  if (!device.is_cuda() || buffer_bytes < (1u << 20) || passes < 1)
    throw std::invalid_argument(
        "machine_limits_device_read_bandwidth: a CUDA device, buffer >= "
        "1 MiB and passes >= 1");
  c10::InferenceMode inference;
  const auto count = static_cast<int64_t>(buffer_bytes / sizeof(float));
  const at::Tensor buffer = at::ones({count}, at::TensorOptions().device(device));
  at::Tensor total = at::empty({}, buffer.options());
  at::sum_out(total, buffer);  // warm-up: kernel selection, allocator
  wait_for(device);
  double best = 0;
  for (int k = 0; k < passes; ++k) {
    const auto start = Clock::now();
    at::sum_out(total, buffer);
    wait_for(device);
    const double s = seconds_since(start);
    if (s > 0) best = std::max(best, static_cast<double>(count * sizeof(float)) / s);
  }
  return best;
}

double machine_limits_matmul_gflops(c10::ScalarType dtype, int64_t n, int passes, double budget_s,
                                    const c10::Device& device) {
  if (n < 1 || passes < 1)
    throw std::invalid_argument("machine_limits_matmul_gflops: n and passes must be >= 1");
  c10::InferenceMode inference;
  at::Generator gen = at::detail::createCPUGenerator(0);
  const at::Tensor a =
      at::randn({n, n}, gen, at::TensorOptions().dtype(at::kFloat)).to(device, dtype);
  const at::Tensor b =
      at::randn({n, n}, gen, at::TensorOptions().dtype(at::kFloat)).to(device, dtype);
  // Warm-up on a small product (thread pool, BLAS set-up), and an output written once, reused by
  // every timed product: no allocation or page faults inside the timing.
  at::matmul(a.narrow(0, 0, std::min<int64_t>(n, 64)), b);
  at::Tensor c = at::zeros({n, n}, a.options());
  wait_for(device);
  const double size = static_cast<double>(n), flops = 2.0 * size * size * size;
  double best = 0;
  const auto started = Clock::now();
  for (int k = 0; k < passes; ++k) {
    const auto start = Clock::now();
    at::matmul_out(c, a, b);
    wait_for(device);
    const double s = seconds_since(start);
    if (s > 0) best = std::max(best, flops / s / 1e9);
    if (seconds_since(started) > budget_s) break;
  }
  return best;
}

std::string machine_limits_cpu_name() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    const size_t begin = line.find_first_not_of(" \t", colon + 1);
    if (begin != std::string::npos) return line.substr(begin);
  }
  return "unknown CPU";
}

std::string machine_limits_blas_text(const std::string& config, const std::string& core,
                                     const std::string& forced, bool cpu_has_avx512) {
  // openblas_get_config(): "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH ... Haswell MAX_THREADS=64"
  const size_t second_space = config.find(' ', config.find(' ') + 1);
  std::string text = config.substr(0, second_space) + ", " + core + " kernels";
  std::string lower = core;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  const bool avx512_kernels = lower.find("skylakex") != std::string::npos ||
                              lower.find("cooperlake") != std::string::npos ||
                              lower.find("sapphire") != std::string::npos;
  if (!forced.empty()) text += " (OPENBLAS_CORETYPE=" + forced + ")";
  if (cpu_has_avx512 && !avx512_kernels)
    text +=
        "; this CPU has AVX-512 and these kernels do not use it: f32 matmul runs at about half "
        "speed (" +
        std::string(forced.empty() ? "set OPENBLAS_CORETYPE=SkylakeX" : "unset OPENBLAS_CORETYPE") +
        ")";
  return text;
}

std::string machine_limits_blas() {
  using TextFn = const char* (*)();
  auto config = reinterpret_cast<TextFn>(dlsym(RTLD_DEFAULT, "openblas_get_config"));
  auto core = reinterpret_cast<TextFn>(dlsym(RTLD_DEFAULT, "openblas_get_corename"));
  if (!config || !core) return "";
  const char* forced = std::getenv("OPENBLAS_CORETYPE");
  bool avx512 = false;
#if defined(__x86_64__)
  avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
#endif
  return machine_limits_blas_text(config(), core(), forced ? forced : "", avx512);
}

size_t machine_limits_last_level_cache_bytes() {
  for (int name : {_SC_LEVEL4_CACHE_SIZE, _SC_LEVEL3_CACHE_SIZE, _SC_LEVEL2_CACHE_SIZE}) {
    const long size = sysconf(name);
    if (size > 0) return static_cast<size_t>(size);
  }
  return 0;
}

}  // namespace tunedeck
