// The trainer end to end on the real stories260k: LoRA SFT learns a tiny chat set (loss halves,
// greedy output moves to the target, base weights untouched), a failed checkpoint write fails
// the run and keeps the last good checkpoint, and generation beside a training thread is unchanged.
#include "train/trainer.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "agent/chat_template.h"
#include "core/atomic_file.h"
#include "core/generator.h"
#include "core/llama_model.h"
#include "core/lora.h"
#include "core/stats/memory_accounting.h"
#include "core/tokenizer.h"
#include "tests/stories_model.h"
#include "tests/test_support.h"
#include "train/checkpoint.h"

namespace tunedeck {
namespace {

namespace fs = std::filesystem;

using testing::stories_dir;

// A job in `dir` on four rows of stories chat (chat.jsonl) from stories260k's folder: the
// [model] table's path, then `after_path` (more of that table and the tables after it).
TrainConfig stories_job(const testing::ScratchDir& dir, const std::string& after_path) {
  testing::write_file(dir.file("chat.jsonl"), testing::stories_chat_jsonl(4));
  return train_config_parse("[model]\npath = \"" + stories_dir() + "\"\n" + after_path,
                            dir.file("job.toml"));
}

TrainConfig lora_config(const testing::ScratchDir& dir, int steps) {
  return stories_job(dir,
                     "[data]\ntrain = \"chat.jsonl\"\ntemplate = \"tunedeck\"\nmax_len = 96\n"
                     "[lora]\nrank = 8\nalpha = 16\ndropout = 0.0\n"
                     "[optim]\nlr = 1e-2\nwarmup_steps = 5\nmin_lr_ratio = 0.1\n"
                     "[run]\noutput_dir = \"out\"\nbatch_size = 4\nsteps = " +
                         std::to_string(steps) +
                         "\nlog_every = 1\nseed = 1\nthreads = 1\ndb = \"runs.db\"\n");
}

std::string greedy_answer(Generator& generator, const Tokenizer& tokenizer,
                          const std::string& question) {
  auto tmpl = chat_template_by_name("tunedeck");
  const std::string prompt = tmpl->render({{"user", question, ""}}, nlohmann::json::array(), true);
  GenerateOptions options;
  options.max_new_tokens = 24;
  options.stop_strings = tmpl->stop_strings();
  return generator.generate_ids(tokenizer.encode_prompt(prompt), options, nullptr, nullptr).text;
}

// Hooks that keep the loss of each logged step, in step order.
TrainHooks collect_losses(std::vector<double>& losses) {
  TrainHooks hooks;
  hooks.on_progress = [&losses](const TrainProgress& p) {
    if (p.message.empty() && p.status == "running" && p.step > static_cast<int64_t>(losses.size()))
      losses.push_back(p.loss);
  };
  return hooks;
}

double checksum(const LlamaModel& model) {
  double sum = 0;
  for (const auto& [name, t] : model.weights().named())
    sum += t.to(at::kDouble).abs().sum().item<double>();
  return sum;
}

TEST(Trainer, LoraSftOnStories260kLearnsTheTargetAndLeavesTheBaseAlone) {
  testing::ScratchDir dir;
  TrainConfig config = lora_config(dir, 120);
  LlamaModel base = LlamaModel::load(stories_dir(), {});
  const double base_sum = checksum(base);
  std::vector<double> losses;
  TrainHooks hooks = collect_losses(losses);
  hooks.shared_base = &base;
  TrainOutcome outcome = train_run(config, false, hooks);
  ASSERT_EQ(outcome.status, "finished") << outcome.error;
  ASSERT_EQ(losses.size(), 120u);
  EXPECT_LT(losses.back(), losses.front() / 2)
      << "first " << losses.front() << " last " << losses.back();
  EXPECT_EQ(checksum(base), base_sum) << "LoRA training changed the base weights";
  EXPECT_GT(outcome.preflight.loss_tokens, 0);
  EXPECT_EQ(outcome.preflight.examples_eos_unlabelled, 0);
  // The memory estimate is sized by the longest example and its targets, not max_len.
  EXPECT_GT(outcome.preflight.longest_example, 0);
  EXPECT_LE(outcome.preflight.longest_example, config.max_len);
  EXPECT_GT(outcome.preflight.most_loss_tokens, 0);
  EXPECT_LT(outcome.preflight.most_loss_tokens, outcome.preflight.longest_example);
  ASSERT_TRUE(fs::exists(dir.file("out/adapter/adapter_config.json")));

  auto tokenizer = tokenizer_load_dir(stories_dir());
  Generator generator(base, *tokenizer);
  const std::string before = greedy_answer(generator, *tokenizer, "Who has a red ball?");
  generator.set_adapter(lora_load_peft(dir.file("out/adapter"), base.config(), base.weights()));
  const std::string after = greedy_answer(generator, *tokenizer, "Who has a red ball?");
  EXPECT_NE(before.find("Tom has a red ball."), 0u) << before;
  EXPECT_EQ(after.find("Tom has a red ball."), 0u) << "adapter output: " << after;
}

TEST(Trainer, FailedCheckpointWriteFailsTheRunAndKeepsTheLastGoodOne) {
  testing::ScratchDir dir;
  TrainConfig config = lora_config(dir, 12);
  config.checkpoint_every = 4;
  TrainHooks hooks;
  hooks.on_progress = [&](const TrainProgress& p) {
    if (p.message == "checkpoint: step 4")
      atomic_file_inject_failure_after(0);  // the disk "fills up"
  };
  TrainOutcome outcome = train_run(config, false, hooks);
  atomic_file_inject_failure_after(-1);
  EXPECT_EQ(outcome.status, "failed");
  EXPECT_NE(outcome.error.find("checkpoint at step 8 failed"), std::string::npos) << outcome.error;
  EXPECT_NE(outcome.error.find("No space left on device"), std::string::npos) << outcome.error;
  auto latest = checkpoint_latest(dir.file("out"));
  ASSERT_TRUE(latest.has_value());
  EXPECT_EQ(fs::path(*latest).filename(), "step-000004");
  for (auto& e : fs::directory_iterator(dir.file("out/checkpoints")))
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos)
        << "left a temp folder " << e.path();
  LlamaModel base = LlamaModel::load(stories_dir(), {});
  EXPECT_NO_THROW(lora_load_peft(*latest, base.config(), base.weights()));
}

TEST(Trainer, TheMemoryLedgerHoldsTheRunsLoraAndOptimizerOnlyWhileItRuns) {
  testing::ScratchDir dir;
  TrainConfig config = lora_config(dir, 3);  // rank 8 on every projection
  LlamaModel base = LlamaModel::load(stories_dir(), {});
  const ModelConfig& c = base.config();
  // r x (in + out) f32 numbers per projection: q, k, v, o, gate, up, down.
  const int64_t C = c.hidden_size, F = c.intermediate_size, q = c.num_heads * c.head_dim,
                kv = c.num_kv_heads * c.head_dim;
  const int64_t lora = c.num_layers * 8 * 4 * ((C + q) + 2 * (C + kv) + (q + C) + 3 * (C + F));
  MemoryAccounting ledger;
  ledger.set(MemoryCategory::kLora, "chat adapter", 100);  // the chat's: stays
  std::vector<MemoryAccountingStats> running;
  TrainHooks hooks;
  hooks.shared_base = &base;
  hooks.memory = &ledger;
  hooks.on_progress = [&](const TrainProgress& p) {
    if (p.status == "running") running.push_back(ledger.snapshot());
  };
  const TrainOutcome outcome = train_run(config, false, hooks);
  ASSERT_EQ(outcome.status, "finished") << outcome.error;
  ASSERT_FALSE(running.empty());
  for (const MemoryAccountingStats& during : running) {
    EXPECT_EQ(during.lora_bytes, 100 + lora);
    EXPECT_EQ(during.optimizer_bytes, 2 * lora);  // AdamW: m and v, f32, one of each per number
  }
  const MemoryAccountingStats after = ledger.snapshot();
  EXPECT_EQ(after.lora_bytes, 100);
  EXPECT_EQ(after.optimizer_bytes, 0);
}

TEST(Trainer, AFailedRunLeavesNothingInTheMemoryLedger) {
  testing::ScratchDir dir;
  TrainConfig config = lora_config(dir, 12);
  config.checkpoint_every = 4;
  MemoryAccounting ledger;
  bool reported = false;
  TrainHooks hooks;
  hooks.memory = &ledger;
  hooks.on_progress = [&](const TrainProgress& p) {
    reported = reported || ledger.snapshot().optimizer_bytes > 0;
    if (p.message == "checkpoint: step 4") atomic_file_inject_failure_after(0);
  };
  const TrainOutcome outcome = train_run(config, false, hooks);
  atomic_file_inject_failure_after(-1);
  ASSERT_EQ(outcome.status, "failed");
  EXPECT_TRUE(reported);
  EXPECT_EQ(ledger.snapshot().lora_bytes, 0);
  EXPECT_EQ(ledger.snapshot().optimizer_bytes, 0);
}

TEST(Trainer, GenerationBesideATrainingThreadIsUnchanged) {
  const auto& [base, tokenizer] = testing::load_stories();
  Generator generator(base, *tokenizer);
  GenerateOptions options = testing::up_to(48);
  const auto prompt = tokenizer->encode_prompt("One day, a girl named");
  const auto alone = generator.generate_ids(prompt, options, nullptr, nullptr).output_ids;

  testing::ScratchDir dir;
  TrainConfig config = lora_config(dir, 400);
  std::atomic<bool> cancel{false}, running{false};
  TrainHooks hooks;
  hooks.shared_base = &base;
  hooks.cancel = &cancel;
  hooks.manage_threads = false;
  hooks.on_progress = [&](const TrainProgress& p) { running = running || p.step > 0; };
  std::thread trainer([&] { train_run(config, false, hooks); });
  while (!running) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::vector<std::vector<int>> during;
  for (int i = 0; i < 3; ++i) {
    Generator fresh(base, *tokenizer);
    during.push_back(fresh.generate_ids(prompt, options, nullptr, nullptr).output_ids);
  }
  cancel = true;
  trainer.join();
  for (const auto& ids : during) EXPECT_EQ(ids, alone);
}

}  // namespace
}  // namespace tunedeck

namespace tunedeck {
namespace {

// Full training from a fresh random init of a given config (how the demo model is made): every
// weight trains, the loss falls, and the saved folder loads and generates like any HF model.
TEST(Trainer, FullTrainingFromRandomInitSavesALoadableModel) {
  testing::ScratchDir dir;
  const TrainConfig config = stories_job(
      dir,
      "init = \"random\"\n"
      "[model.config]\nhidden_size = 32\nnum_hidden_layers = 2\nnum_attention_heads = 4\n"
      "num_key_value_heads = 2\nintermediate_size = 64\nvocab_size = 512\n"
      "max_position_embeddings = 128\ntie_word_embeddings = true\n"
      "[data]\ntrain = \"chat.jsonl\"\nmax_len = 96\n"
      "[method]\nkind = \"full\"\n"
      "[optim]\nlr = 1e-2\nwarmup_steps = 5\n"
      "[run]\noutput_dir = \"out\"\nbatch_size = 4\nsteps = 60\nlog_every = 1\nseed = 3\n"
      "threads = 1\ndb = \"runs.db\"\n");
  std::vector<double> losses;
  const TrainHooks hooks = collect_losses(losses);
  TrainOutcome outcome = train_run(config, false, hooks);
  ASSERT_EQ(outcome.status, "finished") << outcome.error;
  EXPECT_GT(outcome.preflight.trainable_params, 10000);
  ASSERT_EQ(losses.size(), 60u);
  EXPECT_LT(losses.back(), losses.front() / 2) << losses.front() << " -> " << losses.back();
  EXPECT_EQ(outcome.output, dir.file("out/model"));
  LlamaModel trained = LlamaModel::load(outcome.output, {});
  EXPECT_EQ(trained.config().hidden_size, 32);
  EXPECT_TRUE(trained.weights().lm_head.is_same(trained.weights().embed));
  auto tokenizer = tokenizer_load_dir(outcome.output);
  Generator generator(trained, *tokenizer);
  GenerateOptions options;
  options.max_new_tokens = 8;
  options.sampling.min_new_tokens = 8;  // a barely trained model may well say EOS early
  EXPECT_EQ(generator.generate_ids(tokenizer->encode_prompt("Who"), options, nullptr, nullptr)
                .output_ids.size(),
            8u);
}

}  // namespace
}  // namespace tunedeck

namespace tunedeck {
namespace {

// Gradient accumulation weighs every loss token the same: batch 4 equals 2 micro-batches of 2.
TEST(Trainer, GradientAccumulationMatchesTheBigBatch) {
  auto run = [](int batch, int accum) {
    testing::ScratchDir dir;
    TrainConfig config = lora_config(dir, 6);
    config.batch_size = batch;
    config.grad_accum = accum;
    std::vector<double> losses;
    const TrainHooks hooks = collect_losses(losses);
    TrainOutcome outcome = train_run(config, false, hooks);
    EXPECT_EQ(outcome.status, "finished") << outcome.error;
    return losses;
  };
  const auto big = run(4, 1), accumulated = run(2, 2);
  ASSERT_EQ(big.size(), 6u);
  ASSERT_EQ(accumulated.size(), 6u);
  for (size_t i = 0; i < big.size(); ++i)
    EXPECT_NEAR(big[i], accumulated[i], 1e-4) << "step " << i + 1;
}

}  // namespace
}  // namespace tunedeck

namespace tunedeck {
namespace {

// Full training from a pretrained checkpoint: every weight moves, the checkpoint on disk does not.
TEST(Trainer, FullFineTuneOfAPretrainedModelLeavesItsFilesAlone) {
  testing::ScratchDir dir;
  TrainConfig config = lora_config(dir, 10);
  config.method = "full";
  config.schedule.peak_lr = 1e-3;
  const std::string weights = stories_dir() + "/model.safetensors";
  const std::string before = testing::read_file(weights);
  TrainOutcome outcome = train_run(config, false, {});
  ASSERT_EQ(outcome.status, "finished") << outcome.error;
  EXPECT_EQ(outcome.preflight.trainable_params, 260032);
  EXPECT_TRUE(testing::read_file(weights) == before)
      << "full training wrote into the base checkpoint";
  LlamaModel base = LlamaModel::load(stories_dir(), {});
  LlamaModel tuned = LlamaModel::load(outcome.output, {});
  EXPECT_FALSE(at::equal(base.weights().layers[0].wq, tuned.weights().layers[0].wq));
  EXPECT_FALSE(at::equal(base.weights().embed, tuned.weights().embed));
}

}  // namespace
}  // namespace tunedeck
