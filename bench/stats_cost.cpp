// stats_cost: what the stats sampler costs in CPU. Two measurements:
//  1. sample_once() N times in a row: process CPU time per sample, and that as a share of one
//     core at the default interval (1 sample/s);
//  2. the sampler thread at its interval for S seconds while main() sleeps: the process's CPU
//     time over the window as a share of one core (includes the thread's wake-ups).
// usage: stats_cost [--samples N] [--seconds S] [--interval-ms MS] [--nvml-library PATH]
// The NVML library defaults as in tunedeck ($TUNEDECK_NVML_LIBRARY, else libnvidia-ml.so.1);
// point it at build/tests/fake_nvml/full/libnvidia-ml.so.1 to include the NVML path on a box
// without a GPU (the fake's cost says nothing about a real driver's).
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>

#include "core/stats/memory_accounting.h"
#include "core/stats/proc_stats.h"
#include "core/stats/stats_sampler.h"

namespace {

struct BenchOptions {
  long samples = 2000;
  double seconds = 20;
  long interval_ms = 1000;
  std::string nvml_library;
};

BenchOptions parse_options(int argc, char** argv) {
  BenchOptions options;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    if (i + 1 >= argc) throw std::invalid_argument(flag + " needs a value (or is unknown)");
    const char* value = argv[++i];
    if (flag == "--samples")
      options.samples = std::atol(value);
    else if (flag == "--seconds")
      options.seconds = std::atof(value);
    else if (flag == "--interval-ms")
      options.interval_ms = std::atol(value);
    else if (flag == "--nvml-library")
      options.nvml_library = value;
    else
      throw std::invalid_argument("unknown option " + flag);
  }
  if (options.samples <= 0 || options.seconds <= 0 || options.interval_ms <= 0)
    throw std::invalid_argument("--samples, --seconds and --interval-ms must be > 0");
  return options;
}

double process_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return now.tv_sec + now.tv_nsec / 1e9;
}

double wall_seconds() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return now.tv_sec + now.tv_nsec / 1e9;
}

tunedeck::StatsSamplerOptions sampler_options(const BenchOptions& options) {
  tunedeck::StatsSamplerOptions sampler;
  sampler.interval = std::chrono::milliseconds(options.interval_ms);
  sampler.nvml_library = options.nvml_library;
  return sampler;
}

void measure_sample_once(const BenchOptions& options, tunedeck::MemoryAccounting& accounting) {
  tunedeck::StatsSampler sampler(accounting, sampler_options(options));
  tunedeck::StatsSnapshot first = sampler.sample_once();  // opens NVML: not counted
  std::printf("GPU: %s (%zu devices)\n", first.gpu_status.c_str(), first.gpus.size());
  double cpu_start = process_cpu_seconds();
  for (long i = 0; i < options.samples; ++i) sampler.sample_once();
  double per_sample_us = (process_cpu_seconds() - cpu_start) / options.samples * 1e6;
  double samples_per_second = 1000.0 / options.interval_ms;
  std::printf("sample_once x%ld: %.1f us CPU per sample -> %.4f%% of one core at %ld ms\n",
              options.samples, per_sample_us, per_sample_us * samples_per_second / 1e4,
              options.interval_ms);
}

void measure_thread(const BenchOptions& options, tunedeck::MemoryAccounting& accounting) {
  tunedeck::StatsSampler sampler(accounting, sampler_options(options));
  double cpu_start = process_cpu_seconds();
  auto proc_start = tunedeck::proc_stats_read_cpu_seconds();
  double wall_start = wall_seconds();
  sampler.start();
  std::this_thread::sleep_for(std::chrono::duration<double>(options.seconds));
  sampler.stop();
  double wall = wall_seconds() - wall_start;
  double cpu = process_cpu_seconds() - cpu_start;
  auto proc_end = tunedeck::proc_stats_read_cpu_seconds();
  double own_us = 0;
  auto history = sampler.history();
  for (const auto& snapshot : history) own_us += snapshot.sample_cpu_us.value_or(0);
  std::printf(
      "thread at %ld ms for %.1f s: %zu samples, process CPU %.3f ms -> %.4f%% of one "
      "core (/proc/self/stat: %.2f s at tick resolution); sampler's own time %.1f us "
      "per sample\n",
      options.interval_ms, wall, history.size(), cpu * 1e3, cpu / wall * 100,
      proc_start && proc_end ? *proc_end - *proc_start : -1.0,
      history.empty() ? 0.0 : own_us / history.size());
}

}  // namespace

int main(int argc, char** argv) {
  try {
    BenchOptions options = parse_options(argc, argv);
    tunedeck::MemoryAccounting accounting;
    accounting.set(tunedeck::MemoryCategory::kWeights, "bf16", 1 << 20);
    accounting.set(tunedeck::MemoryCategory::kKvCache, "bench", 1 << 16);
    measure_sample_once(options, accounting);
    measure_thread(options, accounting);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "stats_cost: %s\n", e.what());
    return 1;
  }
}
