#include "train/trainer.h"

#include <ATen/ATen.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>

#include "agent/builtin_tools.h"
#include "agent/chat_template.h"
#include "agent/tool_registry.h"
#include "core/atomic_file.h"
#include "core/llama_model.h"
#include "core/lora.h"
#include "core/paths.h"
#include "core/runtime.h"
#include "core/safetensors.h"
#include "core/stats/machine_limits.h"
#include "core/stats/memory_accounting.h"
#include "core/stats/proc_stats.h"
#include "core/stats/torch_memory.h"
#include "core/tokenizer.h"
#include "train/adamw.h"
#include "train/batch_order.h"
#include "train/checkpoint.h"
#include "train/cpu_autocast.h"
#include "train/dataset.h"
#include "train/example_encoder.h"
#include "train/run_log.h"
#include "train/run_time.h"
#include "train/token_loss.h"

namespace tunedeck {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// ---- data: rows -> encoded examples -> padded batches ----------------------------------------

struct Batch {
  at::Tensor ids;             // [B, T] int64, padded with 0
  LossPositions loss;         // the flattened positions with a target, and their targets
  long long tokens = 0;       // real (non-pad) tokens
  long long loss_tokens = 0;  // positions with a target
};

// Shifts labels so position t predicts token t+1: targets[t] = labels[t+1].
Batch make_batch(const std::vector<const EncodedExample*>& examples, const at::Device& device) {
  int64_t T = 0;
  for (const auto* e : examples) T = std::max<int64_t>(T, static_cast<int64_t>(e->ids.size()));
  const int64_t B = static_cast<int64_t>(examples.size());
  at::Tensor ids = at::zeros({B, T}, at::kLong);
  at::Tensor targets = at::full({B, T}, -100, at::kLong);
  auto ids_a = ids.accessor<int64_t, 2>();
  auto targets_a = targets.accessor<int64_t, 2>();
  Batch batch;
  for (int64_t b = 0; b < B; ++b) {
    const EncodedExample& e = *examples[b];
    for (size_t t = 0; t < e.ids.size(); ++t) {
      ids_a[b][t] = e.ids[t];
      if (t + 1 < e.labels.size() && e.labels[t + 1] != -100) {
        targets_a[b][t] = e.labels[t + 1];
        ++batch.loss_tokens;
      }
    }
    batch.tokens += static_cast<long long>(e.ids.size());
  }
  batch.ids = ids.to(device);
  batch.loss = loss_positions(targets.to(device));
  return batch;
}

// ---- set-up helpers
// -------------------------------------------------------------------------------

std::string fmt(double v, int precision = 4) {
  std::ostringstream s;
  s.precision(precision);
  s << v;
  return s.str();
}

std::string gib(double bytes) { return fmt(bytes / (1024.0 * 1024 * 1024), 3) + " GiB"; }

// Rough peak memory of a step: trainable params + grads + AdamW (4 x f32), activations kept for
// backward (per token per layer ~ 12 C + 3 F floats, attention scores/probs 2 x H x T), logits
// with log-softmax and its gradient (3 x V floats per position with a target: the head runs only
// there). `length` is the longest batch row, `loss_rows` the most positions with a target one
// batch can have. Base weights are already resident.
double estimate_memory(const ModelConfig& c, long long trainable, int batch, int length,
                       double loss_rows, bool full) {
  const double tokens = static_cast<double>(batch) * length;
  const double params = 4.0 * 4.0 * trainable;
  const double per_layer = tokens * (12.0 * c.hidden_size + 3.0 * c.intermediate_size) * 4.0 +
                           2.0 * batch * c.num_heads * static_cast<double>(length) * length * 4.0;
  const double logits = loss_rows * c.vocab_size * 4.0 * 3.0;
  const double copy = full ? 4.0 * trainable : 0.0;  // a trainable copy of the base weights
  return params + c.num_layers * per_layer + logits + copy;
}

double free_memory_bytes(const at::Device& device) {
  (void)device;  // CUDA: the stats sampler's NVML/allocator numbers; CPU: MemAvailable
  return static_cast<double>(proc_stats_read_system().mem_available_bytes.value_or(0));
}

std::vector<EncodedExample> encode_rows(const std::vector<DatasetRow>& rows,
                                        const ChatTemplate& tmpl, const nlohmann::json& tools,
                                        const Tokenizer& tokenizer, int max_len) {
  std::vector<EncodedExample> out;
  out.reserve(rows.size());
  const auto specials = tmpl.special_texts();
  for (const auto& row : rows) {
    EncodedExample e = encode_example(tmpl.render_segments(row.messages, tools, false), tokenizer,
                                      specials, max_len);
    e.source = row.source;
    out.push_back(std::move(e));
  }
  return out;
}

void copy_tokenizer_files(const std::string& from_dir, const std::string& tokenizer_path,
                          const std::string& to_dir) {
  fs::create_directories(to_dir);
  fs::copy_file(tokenizer_path, fs::path(to_dir) / "tokenizer.model",
                fs::copy_options::overwrite_existing);
  for (const char* f : {"tokenizer_config.json", "generation_config.json"}) {
    const fs::path src = fs::path(from_dir) / f;
    if (!from_dir.empty() && fs::exists(src))
      fs::copy_file(src, fs::path(to_dir) / f, fs::copy_options::overwrite_existing);
  }
}

// ---- the run ------------------------------------------------------------------------------------

class Run {
 public:
  Run(const TrainConfig& config, bool resume, const TrainHooks& hooks)
      : c_(config), resume_(resume), hooks_(hooks) {}

  TrainOutcome execute() {
    started_ = Clock::now();
    try {
      setup();
      loop();
      finish(cancelled() ? "cancelled" : "finished", "");
    } catch (const std::exception& e) {
      finish("failed", e.what());
    }
    forget_memory();  // the adapter and optimizer go with this Run, as train_run returns
    return outcome_;
  }

 private:
  bool cancelled() const { return hooks_.cancel && hooks_.cancel->load(); }

  void publish(const std::string& message = "") {
    progress_.message = message;
    progress_.elapsed_s = std::chrono::duration<double>(Clock::now() - started_).count();
    if (hooks_.on_progress) hooks_.on_progress(progress_);
  }

  void note(const std::string& line) {
    outcome_.preflight.lines.push_back(line);
    publish(line);
  }

  // Set-up in dependency order: tokenizer and template (the data needs them) -> data -> model
  // (its vocab is checked against the tokenizer) -> trainable parameters -> optimizer ->
  // pre-flight checks -> run log -> resume (needs all of the above) -> the memory ledger (the
  // run id names the entries).
  void setup() {
    progress_.name = c_.name;
    if (hooks_.manage_threads) runtime_init(c_.threads);
    at::manual_seed(c_.seed);  // dropout draws from the default generator: same seed, same run
    device_ = parse_device(c_.device);
    const std::string tokenizer_path = !c_.tokenizer_path.empty()
                                           ? c_.tokenizer_path
                                           : (fs::path(c_.model_path) / "tokenizer.model").string();
    tokenizer_ = c_.model_path.empty() || !c_.tokenizer_path.empty()
                     ? tokenizer_load_file(tokenizer_path)
                     : tokenizer_load_dir(c_.model_path);
    tokenizer_path_ = tokenizer_path;
    template_ = chat_template_by_name(c_.chat_template);
    nlohmann::json tools = nlohmann::json::array();
    if (c_.include_tools) {
      ToolRegistry registry;
      register_builtin_tools(registry);
      tools = registry.list_json();
    }
    load_data(tools);
    load_model();
    make_trainable();
    preflight();
    open_run_log();
    if (resume_) restore();
    report_memory();
  }

  void load_data(const nlohmann::json& tools) {
    DatasetOptions options;
    options.format = dataset_format_from_name(c_.format);
    options.strict = c_.strict;
    options.system_prompt = c_.system_prompt;
    DatasetLoadReport report;
    std::vector<DatasetRow> rows = dataset_load(c_.train_file, options, report);
    for (const auto& p : report.problems) note("skipped: " + p);
    std::vector<DatasetRow> eval_rows;
    if (!c_.eval_file.empty()) {
      DatasetLoadReport eval_report;
      eval_rows = dataset_load(c_.eval_file, options, eval_report);
    } else if (c_.eval_fraction > 0) {
      auto split = dataset_split(std::move(rows), c_.eval_fraction, c_.seed);
      rows = std::move(split.first);
      eval_rows = std::move(split.second);
    }
    if (rows.empty()) throw std::runtime_error(c_.train_file + ": no usable rows");
    train_ = encode_rows(rows, *template_, tools, *tokenizer_, c_.max_len);
    eval_ = encode_rows(eval_rows, *template_, tools, *tokenizer_, c_.max_len);
    PreflightReport& p = outcome_.preflight;
    p.rows_used = static_cast<int>(rows.size());
    p.rows_skipped = report.rows_skipped;
    p.eval_rows = static_cast<int>(eval_.size());
    const MaskStats stats = mask_stats(train_);
    p.tokens = stats.tokens;
    p.loss_tokens = stats.loss_tokens;
    p.examples_eos_unlabelled = stats.examples_eos_unlabelled;
    const MaskStats eval_stats = mask_stats(eval_);
    p.longest_example = std::max(stats.longest_example, eval_stats.longest_example);
    p.most_loss_tokens = std::max(stats.most_loss_tokens, eval_stats.most_loss_tokens);
    p.rows_truncated = stats.examples_truncated;
    p.template_name = template_->name();
    p.template_hash = template_->template_hash();
  }

  void load_model() {
    const at::ScalarType dtype = parse_dtype(c_.dtype);
    if (c_.init == "random") {
      ModelConfig mc = c_.random_config;
      if (mc.vocab_size < tokenizer_->vocab_size()) mc.vocab_size = tokenizer_->vocab_size();
      mc.bos_token_id = tokenizer_->special().bos_id;
      mc.eos_token_ids = {tokenizer_->special().eos_id};
      owned_model_.emplace(
          LlamaModel::random(mc, c_.seed, 0.02, at::TensorOptions().dtype(dtype).device(device_)));
    } else if (hooks_.shared_base && c_.method == "lora") {
      model_ = hooks_.shared_base;
    } else {
      owned_model_.emplace(LlamaModel::load(c_.model_path, {c_.device, c_.dtype}));
    }
    if (owned_model_) model_ = &*owned_model_;
    if (tokenizer_->vocab_size() > model_->config().vocab_size)
      throw std::runtime_error(tokenizer_path_ + ": the tokenizer has " +
                               std::to_string(tokenizer_->vocab_size()) +
                               " pieces but the model's embedding has " +
                               std::to_string(model_->config().vocab_size) + " rows");
  }

  void make_trainable() {
    if (c_.method == "lora") {
      adapter_ = lora_create(model_->config(), model_->weights(), c_.lora, c_.seed);
      adapter_->base_model = c_.model_path;
      adapter_->template_hash = template_->template_hash();
      params_ = adapter_->parameters();
    } else {
      LlamaWeights& w = owned_model_->mutable_weights();
      w.make_trainable_copy();  // full training owns its weights
      for (auto& [name, t] : w.named()) params_.push_back(t);
    }
    for (const auto& p : params_) outcome_.preflight.trainable_params += p.numel();
    optimizer_.emplace(params_, c_.adamw);
    std::vector<size_t> lengths;
    lengths.reserve(train_.size());
    for (const auto& e : train_) lengths.push_back(e.ids.size());
    order_.emplace(std::move(lengths), c_.batch_size, c_.seed, c_.group_by_length);
    const int steps_per_epoch =
        std::max(1, (order_->batches_per_epoch() + c_.grad_accum - 1) / c_.grad_accum);
    total_steps_ = c_.steps > 0 ? c_.steps : steps_per_epoch * std::max(1, c_.epochs);
    schedule_ = c_.schedule;
    schedule_.total_steps = total_steps_;
    progress_.total_steps = total_steps_;
  }

  void preflight() {
    PreflightReport& p = outcome_.preflight;
    const double share = p.tokens ? static_cast<double>(p.loss_tokens) / p.tokens : 0.0;
    note("data: " + std::to_string(p.rows_used) + " rows used, " + std::to_string(p.rows_skipped) +
         " skipped, " + std::to_string(p.rows_truncated) + " truncated at max_len " +
         std::to_string(c_.max_len) + "; " + std::to_string(p.eval_rows) + " eval rows");
    note("loss mask: " + std::to_string(p.loss_tokens) + " of " + std::to_string(p.tokens) +
         " tokens carry loss (" + fmt(100 * share, 3) + "%)");
    note(p.examples_eos_unlabelled == 0
             ? "end of turn: every assistant turn's closing marker carries a label"
             : "end of turn: " + std::to_string(p.examples_eos_unlabelled) +
                   " examples have an assistant turn whose closing marker carries no label "
                   "(truncated?)");
    note("template: " + p.template_name + " (hash " + p.template_hash + ")");
    const std::string blas = device_.is_cpu() ? machine_limits_blas() : "";
    if (!blas.empty()) note("blas: " + blas);
    const int length = std::min(c_.max_len, std::max(1, p.longest_example));
    p.memory_needed_bytes = estimate_memory(
        model_->config(), p.trainable_params, c_.batch_size, length,
        static_cast<double>(c_.batch_size) * p.most_loss_tokens, c_.method == "full");
    p.memory_free_bytes = free_memory_bytes(device_);
    note("memory: ~" + gib(p.memory_needed_bytes) + " needed (" +
         std::to_string(p.trainable_params) + " trainable params, activations for " +
         std::to_string(c_.batch_size) + " x " + std::to_string(length) +
         " tokens, the head for up to " + std::to_string(c_.batch_size * p.most_loss_tokens) +
         " targets) of " + gib(p.memory_free_bytes) + " free");
    if (p.loss_tokens == 0 || share < c_.min_loss_share)
      throw std::runtime_error("only " + fmt(100 * share, 3) + "% of tokens carry loss (minimum " +
                               fmt(100 * c_.min_loss_share, 3) +
                               "%): the assistant turns are missing or masked; "
                               "check [data] format and template");
    if (p.memory_needed_bytes > p.memory_free_bytes)
      throw std::runtime_error("the job needs ~" + gib(p.memory_needed_bytes) + " but only " +
                               gib(p.memory_free_bytes) +
                               " is free: lower [run] batch_size or [data] max_len");
  }

  void open_run_log() {
    run_log_.emplace(RunLog::open(c_.db.empty() ? default_database_path() : c_.db));
    RunStart start;
    start.name = c_.name;
    start.method = c_.method;
    start.config_toml = c_.source_text;
    start.output_dir = c_.output_dir;
    start.template_hash = outcome_.preflight.template_hash;
    start.total_steps = total_steps_;
    run_id_ = run_log_->start_run(start);
    nlohmann::json summary = {{"preflight", outcome_.preflight.lines},
                              {"trainable_params", outcome_.preflight.trainable_params},
                              {"loss_tokens", outcome_.preflight.loss_tokens},
                              {"tokens", outcome_.preflight.tokens}};
    run_log_->set_summary(run_id_, summary);
    progress_.run_id = outcome_.run_id = run_id_;
  }

  void restore() {
    auto latest = checkpoint_latest(c_.output_dir);
    if (!latest) {
      note("resume: no checkpoint in " + c_.output_dir + ", starting from step 0");
      return;
    }
    CheckpointData data = checkpoint_load(*latest, adapter_.get(),
                                          adapter_ ? nullptr : &owned_model_->mutable_weights());
    optimizer_->restore(data.optimizer_steps, data.exp_avg, data.exp_avg_sq);
    rng_state_restore(data.state.rng_state);
    state_ = data.state;
    resumed_from_ = state_.step;
    note("resume: continuing from " + *latest + " (step " + std::to_string(state_.step) + ")");
  }

  // The ledger's entries for what the run holds beside the base model: the adapter's A and B
  // (LoRA) and the optimizer's moments.
  void report_memory() {
    if (!hooks_.memory) return;
    memory_holder_ = "run " + std::to_string(run_id_);
    if (adapter_) memory_account_lora(*hooks_.memory, memory_holder_, *adapter_);
    memory_account_optimizer(*hooks_.memory, memory_holder_, optimizer_->state_bytes());
  }

  void forget_memory() {
    if (!hooks_.memory || memory_holder_.empty()) return;
    hooks_.memory->remove(MemoryCategory::kLora, memory_holder_);
    hooks_.memory->remove(MemoryCategory::kOptimizer, memory_holder_);
  }

  // Micro-batches of the next optimizer step, advancing the data position.
  std::vector<Batch> next_batches() {
    std::vector<Batch> batches;
    for (int a = 0; a < c_.grad_accum; ++a) {
      std::vector<const EncodedExample*> examples;
      for (size_t i : order_->batch(state_.epoch, state_.batch_in_epoch))
        examples.push_back(&train_[i]);
      batches.push_back(make_batch(examples, device_));
      if (++state_.batch_in_epoch >= order_->batches_per_epoch()) {
        state_.batch_in_epoch = 0;
        ++state_.epoch;
      }
    }
    return batches;
  }

  double evaluate() {
    if (eval_.empty()) return NAN;
    at::NoGradGuard no_grad;
    double nll = 0;
    long long count = 0;
    for (size_t begin = 0; begin < eval_.size(); begin += c_.batch_size) {
      std::vector<const EncodedExample*> examples;
      for (size_t i = begin; i < std::min(eval_.size(), begin + c_.batch_size); ++i)
        examples.push_back(&eval_[i]);
      Batch b = make_batch(examples, device_);
      if (b.loss_tokens == 0) continue;
      ForwardOptions fo;
      fo.logit_rows = b.loss.rows;
      at::Tensor logits = model_->forward(b.ids, nullptr, 0, adapter_.get(), fo);
      nll += token_nll_sum(logits, b.loss.targets).item<double>();
      count += b.loss_tokens;
    }
    return count ? nll / count : NAN;
  }

  void loop() {
    progress_.status = "running";
    publish("training " + std::to_string(total_steps_) + " steps");
    long long tokens_since_log = 0;
    auto log_start = Clock::now();
    const int first_step = state_.step + 1;
    for (int step = first_step; step <= total_steps_ && !cancelled(); ++step) {
      // forward + masked loss + backward over the accumulation group
      optimizer_->zero_grad();
      std::vector<Batch> batches = next_batches();
      long long group_loss_tokens = 0;
      for (const auto& b : batches) group_loss_tokens += b.loss_tokens;
      double loss_sum = 0;
      for (const auto& b : batches) {
        if (b.loss_tokens == 0) continue;
        at::Tensor logits = forward_for_training(b.ids, b.loss.rows);
        at::Tensor nll = token_nll_sum(logits, b.loss.targets);
        (nll / static_cast<double>(group_loss_tokens)).backward();
        loss_sum += nll.item<double>();
        tokens_since_log += b.tokens;
      }
      // clip -> step
      const double grad_norm = optimizer_->clip_grad_norm(c_.grad_clip);
      const double lr = schedule_.lr_at(step);
      optimizer_->step(lr);
      state_.step = step;
      state_.last_loss = group_loss_tokens ? loss_sum / group_loss_tokens : 0.0;
      // log -> eval -> checkpoint
      std::optional<double> eval_loss;
      if (c_.eval_every > 0 && step % c_.eval_every == 0) eval_loss = evaluate();
      if (step % std::max(1, c_.log_every) == 0 || step == total_steps_ || eval_loss) {
        const double seconds = std::chrono::duration<double>(Clock::now() - log_start).count();
        record(step, state_.last_loss, lr, grad_norm, seconds > 0 ? tokens_since_log / seconds : 0,
               eval_loss);
        tokens_since_log = 0;
        log_start = Clock::now();
      }
      if (c_.checkpoint_every > 0 && step % c_.checkpoint_every == 0 && step != total_steps_)
        save_checkpoint();
    }
  }

  // Logits [N, V] of the rows that carry loss.
  at::Tensor forward_for_training(const at::Tensor& ids, const at::Tensor& loss_rows) {
    ForwardOptions fo;
    fo.training = true;
    fo.logit_rows = loss_rows;
    if (c_.autocast == "bf16" && device_.is_cpu()) {
      const CpuBf16Autocast autocast;
      return model_->forward(ids, nullptr, 0, adapter_.get(), fo);
    }
    return model_->forward(ids, nullptr, 0, adapter_.get(), fo);
  }

  void record(int step, double loss, double lr, double grad_norm, double tokens_per_s,
              std::optional<double> eval_loss) {
    StepFigures figures;
    figures.step = step;
    figures.epoch = state_.epoch;
    figures.loss = loss;
    figures.lr = lr;
    figures.grad_norm = grad_norm;
    figures.tokens_per_s = tokens_per_s;
    if (eval_loss && !std::isnan(*eval_loss)) figures.eval_loss = eval_loss;
    figures.elapsed_s = std::chrono::duration<double>(Clock::now() - started_).count();

    RunMetrics m;
    static_cast<StepFigures&>(m) = figures;
    m.memory_bytes = proc_stats_read_process().rss_bytes.value_or(0);
    run_log_->log_metrics(run_id_, m);

    const std::optional<double> latest_eval_loss =
        figures.eval_loss ? figures.eval_loss : progress_.eval_loss;
    static_cast<StepFigures&>(progress_) = figures;
    progress_.eval_loss = latest_eval_loss;
    const int steps_here = step - (resumed_from_ >= 0 ? resumed_from_ : 0);
    progress_.eta_s = run_time_eta_s(figures.elapsed_s, steps_here, total_steps_ - step);
    publish();
  }

  void save_checkpoint() {
    state_.rng_state = rng_state_capture();
    checkpoint_save(c_.output_dir, state_, *optimizer_, adapter_.get(),
                    adapter_ ? nullptr : model_);
    publish("checkpoint: step " + std::to_string(state_.step));
  }

  void save_outputs() {
    if (adapter_) {
      const std::string dir = (fs::path(c_.output_dir) / "adapter").string();
      lora_save_peft(*adapter_, dir);
      outcome_.output = dir;
    } else {
      const std::string dir = (fs::path(c_.output_dir) / "model").string();
      fs::create_directories(dir);
      safetensors_save_model(dir);
      copy_tokenizer_files(c_.model_path, tokenizer_path_, dir);
      outcome_.output = dir;
    }
  }

  void safetensors_save_model(const std::string& dir);

  void finish(const std::string& status, const std::string& error) {
    outcome_.status = status;
    outcome_.error = error;
    outcome_.steps_done = state_.step;
    outcome_.final_loss = state_.last_loss;
    if (status != "failed" && model_) {
      try {
        const double eval_loss = evaluate();
        if (!std::isnan(eval_loss)) outcome_.final_eval_loss = progress_.eval_loss = eval_loss;
        save_checkpoint();
        save_outputs();
      } catch (const std::exception& e) {
        outcome_.status = "failed";
        outcome_.error = e.what();
      }
    }
    progress_.status = outcome_.status;
    if (run_log_) {
      try {
        if (outcome_.final_eval_loss) {
          RunMetrics m;
          m.step = state_.step;
          m.epoch = state_.epoch;
          m.loss = state_.last_loss;
          m.eval_loss = *outcome_.final_eval_loss;
          m.elapsed_s = std::chrono::duration<double>(Clock::now() - started_).count();
          run_log_->log_metrics(run_id_, m);
        }
        run_log_->finish_run(run_id_, outcome_.status, outcome_.error);
      } catch (const std::exception&) {
        // the outcome already carries the status; a run log that fails now cannot be told more
      }
    }
    publish(outcome_.error.empty() ? outcome_.status + ": " + outcome_.output
                                   : "error: " + outcome_.error);
  }

  const TrainConfig& c_;
  bool resume_;
  const TrainHooks& hooks_;
  Clock::time_point started_;
  at::Device device_{at::kCPU};
  std::unique_ptr<Tokenizer> tokenizer_;
  std::string tokenizer_path_;
  std::unique_ptr<ChatTemplate> template_;
  std::vector<EncodedExample> train_, eval_;
  std::optional<LlamaModel> owned_model_;
  const LlamaModel* model_ = nullptr;
  std::shared_ptr<LoraAdapter> adapter_;
  std::vector<at::Tensor> params_;
  std::optional<AdamW> optimizer_;
  std::optional<BatchOrder> order_;
  LrSchedule schedule_;
  int total_steps_ = 0;
  TrainerState state_;
  int resumed_from_ = -1;
  std::optional<RunLog> run_log_;
  long long run_id_ = 0;
  std::string memory_holder_;  // the ledger key once reported; "" before
  TrainProgress progress_;
  TrainOutcome outcome_;
};

void Run::safetensors_save_model(const std::string& dir) {
  safetensors_write(dir + "/model.safetensors", model_->weights().named(), {{"format", "pt"}});
  ModelConfig mc = model_->config();
  mc.torch_dtype = c_.dtype == "bf16" ? "bfloat16" : "float32";
  atomic_file_write_string(dir + "/config.json", model_config_to_json(mc));
}

}  // namespace

TrainOutcome train_run(const TrainConfig& config, bool resume, const TrainHooks& hooks) {
  Run run(config, resume, hooks);
  return run.execute();
}

}  // namespace tunedeck
