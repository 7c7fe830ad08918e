// Training speed: tokens/s and achieved GFLOP/s of LoRA and full training steps (forward, masked
// loss, backward, clip, AdamW) on a named random-weight shape or a model folder, next to this
// machine's libtorch matmul GFLOP/s measured in the same run. The step is the trainer's own
// arithmetic on fixed random batches, so data loading is left out. Never used by tests.
//   tunedeck_train_bench --shape llama-110m | --model DIR | --config config.json
//       [--method lora|full|both]
//       [--batch 4] [--seq 128] [--steps 5] [--warmup 1] [--rank 16] [--autocast none|bf16]
//       [--loss-share 1] [--logits loss|all] [--dropout 0] [--threads N] [--json]
#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "bench/model_shapes.h"
#include "cli/cli_args.h"
#include "core/kernels/forward_kernels.h"
#include "core/llama_model.h"
#include "core/lora.h"
#include "core/runtime.h"
#include "core/stats/machine_limits.h"
#include "train/adamw.h"
#include "train/cpu_autocast.h"
#include "train/token_loss.h"

namespace tunedeck {
namespace {

using Clock = std::chrono::steady_clock;

struct BenchSettings {
  std::string shape, model_dir, config_file, method = "both", autocast = "none";
  std::string logits = "loss";  // "loss": the head for the positions with a target (the trainer's)
  int batch = 4, seq = 128, steps = 5, warmup = 1, rank = 16, threads = 0;
  double loss_share = 1.0;  // share of each row's positions with a target (SFT: the answer's)
  double dropout = 0.0;     // LoRA dropout (PEFT's default 0; TRL's examples use 0.05)
  bool json = false;
};

std::string label(const BenchSettings& s) {
  return !s.model_dir.empty() ? s.model_dir : !s.config_file.empty() ? s.config_file : s.shape;
}

struct StepCost {
  double flops_per_token = 0;  // model FLOPs of one training step, per token
  long long trainable = 0;
  std::string formula;
};

// Parameters that take part in matmuls for every token: every projection and the head
// (the embedding is a lookup).
long long matmul_params(const ModelConfig& c) {
  const long long C = c.hidden_size, H = c.num_heads, Hkv = c.num_kv_heads, D = c.head_dim,
                  F = c.intermediate_size, V = c.vocab_size;
  const long long per_layer = C * H * D * 2 + C * Hkv * D * 2 + 3 * C * F;
  return per_layer * c.num_layers + V * C;
}

// Attention score and mix FLOPs per token in the forward pass: causal, mean context (T+1)/2.
double attention_flops_per_token(const ModelConfig& c, int seq) {
  return 2.0 * 2.0 * c.num_layers * c.num_heads * c.head_dim * (seq + 1) / 2.0;
}

// `head_share`: the share of positions whose head (lm_head) is computed.
StepCost step_cost(const ModelConfig& c, int seq, const std::string& method, long long lora_params,
                   double head_share) {
  const double head = static_cast<double>(c.vocab_size) * c.hidden_size;
  const double n = static_cast<double>(matmul_params(c)) - head * (1.0 - head_share),
               attn = attention_flops_per_token(c, seq);
  StepCost cost;
  if (method == "full") {
    cost.trainable = c.parameter_count();
    cost.flops_per_token = 6 * n + 3 * attn;
    cost.formula = "6 x matmul params + 3 x attention (forward, backward for inputs and weights)";
  } else {
    cost.trainable = lora_params;
    cost.flops_per_token = 4 * n + 6.0 * lora_params + 3 * attn;
    cost.formula =
        "4 x frozen matmul params (forward + input gradients) + 6 x LoRA params + 3 x attention";
  }
  return cost;
}

struct MethodResult {
  std::string method;
  double tokens_per_s = 0, step_ms = 0, gflops = 0, loss_first = 0, loss_last = 0;
  StepCost cost;
  std::string kernels;  // forward_kernels_describe of the step's forward
};

// A model whose weights are trainable leaves (full) or frozen (LoRA), f32.
LlamaModel make_model(const BenchSettings& s, bool trainable) {
  const auto f32 = at::TensorOptions().dtype(at::kFloat);
  LlamaModel model = !s.model_dir.empty() ? LlamaModel::load(s.model_dir, {"cpu", "f32"})
                     : !s.config_file.empty()
                         ? LlamaModel::random(model_config_load(s.config_file), 0, 0.02, f32)
                         : LlamaModel::random(bench_model_shape(s.shape), 0, 0.02, f32);
  if (!trainable) return model;
  model.mutable_weights().make_trainable_copy();
  return model;
}

std::vector<at::Tensor> all_weights(const LlamaModel& model) {
  std::vector<at::Tensor> out;
  for (const auto& [name, t] : model.weights().named()) out.push_back(t);
  return out;
}

ForwardOptions training_forward(const at::Tensor& head_rows) {
  ForwardOptions fo;
  fo.training = true;
  fo.logit_rows = head_rows;
  return fo;
}

at::Tensor forward(const LlamaModel& model, const at::Tensor& ids, const at::Tensor& head_rows,
                   const LoraAdapter* adapter, const std::string& autocast) {
  const ForwardOptions fo = training_forward(head_rows);
  if (autocast != "bf16") return model.forward(ids, nullptr, 0, adapter, fo);
  const CpuBf16Autocast bf16;
  return model.forward(ids, nullptr, 0, adapter, fo);
}

// The kernels that forward() runs, in words (core/kernels/forward_kernels).
std::string forward_kernels_text(const LlamaModel& model, const at::Tensor& ids,
                                 const at::Tensor& head_rows, const LoraAdapter* adapter,
                                 const std::string& autocast) {
  const ForwardOptions fo = training_forward(head_rows);
  if (autocast != "bf16")
    return forward_kernels_describe(forward_kernels_choose(model, ids, nullptr, adapter, fo));
  const CpuBf16Autocast bf16;
  return forward_kernels_describe(forward_kernels_choose(model, ids, nullptr, adapter, fo));
}

MethodResult run_method(const BenchSettings& s, const std::string& method) {
  const bool full = method == "full";
  LlamaModel model = make_model(s, full);
  std::shared_ptr<LoraAdapter> adapter;
  if (!full) {
    LoraSettings ls;
    ls.rank = s.rank;
    ls.alpha = 2.0 * s.rank;
    ls.dropout = s.dropout;
    adapter = lora_create(model.config(), model.weights(), ls, 0);
  }
  std::vector<at::Tensor> params = full ? all_weights(model) : adapter->parameters();
  long long lora_params = 0;
  if (adapter)
    for (const auto& p : adapter->parameters()) lora_params += p.numel();
  AdamW optimizer(params, AdamWSettings{0.9, 0.999, 1e-8, 0.01});

  at::Generator gen = at::detail::createCPUGenerator(1);
  const int64_t V = model.config().vocab_size;
  at::Tensor ids =
      at::randint(3, V, {s.batch, s.seq + 1}, gen, at::TensorOptions().dtype(at::kLong));
  at::Tensor inputs = ids.narrow(1, 0, s.seq), targets = ids.narrow(1, 1, s.seq).clone();
  // the first (1 - share) of each row is the "prompt": no target there, as in SFT
  const auto prompt = static_cast<int64_t>(std::lround((1.0 - s.loss_share) * s.seq));
  targets.narrow(1, 0, prompt).fill_(-100);
  const LossPositions positions = loss_positions(targets);
  // --logits all: the head and log-softmax over every position, -100 ignored (before token_loss)
  const bool all = s.logits == "all";
  const at::Tensor head_rows = all ? at::arange(s.batch * s.seq, at::kLong) : positions.rows;
  MethodResult r;
  r.method = method;
  r.cost = step_cost(model.config(), s.seq, method, lora_params,
                     static_cast<double>(head_rows.size(0)) / (s.batch * s.seq));
  r.kernels = forward_kernels_text(model, inputs, head_rows, adapter.get(), s.autocast);
  double timed_s = 0;
  for (int step = 0; step < s.warmup + s.steps; ++step) {
    const auto t0 = Clock::now();
    optimizer.zero_grad();
    at::Tensor logits = forward(model, inputs, head_rows, adapter.get(), s.autocast);
    const at::Tensor nll = all ? at::nll_loss(at::log_softmax(logits, -1), targets.reshape({-1}),
                                              {}, at::Reduction::Sum, -100)
                               : token_nll_sum(logits, positions.targets);
    at::Tensor loss = nll / static_cast<double>(positions.count);
    loss.backward();
    optimizer.clip_grad_norm(1.0);
    optimizer.step(1e-4);
    const double loss_value = loss.item<double>();
    const double dt = std::chrono::duration<double>(Clock::now() - t0).count();
    if (step == 0) r.loss_first = loss_value;
    r.loss_last = loss_value;
    if (step >= s.warmup) timed_s += dt;
  }
  const double tokens = static_cast<double>(s.batch) * s.seq * s.steps;
  r.tokens_per_s = tokens / timed_s;
  r.step_ms = timed_s / s.steps * 1000.0;
  r.gflops = r.tokens_per_s * r.cost.flops_per_token / 1e9;
  return r;
}

void print_table(const BenchSettings& s, const ModelConfig& c, double peak,
                 const std::vector<MethodResult>& rs) {
  std::printf(
      "tunedeck_train_bench  %s  %.1fM parameters, batch %d x %d tokens, %d timed steps (+%d "
      "warm-up), autocast %s\n",
      label(s).c_str(), c.parameter_count() / 1e6, s.batch, s.seq, s.steps, s.warmup,
      s.autocast.c_str());
  std::printf(
      "loss                  on %.0f%% of positions; head (lm_head) over %s; LoRA dropout %g\n",
      100.0 * s.loss_share, s.logits == "all" ? "every position" : "those positions only",
      s.dropout);
  std::printf("machine               %s; %s; f32 matmul peak %.1f GFLOP/s\n",
              machine_limits_cpu_name().c_str(), runtime_description().c_str(), peak);
  const std::string blas = machine_limits_blas();
  if (!blas.empty()) std::printf("blas                  %s\n", blas.c_str());
  std::printf("\n");
  std::printf("%-6s %12s %10s %11s %12s %10s  %s\n", "method", "trainable", "tok/s", "step ms",
              "GFLOP/s", "of peak", "loss first -> last");
  for (const auto& r : rs)
    std::printf("%-6s %12lld %10.1f %11.1f %12.2f %9.1f%%  %.3f -> %.3f\n", r.method.c_str(),
                r.cost.trainable, r.tokens_per_s, r.step_ms, r.gflops, 100.0 * r.gflops / peak,
                r.loss_first, r.loss_last);
  std::printf("\nkernels:\n");
  for (const auto& r : rs) std::printf("  %-5s %s\n", r.method.c_str(), r.kernels.c_str());
  std::printf("\nFLOPs per token:\n");
  for (const auto& r : rs)
    std::printf("  %-5s %.3g = %s\n", r.method.c_str(), r.cost.flops_per_token,
                r.cost.formula.c_str());
}

nlohmann::json to_json(const BenchSettings& s, const ModelConfig& c, double peak,
                       const std::vector<MethodResult>& rs) {
  nlohmann::json j = {{"model", label(s)},          {"parameters", c.parameter_count()},
                      {"batch", s.batch},           {"seq", s.seq},
                      {"steps", s.steps},           {"autocast", s.autocast},
                      {"loss_share", s.loss_share}, {"logits", s.logits},
                      {"dropout", s.dropout}};
  j["machine"] = {{"cpu", machine_limits_cpu_name()},
                  {"runtime", runtime_description()},
                  {"blas", machine_limits_blas()},
                  {"matmul_f32_gflops", peak}};
  for (const auto& r : rs)
    j["methods"][r.method] = {{"trainable_params", r.cost.trainable},
                              {"tokens_per_s", r.tokens_per_s},
                              {"step_ms", r.step_ms},
                              {"gflops", r.gflops},
                              {"share_of_peak", r.gflops / peak},
                              {"flops_per_token", r.cost.flops_per_token},
                              {"flops_formula", r.cost.formula},
                              {"loss_first", r.loss_first},
                              {"loss_last", r.loss_last},
                              {"kernels", r.kernels}};
  return j;
}

BenchSettings parse(CliArgs& args) {
  BenchSettings s;
  s.shape = args.value_or("shape", "");
  s.model_dir = args.value_or("model", "");
  s.config_file = args.value_or("config", "");
  s.method = args.value_or("method", "both");
  s.autocast = args.value_or("autocast", "none");
  s.batch = args.int_or("batch", 4);
  s.seq = args.int_or("seq", 128);
  s.steps = args.int_or("steps", 5);
  s.warmup = args.int_or("warmup", 1);
  s.rank = args.int_or("rank", 16);
  s.threads = args.int_or("threads", 0);
  s.loss_share = std::stod(args.value_or("loss-share", "1"));
  s.logits = args.value_or("logits", "loss");
  s.dropout = std::stod(args.value_or("dropout", "0"));
  s.json = args.flag("json");
  args.finish();
  if (!s.shape.empty() + !s.model_dir.empty() + !s.config_file.empty() != 1)
    throw UsageError(
        "give exactly one of --shape NAME, --model DIR or --config config.json (random weights)");
  if (s.method != "lora" && s.method != "full" && s.method != "both")
    throw UsageError("--method must be lora, full or both");
  if (s.autocast != "none" && s.autocast != "bf16")
    throw UsageError("--autocast must be none or bf16");
  if (!(s.loss_share > 0 && s.loss_share <= 1)) throw UsageError("--loss-share must be in (0, 1]");
  if (s.logits != "loss" && s.logits != "all") throw UsageError("--logits must be loss or all");
  if (!(s.dropout >= 0 && s.dropout < 1)) throw UsageError("--dropout must be in [0, 1)");
  if (s.batch < 1 || s.seq < 2 || s.steps < 1 || s.warmup < 0 || s.rank < 1)
    throw UsageError("--batch, --steps, --rank must be >= 1, --seq >= 2, --warmup >= 0");
  return s;
}

int run(CliArgs& args) {
  if (args.help_requested()) {
    std::cout
        << "usage: tunedeck_train_bench --shape " << bench_model_shape_names()
        << " | --model DIR | --config config.json\n"
           "  [--method lora|full|both] [--batch 4] [--seq 128] [--steps 5] [--warmup 1]\n"
           "  [--rank 16] [--autocast none|bf16] [--threads N (0 = all cores)] [--json]\n"
           "  [--loss-share F (share of each row with a target; the rest is its prompt)]\n"
           "  [--logits loss|all (head for the target positions only, the trainer's way; or\n"
           "   for every position, to compare)]\n"
           "  [--dropout P (LoRA dropout on the adapter input; default 0)]\n"
           "LoRA targets q,k,v,o,gate,up,down (alpha 2r). Random token batches, f32 weights.\n";
    return 0;
  }
  const BenchSettings s = parse(args);
  runtime_init(s.threads);
  const double peak = machine_limits_matmul_gflops(at::kFloat, 1024, 5);
  std::vector<MethodResult> results;
  for (const std::string m : {"lora", "full"})
    if (s.method == "both" || s.method == m) results.push_back(run_method(s, m));
  const ModelConfig c = !s.model_dir.empty()     ? model_config_load(s.model_dir + "/config.json")
                        : !s.config_file.empty() ? model_config_load(s.config_file)
                                                 : bench_model_shape(s.shape);
  if (s.json)
    std::cout << to_json(s, c, peak, results).dump(2) << "\n";
  else
    print_table(s, c, peak, results);
  return 0;
}

}  // namespace
}  // namespace tunedeck

int main(int argc, char** argv) {
  return tunedeck::cli_main("tunedeck_train_bench", argc, argv, tunedeck::run);
}
