#include "bench/model_bench.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <thread>

#include "core/generator.h"
#include "core/kernels/cpu_decode.h"
#include "core/kernels/forward_kernels.h"
#include "core/llama_model.h"
#include "core/runtime.h"
#include "core/stats/machine_limits.h"
#include "core/stats/page_cache.h"
#include "core/stats/proc_stats.h"
#include "core/stats/stats_format.h"
#include "core/tokenizer.h"

namespace tunedeck {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kPromptSeed = 0;  // random prompt ids: the same every time the bench runs
constexpr int kWarmupNewTokens = 4;  // the untimed warm-up run before the timed ones
constexpr int kBandwidthPasses = 5;
constexpr int kMatmulPasses = 5;

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t mid = v.size() / 2;
  return v.size() % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

double per_second(double count, double ms) { return ms > 0 ? count * 1000.0 / ms : 0.0; }

}  // namespace

ModelBenchFigures model_bench_figures(const ModelBenchReport& r) {
  ModelBenchFigures f;
  f.prefill_tok_s = median(r.prefill_tok_s);
  f.decode_tok_s = median(r.decode_tok_s);
  if (f.prefill_tok_s > 0)
    f.prefill_gflops = r.prefill_flops / (r.settings.prompt_tokens / f.prefill_tok_s) / 1e9;
  f.matmul_peak_gflops = r.settings.dtype == "bf16" ? r.matmul_bf16_gflops : r.matmul_f32_gflops;
  if (f.matmul_peak_gflops > 0) f.prefill_share = f.prefill_gflops / f.matmul_peak_gflops;
  if (r.decode_bytes.total() > 0)
    f.decode_ceiling_tok_s = r.read_bandwidth_bytes_s / r.decode_bytes.total();
  if (f.decode_ceiling_tok_s > 0) f.decode_share = f.decode_tok_s / f.decode_ceiling_tok_s;
  f.torch_decode_tok_s = median(r.torch_decode_tok_s);
  if (f.decode_ceiling_tok_s > 0)
    f.torch_decode_share = f.torch_decode_tok_s / f.decode_ceiling_tok_s;
  if (f.torch_decode_tok_s > 0) f.fast_over_torch = f.decode_tok_s / f.torch_decode_tok_s;
  return f;
}

namespace {

// A tokenizer for folders without tokenizer.model (tunedeck_make_model's checkpoints): the bench
// feeds ids and never reads text, so every id decodes to nothing and nothing is a stop id.
class IdsOnlyBackend : public TokenizerBackend {
 public:
  explicit IdsOnlyBackend(int vocab) : vocab_(vocab) {}
  std::vector<int> encode(const std::string&) const override { return {}; }
  std::string decode(const std::vector<int>&) const override { return ""; }
  std::string id_to_piece(int) const override { return ""; }
  int piece_to_id(const std::string&) const override { return 0; }
  int vocab_size() const override { return vocab_; }
  int bos_id() const override { return -1; }
  int eos_id() const override { return -1; }
  int unk_id() const override { return -1; }
  int pad_id() const override { return -1; }
  bool is_byte(int) const override { return false; }

 private:
  int vocab_;
};

std::unique_ptr<Tokenizer> bench_tokenizer(const LlamaModel& model, std::string& description) {
  if (fs::exists(fs::path(model.source()) / "tokenizer.model")) {
    std::unique_ptr<Tokenizer> tokenizer = tokenizer_load_dir(model.source());
    check_tokenizer_fits_model(*tokenizer, model);
    description = "tokenizer.model";
    return tokenizer;
  }
  description = "none (ids only)";
  return std::make_unique<Tokenizer>(std::make_unique<IdsOnlyBackend>(model.config().vocab_size),
                                     SpecialTokens{});
}

// `length` ids drawn uniformly from the vocabulary; the first differs from `previous_first` so
// the generator cannot serve any of the prompt from the previous run's cache.
std::vector<int> random_prompt(int vocab, int length, uint64_t seed, int previous_first) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> pick(0, vocab - 1);
  std::vector<int> ids(length);
  for (int& id : ids) id = pick(rng);
  if (ids[0] == previous_first) ids[0] = (ids[0] + 1) % vocab;
  return ids;
}

std::vector<std::string> safetensors_files(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code error;
  if (!fs::is_directory(dir, error)) return files;  // LlamaModel::load says what is wrong
  for (const auto& entry : fs::directory_iterator(dir, error))
    if (entry.path().extension() == ".safetensors") files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

GenerateOptions greedy_exactly(int new_tokens, CpuKernels cpu_kernels = CpuKernels::kTunedeck) {
  GenerateOptions options;
  options.max_new_tokens = new_tokens;
  options.sampling.min_new_tokens = new_tokens;  // masks the stop ids: every run is full length
  options.cpu_kernels = cpu_kernels;
  return options;
}

// One timed run of `prompt` + `new_tokens`; throws when it is not comparable with the others.
GenerateResult timed_run(Generator& generator, const std::vector<int>& prompt, int new_tokens,
                         CpuKernels cpu_kernels, int run) {
  GenerateResult g =
      generator.generate_ids(prompt, greedy_exactly(new_tokens, cpu_kernels), {}, nullptr);
  if (g.reused_prompt_tokens != 0 || static_cast<int>(g.output_ids.size()) != new_tokens)
    throw std::runtime_error("run " + std::to_string(run + 1) + " reused " +
                             std::to_string(g.reused_prompt_tokens) +
                             " cached prompt tokens "
                             "and generated " +
                             std::to_string(g.output_ids.size()) + " of " +
                             std::to_string(new_tokens) + ": the runs are not comparable");
  return g;
}

double ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

std::string threads_text(int n) { return std::to_string(n) + (n == 1 ? " thread" : " threads"); }

}  // namespace

void model_bench_check(const ModelBenchSettings& s) {
  auto require = [](bool holds, const char* what) {
    if (!holds) throw ModelBenchSettingsError(what);
  };
  require(!s.model_dir.empty(), "--model DIR is required");
  require(s.dtype == "f32" || s.dtype == "bf16", "--dtype must be f32 or bf16");
  require(s.prompt_tokens >= 1, "--prompt-tokens must be >= 1");
  require(s.new_tokens >= 2, "--new-tokens must be >= 2 (decode starts at the second)");
  require(s.runs >= 1, "--runs must be >= 1");
  require(s.threads >= 0, "--threads must be >= 1 (or 0: all cores)");
  require(s.decode_path == "fast" || s.decode_path == "torch" || s.decode_path == "both",
          "--decode-path must be fast, torch or both");
  require(s.bandwidth_mib >= 1, "--bandwidth-mib must be >= 1");
  require(s.matmul_size >= 16, "--matmul-size must be >= 16");
}

ModelBenchReport model_bench_run(const ModelBenchSettings& settings,
                                 const std::function<void(const std::string&)>& progress_line) {
  auto progress = [&](const std::string& line) {
    if (progress_line) progress_line(line);
  };
  ModelBenchReport r;
  r.settings = settings;
  const int P = settings.prompt_tokens, N = settings.new_tokens;
  const CpuKernels kernels =
      settings.decode_path == "torch" ? CpuKernels::kLibtorch : CpuKernels::kTunedeck;
  const bool both = settings.decode_path == "both";
  ModelLoadOptions load;
  load.dtype = settings.dtype;
  load.device = settings.device;
  const c10::Device device = parse_device(settings.device);

  // 1. Cold-ish: the weights' pages dropped from the page cache, then the first load in this
  //    process and its first prefill (which also pays libtorch's one-time set-up).
  const std::vector<std::string> files = safetensors_files(settings.model_dir);
  r.page_cache_dropped = !files.empty();
  double file_bytes = 0, cached_bytes = 0;
  for (const auto& file : files) {
    r.page_cache_dropped = page_cache_drop(file) && r.page_cache_dropped;
    std::error_code error;
    const double size = static_cast<double>(fs::file_size(file, error));
    if (error) continue;
    const std::optional<double> share = page_cache_resident_share(file);
    file_bytes += size;
    cached_bytes += share.value_or(1.0) * size;
  }
  if (file_bytes > 0) r.cold_cached_share = cached_bytes / file_bytes;
  r.rss_before_load_bytes = proc_stats_read_process().rss_bytes;
  progress("cold load of " + settings.model_dir + " (" + settings.dtype + ")");
  std::unique_ptr<Tokenizer> tokenizer;
  int vocab = 0;
  {
    const auto start = std::chrono::steady_clock::now();
    LlamaModel cold = LlamaModel::load(settings.model_dir, load);
    r.cold_load_ms = ms_since(start);
    if (P + N > cold.config().max_position_embeddings)
      throw ModelBenchSettingsError("--prompt-tokens + --new-tokens = " + std::to_string(P + N) +
                                    " exceeds the model's max_position_embeddings (" +
                                    std::to_string(cold.config().max_position_embeddings) + ")");
    tokenizer = bench_tokenizer(cold, r.tokenizer);
    vocab = cold.config().vocab_size;
    Generator generator(cold, *tokenizer, P + N);
    GenerateResult first = generator.generate_ids(random_prompt(vocab, P, kPromptSeed, -1),
                                                  greedy_exactly(1), {}, nullptr);
    r.cold_first_token_ms = r.cold_load_ms + first.prefill_ms;
  }  // the cold model is unmapped here: only the warm one counts in the peak RSS

  // 2. Warm page cache: load again, one untimed warm-up run, then the timed runs. With both
  //    decode paths each has its own generator (and cache) and runs the same prompts.
  r.peak_rss_since_warm_load = proc_stats_reset_peak_rss();
  progress("warm load, warm-up, " + std::to_string(settings.runs) + " timed runs of " +
           std::to_string(P) + " + " + std::to_string(N) + " tokens");
  {
    const auto start = std::chrono::steady_clock::now();
    LlamaModel model = LlamaModel::load(settings.model_dir, load);
    r.warm_load_ms = ms_since(start);
    Generator generator(model, *tokenizer, P + N);
    std::optional<Generator> torch_generator;
    if (both) torch_generator.emplace(model, *tokenizer, P + N);
    std::vector<int> prompt = random_prompt(vocab, P, kPromptSeed + 1, -1);
    const int warmup_tokens = std::min(N, kWarmupNewTokens);
    GenerateResult warmup =
        generator.generate_ids(prompt, greedy_exactly(warmup_tokens, kernels), {}, nullptr);
    r.warm_first_token_ms = r.warm_load_ms + warmup.prefill_ms;
    if (both)
      torch_generator->generate_ids(prompt, greedy_exactly(warmup_tokens, CpuKernels::kLibtorch),
                                    {}, nullptr);
    for (int run = 0; run < settings.runs; ++run) {
      prompt = random_prompt(vocab, P, kPromptSeed + 2 + run, prompt[0]);
      GenerateResult g = timed_run(generator, prompt, N, kernels, run);
      if (both) {
        GenerateResult t = timed_run(*torch_generator, prompt, N, CpuKernels::kLibtorch, run);
        r.torch_decode_tok_s.push_back(per_second(t.decode_steps, t.decode_ms));
      }
      r.prefill_tok_s.push_back(per_second(P, g.prefill_ms));
      r.decode_tok_s.push_back(per_second(g.decode_steps, g.decode_ms));
      r.decode_steps = g.decode_steps;
      r.generated_tokens = static_cast<int>(g.output_ids.size());
    }
    r.peak_rss_bytes = proc_stats_read_process().peak_rss_bytes;
    r.config = model.config();
    r.parameters = model.config().parameter_count();
    r.weight_bytes = model.weight_bytes();
    r.decode_kernels = cpu_decode_kernels();
    r.decode_parallel_width = cpu_decode_parallel_width();
    r.prefill_kernels =
        forward_kernels_describe(generator.prefill_kernels(P, greedy_exactly(N, kernels)));
  }  // freed before the probes, whose buffers would otherwise compete with it

  // Decode step k (1..N-1) attends P + k positions: the mean is P + N/2.
  const size_t element_size = dtype_size(parse_dtype(settings.dtype));
  r.decode_bytes = roofline_decode_bytes(r.config, element_size, P + N / 2.0);
  r.prefill_flops = roofline_prefill_flops(r.config, P);

  // 3. The machine's limits, with the same threads.
  const auto bandwidth_bytes = static_cast<size_t>(settings.bandwidth_mib) << 20;
  if (device.is_cuda()) {
    progress("device read bandwidth (" + std::to_string(settings.bandwidth_mib) + " MiB on " +
             settings.device + ")");
    r.read_bandwidth_bytes_s =
        machine_limits_device_read_bandwidth(device, bandwidth_bytes, kBandwidthPasses);
  } else {
    progress("memory read bandwidth (" + std::to_string(settings.bandwidth_mib) + " MiB, " +
             threads_text(settings.threads) + ")");
    r.read_bandwidth_bytes_s =
        machine_limits_read_bandwidth(bandwidth_bytes, settings.threads, kBandwidthPasses);
  }
  progress("matmul " + std::to_string(settings.matmul_size) + "x" +
           std::to_string(settings.matmul_size) + " f32 and bf16");
  r.matmul_f32_gflops =
      machine_limits_matmul_gflops(c10::kFloat, settings.matmul_size, kMatmulPasses, 3.0, device);
  r.matmul_bf16_gflops = machine_limits_matmul_gflops(c10::kBFloat16, settings.matmul_size,
                                                      kMatmulPasses, 3.0, device);
  r.cpu = machine_limits_cpu_name();
  r.cores = std::thread::hardware_concurrency();
  r.last_level_cache_bytes = machine_limits_last_level_cache_bytes();
  r.runtime = runtime_description();
  r.blas = machine_limits_blas();
  return r;
}

namespace {

// ---- printing ----

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

// 3 significant digits at least, no exponent: 0.0123, 1.23, 12.3, 1234.
std::string number(double value) {
  const double a = std::abs(value);
  return fixed(value, a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : a >= 0.1 ? 3 : 4);
}

// 260.1K, 110.0M, 1.10B.
std::string count_text(double n) {
  if (n >= 1e9) return fixed(n / 1e9, 2) + "B";
  if (n >= 1e6) return fixed(n / 1e6, 1) + "M";
  if (n >= 1e3) return fixed(n / 1e3, 1) + "K";
  return fixed(n, 0);
}

std::string percent(double share) { return fixed(share * 100, share < 0.1 ? 2 : 1) + "%"; }

std::string decode_path_text(const std::string& path, const std::string& kernels, int width) {
  const std::string fast = "fast CPU step (" + kernels + " kernels, " + threads_text(width) + ")";
  if (path == "torch") return "libtorch ops";
  if (path == "both") return fast + ", then libtorch ops on the same prompts";
  return fast;
}

std::string optional_bytes(const std::optional<int64_t>& bytes) {
  return bytes ? stats_format_bytes(*bytes) : "N/A";
}

std::string pad(const std::string& text, size_t width) {
  return text.size() >= width ? text + " " : text + std::string(width - text.size(), ' ');
}

}  // namespace

void model_bench_table(const ModelBenchReport& r, std::ostream& out) {
  const ModelBenchFigures f = model_bench_figures(r);
  const ModelBenchSettings& s = r.settings;
  out << "tunedeck bench  " << s.model_dir << "  " << s.dtype << " on " << s.device << ", "
      << count_text(r.parameters) << " parameters, "
      << stats_format_bytes(static_cast<int64_t>(r.weight_bytes)) << " of weights\n";
  out << "machine         " << r.cpu << ", " << r.cores << " cores; " << r.runtime << "\n";
  if (!r.blas.empty() && s.device == "cpu") out << "blas            " << r.blas << "\n";
  out << "workload        " << s.prompt_tokens << " random prompt ids (seed " << kPromptSeed
      << "), " << s.new_tokens << " greedy new tokens, median of " << s.runs << " runs, "
      << threads_text(s.threads) << "\n";
  out << "decode path     "
      << decode_path_text(s.decode_path, r.decode_kernels, r.decode_parallel_width) << "\n";
  out << "prefill path    " << r.prefill_kernels << "\n\n";

  out << pad("", 16) << pad("measured", 18) << pad("limit", 34) << "share\n";
  out << pad("prefill", 16) << pad(number(f.prefill_tok_s) + " tok/s", 18)
      << pad(number(f.matmul_peak_gflops) + " GFLOP/s " + s.dtype + " matmul peak", 34)
      << percent(f.prefill_share) << "  (" << number(f.prefill_gflops) << " GFLOP/s achieved)\n";
  out << pad("decode", 16) << pad(number(f.decode_tok_s) + " tok/s", 18)
      << pad(number(f.decode_ceiling_tok_s) + " tok/s bandwidth ceiling", 34)
      << percent(f.decode_share) << "  ("
      << stats_format_bytes(static_cast<int64_t>(r.decode_bytes.total())) << " read per token)\n";
  if (!r.torch_decode_tok_s.empty())
    out << pad("decode (torch)", 16) << pad(number(f.torch_decode_tok_s) + " tok/s", 18)
        << pad("same ceiling", 34) << percent(f.torch_decode_share) << "  (fast step "
        << number(f.fast_over_torch) << "x libtorch's ops)\n";
  out << "\n";

  std::string cold = "cold " + number(r.cold_load_ms) + " ms, first token " +
                     number(r.cold_first_token_ms) + " ms";
  if (r.cold_cached_share)
    cold += "  (" + percent(*r.cold_cached_share) + " of the weights still cached" +
            (r.page_cache_dropped ? ")" : "; page cache drop refused)");
  out << pad("load", 16) << cold << "\n";
  out << pad("", 16) << "warm " << number(r.warm_load_ms) << " ms, first token "
      << number(r.warm_first_token_ms) << " ms\n";
  out << pad("peak RSS", 16) << optional_bytes(r.peak_rss_bytes);
  if (r.peak_rss_bytes && r.weight_bytes > 0)
    out << " = " << number(static_cast<double>(*r.peak_rss_bytes) / r.weight_bytes)
        << "x the weights";
  out << " (" << (r.peak_rss_since_warm_load ? "warm load and runs" : "whole process") << "; "
      << optional_bytes(r.rss_before_load_bytes) << " before loading)\n";
  out << pad("memory read", 16) << number(r.read_bandwidth_bytes_s / 1e9) << " GB/s ("
      << s.bandwidth_mib << " MiB buffer, "
      << (s.device == "cpu" ? threads_text(s.threads) : s.device + " sum") << ", best of "
      << kBandwidthPasses << ")\n";
  out << pad("matmul", 16) << "f32 " << number(r.matmul_f32_gflops) << " GFLOP/s, bf16 "
      << number(r.matmul_bf16_gflops) << " GFLOP/s (" << s.matmul_size << "x" << s.matmul_size
      << ", best of up to " << kMatmulPasses << ")\n";

  const size_t llc = s.device == "cpu" ? r.last_level_cache_bytes : 0;  // the CPU's cache notes
  if (llc > 0 && (static_cast<size_t>(s.bandwidth_mib) << 20) < 4 * llc)
    out << "note: the bandwidth buffer is under 4x the " << stats_format_bytes(llc)
        << " last-level cache: part of it is cache bandwidth, not memory\n";
  const auto step_bytes = static_cast<int64_t>(r.decode_bytes.total());
  if (llc > 0 && step_bytes < static_cast<int64_t>(llc))
    out << "note: a decode step's " << stats_format_bytes(step_bytes) << " fit in the "
        << stats_format_bytes(llc) << " last-level cache: the bandwidth ceiling does not bind "
        << "here; per-token overhead does\n";
}

nlohmann::json model_bench_json(const ModelBenchReport& r) {
  const ModelBenchFigures f = model_bench_figures(r);
  const ModelBenchSettings& s = r.settings;
  auto or_null = [](const auto& optional) -> nlohmann::json {
    return optional ? nlohmann::json(*optional) : nlohmann::json(nullptr);
  };
  nlohmann::json j;
  j["model"] = {{"dir", s.model_dir},
                {"dtype", s.dtype},
                {"device", s.device},
                {"parameters", r.parameters},
                {"weight_bytes", r.weight_bytes},
                {"tokenizer", r.tokenizer}};
  j["settings"] = {{"prompt_tokens", s.prompt_tokens},
                   {"new_tokens", s.new_tokens},
                   {"runs", s.runs},
                   {"threads", s.threads},
                   {"decode_path", s.decode_path},
                   {"prompt_seed", kPromptSeed},
                   {"bandwidth_mib", s.bandwidth_mib},
                   {"matmul_size", s.matmul_size}};
  j["load"] = {{"page_cache_dropped", r.page_cache_dropped},
               {"cold_cached_share", or_null(r.cold_cached_share)},
               {"cold_ms", r.cold_load_ms},
               {"cold_first_token_ms", r.cold_first_token_ms},
               {"warm_ms", r.warm_load_ms},
               {"warm_first_token_ms", r.warm_first_token_ms}};
  j["prefill"] = {{"kernels", r.prefill_kernels},
                  {"tok_s", f.prefill_tok_s},
                  {"runs_tok_s", r.prefill_tok_s},
                  {"flops", r.prefill_flops},
                  {"gflops", f.prefill_gflops},
                  {"matmul_peak_gflops", f.matmul_peak_gflops},
                  {"share_of_matmul_peak", f.prefill_share}};
  j["decode"] = {{"path", s.decode_path == "torch" ? "torch" : "fast"},
                 {"kernels", r.decode_kernels},
                 {"parallel_width", r.decode_parallel_width},
                 {"tok_s", f.decode_tok_s},
                 {"runs_tok_s", r.decode_tok_s},
                 {"generated_tokens", r.generated_tokens},
                 {"steps", r.decode_steps},
                 {"bytes_per_token", r.decode_bytes.total()},
                 {"weight_bytes_per_token", r.decode_bytes.weights},
                 {"kv_bytes_per_token", r.decode_bytes.kv_cache},
                 {"ceiling_tok_s", f.decode_ceiling_tok_s},
                 {"share_of_bandwidth_ceiling", f.decode_share}};
  if (!r.torch_decode_tok_s.empty())
    j["decode_torch"] = {{"tok_s", f.torch_decode_tok_s},
                         {"runs_tok_s", r.torch_decode_tok_s},
                         {"share_of_bandwidth_ceiling", f.torch_decode_share},
                         {"fast_over_torch", f.fast_over_torch}};
  j["memory"] = {{"rss_before_load_bytes", or_null(r.rss_before_load_bytes)},
                 {"peak_rss_bytes", or_null(r.peak_rss_bytes)},
                 {"peak_rss_scope", r.peak_rss_since_warm_load ? "warm load and runs" : "process"}};
  j["machine"] = {
      {"cpu", r.cpu},
      {"cores", r.cores},
      {"last_level_cache_bytes", r.last_level_cache_bytes},
      {"runtime", r.runtime},
      {"blas", r.blas},
      {"read_bandwidth_gb_s", r.read_bandwidth_bytes_s / 1e9},
      {"matmul_gflops", {{"f32", r.matmul_f32_gflops}, {"bf16", r.matmul_bf16_gflops}}}};
  j["ratios"] = {{"decode_of_bandwidth_ceiling", f.decode_share},
                 {"prefill_of_matmul_peak", f.prefill_share}};
  return j;
}

}  // namespace tunedeck
