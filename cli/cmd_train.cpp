// `tunedeck train CONFIG.toml [--resume] [--steps N] [--json]`: runs one training job in this
// process. On a terminal a progress line is redrawn in place; otherwise one line per logged step;
// --json prints one JSON object per event and a final outcome object. Ctrl-C stops after the
// current step, saves a checkpoint and the adapter/model so far.
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/interrupt.h"
#include "train/run_time.h"
#include "train/train_config.h"
#include "train/trainer.h"

namespace tunedeck {
namespace {

const char kUsage[] =
    "usage: tunedeck train CONFIG.toml [--resume] [--steps N] [--json] [--db FILE]\n"
    "\n"
    "Trains a model as CONFIG.toml describes (LoRA or full; see etc/train/*.toml, each key is\n"
    "commented). Before step 1 it prints the pre-flight checks: rows used/skipped/truncated, the\n"
    "share of tokens that carry loss, whether each assistant turn's end marker is learned, the\n"
    "template hash, and the memory the job needs against what is free.\n"
    "Every metric goes to the run log (tunedeck runs watch ID follows it from another shell).\n"
    "\n"
    "  --resume     continue from the latest checkpoint in the run's output_dir\n"
    "  --steps N    train N optimizer steps instead of [run] steps; the learning-rate schedule\n"
    "               spans N. To train in stages: --steps 2400 first, then --resume (the\n"
    "               schedule then spans the config's steps from where the checkpoint stopped)\n"
    "  --json       one JSON object per event on stdout (and a final outcome object)\n"
    "  --db FILE    run log database (default: ~/.local/share/tunedeck/tunedeck.db)\n"
    "\n"
    "Ctrl-C stops after the current step and saves what was trained so far.\n";

std::string progress_line(const TrainProgress& p, bool bar) {
  char line[256];
  std::string eval = p.eval_loss ? "  eval " + std::to_string(*p.eval_loss).substr(0, 6) : "";
  std::string meter;
  if (bar) {
    const int width = 20;
    const int filled = p.total_steps ? width * p.step / p.total_steps : 0;
    meter = "[" + std::string(filled, '#') + std::string(width - filled, '.') + "] ";
  }
  std::snprintf(line, sizeof line,
                "%sstep %d/%d  loss %.4f  lr %.2e  |g| %.3f  %.0f tok/s  ETA %s%s", meter.c_str(),
                static_cast<int>(p.step), p.total_steps, p.loss, p.lr, p.grad_norm, p.tokens_per_s,
                run_time_text(p.eta_s).c_str(), eval.c_str());
  return line;
}

nlohmann::json progress_json(const TrainProgress& p) {
  nlohmann::json j = {{"run_id", p.run_id},       {"status", p.status},
                      {"step", p.step},           {"total_steps", p.total_steps},
                      {"loss", p.loss},           {"lr", p.lr},
                      {"grad_norm", p.grad_norm}, {"tokens_per_s", p.tokens_per_s},
                      {"elapsed_s", p.elapsed_s}, {"eta_s", p.eta_s}};
  if (p.eval_loss) j["eval_loss"] = *p.eval_loss;
  if (!p.message.empty()) j["message"] = p.message;
  return j;
}

int run_train(CliArgs& args) {
  const bool resume = args.flag("resume");
  const bool json_output = args.flag("json");
  const auto db = args.value("db");
  const std::optional<int> steps = args.optional_int("steps");
  const auto positionals = args.positionals();
  args.finish();
  if (positionals.size() != 1) throw UsageError("expected one CONFIG.toml");
  if (steps && *steps < 1) throw UsageError("--steps must be >= 1");
  TrainConfig config = train_config_load(positionals[0]);
  if (db) config.db = *db;
  if (steps) config.steps = *steps;

  const bool terminal = isatty(STDOUT_FILENO);
  int last_step_shown = -1;
  TrainHooks hooks;
  hooks.cancel = &interrupt_on_sigint();
  hooks.on_progress = [&](const TrainProgress& p) {
    if (json_output) {
      std::cout << progress_json(p).dump() << std::endl;
      return;
    }
    if (!p.message.empty()) {
      std::cout << (terminal ? "\r\033[K" : "") << p.message << "\n" << std::flush;
      return;
    }
    if (p.step == last_step_shown) return;
    last_step_shown = p.step;
    if (terminal)
      std::cout << "\r\033[K" << progress_line(p, true) << std::flush;
    else
      std::cout << progress_line(p, false) << "\n" << std::flush;
  };
  TrainOutcome outcome = train_run(config, resume, hooks);
  if (json_output) {
    nlohmann::json j = {{"run_id", outcome.run_id},         {"status", outcome.status},
                        {"output", outcome.output},         {"steps", outcome.steps_done},
                        {"final_loss", outcome.final_loss}, {"preflight", outcome.preflight.lines}};
    if (outcome.final_eval_loss) j["final_eval_loss"] = *outcome.final_eval_loss;
    if (!outcome.error.empty()) j["error"] = outcome.error;
    std::cout << j.dump() << std::endl;
  } else if (terminal) {
    std::cout << "\n";
  }
  if (outcome.status == "failed") {
    std::cerr << "tunedeck train: error: " << outcome.error << "\n";
    return 1;
  }
  return outcome.status == "cancelled" ? 130 : 0;
}

}  // namespace

extern const Command kTrainCommand = {
    "train", "train a LoRA adapter or a full model from a TOML config", kUsage, run_train};

}  // namespace tunedeck
