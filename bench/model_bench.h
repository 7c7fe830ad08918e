// One measurement of a model folder on this machine, as `tunedeck bench` runs it: load (cold-ish
// and warm page cache), prefill and decode speed (median of timed runs) and peak RSS, next to the
// machine's limits measured in the same run (memory read bandwidth, libtorch matmul GFLOP/s),
// and the shares that matter: decode vs the bandwidth-bound ceiling, prefill vs the matmul peak.
// The probes are core/stats/machine_limits, the model arithmetic core/stats/roofline, page-cache
// control core/stats/page_cache. "both" decode paths time the fast CPU decode step
// (core/kernels/cpu_decode) and libtorch's ops in alternating runs, so a busy machine slows both
// alike. Not the command's flags (cli/cmd_bench.cpp) and not a speed assertion: nothing here
// decides what is fast enough.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/model_config.h"
#include "core/stats/roofline.h"

namespace tunedeck {

// What to measure and how: the flags of `tunedeck bench`.
struct ModelBenchSettings {
  std::string model_dir;
  std::string dtype = "f32";   // "f32" or "bf16"
  std::string device = "cpu";  // "cpu", "cuda", "cuda:N"
  int prompt_tokens = 128;
  int new_tokens = 64;
  int runs = 3;
  int threads = 0;                   // after runtime_init: the count in effect
  std::string decode_path = "fast";  // "fast", "torch" or "both"
  int bandwidth_mib = 1024;
  int matmul_size = 2048;
};

// Everything one bench measured: filled by model_bench_run(), printed by model_bench_table()
// and model_bench_json(), which compute nothing but the figures below.
struct ModelBenchReport {
  ModelBenchSettings settings;
  ModelConfig config;
  long long parameters = 0;
  size_t weight_bytes = 0;
  std::string tokenizer;  // "tokenizer.model" or "none (ids only)"
  // Load. First token ready = load + the prefill of the prompt.
  bool page_cache_dropped = false;
  std::optional<double> cold_cached_share;  // of the safetensors bytes, just before the cold load
  double cold_load_ms = 0, cold_first_token_ms = 0;
  double warm_load_ms = 0, warm_first_token_ms = 0;
  // Timed runs on the warm model.
  std::vector<double> prefill_tok_s, decode_tok_s;  // decode: libtorch's path with "torch"
  std::vector<double> torch_decode_tok_s;  // "both": libtorch's path, each after a fast run
  int decode_parallel_width = 1;           // threads its products really run on
  std::string decode_kernels;              // core/kernels/cpu_decode's dot products, "avx2+fma"
  std::string prefill_kernels;             // forward_kernels_describe of the prefill's plan
  int decode_steps = 0;                    // forward passes after the prefill, per run
  int generated_tokens = 0;                // per run (every run generated exactly this many)
  // Memory.
  std::optional<int64_t> rss_before_load_bytes, peak_rss_bytes;
  bool peak_rss_since_warm_load = false;  // else: since the process started
  // The machine.
  std::string cpu;
  unsigned cores = 0;
  size_t last_level_cache_bytes = 0;
  std::string runtime;
  std::string blas;  // machine_limits_blas(): OpenBLAS and its kernels, "" for another BLAS
  double read_bandwidth_bytes_s = 0;
  double matmul_f32_gflops = 0, matmul_bf16_gflops = 0;
  // The model's arithmetic (core/stats/roofline).
  double prefill_flops = 0;
  DecodeBytes decode_bytes;  // at the mean attended length of the decode steps
};

// The figures both printers show, derived from a report in one place.
struct ModelBenchFigures {
  double prefill_tok_s = 0, decode_tok_s = 0;  // medians
  double prefill_gflops = 0;                   // achieved
  double matmul_peak_gflops = 0;               // of the bench's dtype
  double prefill_share = 0;                    // of matmul_peak_gflops
  double decode_ceiling_tok_s = 0;             // bandwidth / bytes per token
  double decode_share = 0;                     // of decode_ceiling_tok_s
  double torch_decode_tok_s = 0;               // "both": median of libtorch's path
  double torch_decode_share = 0;               // of decode_ceiling_tok_s
  double fast_over_torch = 0;                  // "both": decode_tok_s / torch_decode_tok_s
};

// A setting out of range, named as its flag ("--runs must be >= 1").
struct ModelBenchSettingsError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// Throws ModelBenchSettingsError for the first setting out of range.
void model_bench_check(const ModelBenchSettings& settings);

// Runs the whole measurement: the model at settings.model_dir, then the machine's limits.
// `progress` gets a line before each stage (may be empty). Runtime (threads) set up by the
// caller: settings.threads is the count in effect. Throws ModelBenchSettingsError when the prompt
// and new tokens pass the model's positions, and what loading throws.
ModelBenchReport model_bench_run(const ModelBenchSettings& settings,
                                 const std::function<void(const std::string&)>& progress);

// The derived figures (medians, achieved GFLOP/s, shares).
ModelBenchFigures model_bench_figures(const ModelBenchReport& report);

// The table `tunedeck bench` prints, and its --json object.
void model_bench_table(const ModelBenchReport& report, std::ostream& out);
nlohmann::json model_bench_json(const ModelBenchReport& report);

}  // namespace tunedeck
