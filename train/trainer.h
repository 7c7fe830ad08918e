// One training run, top to bottom: validate, load data and model, pre-flight checks, the loop
// (forward, masked loss, backward, clip, step, log, eval, checkpoint), save, clean up. Used by
// `tunedeck train` and by the app's background training thread. Publishes TrainProgress
// snapshots through a callback and never draws. Cancel from any thread; exceptions never leave
// train_run() for a failure inside the run: the outcome says "failed" with the message.
#pragma once
#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "train/run_log.h"
#include "train/train_config.h"

namespace tunedeck {

class LlamaModel;
class MemoryAccounting;  // core/stats/memory_accounting.h

// What the trainer publishes; a plain snapshot the UI copies: the last logged step's figures
// (StepFigures, train/run_log.h) and the run's state.
struct TrainProgress : StepFigures {
  long long run_id = 0;
  std::string name;
  std::string status = "preparing";  // preparing, running, finished, failed, cancelled
  int total_steps = 0;
  double eta_s = 0;
  std::string message;  // a pre-flight line, a checkpoint note, the error
};

struct PreflightReport {
  int rows_used = 0, rows_skipped = 0, rows_truncated = 0, eval_rows = 0;
  long long tokens = 0, loss_tokens = 0;
  int examples_eos_unlabelled = 0;
  int longest_example = 0;         // tokens of the longest example (train or eval), <= max_len
  long long most_loss_tokens = 0;  // positions with a target in the example that has the most
  std::string template_name, template_hash;
  long long trainable_params = 0;
  double memory_needed_bytes = 0, memory_free_bytes = 0;
  std::vector<std::string> lines;  // what was printed
};

struct TrainOutcome {
  long long run_id = 0;
  std::string status;  // finished, failed, cancelled
  std::string error;
  std::string output;  // the adapter folder (lora) or model folder (full)
  double final_loss = 0;
  std::optional<double> final_eval_loss;
  int steps_done = 0;
  PreflightReport preflight;
};

struct TrainHooks {
  std::function<void(const TrainProgress&)> on_progress;  // called on the training thread
  const std::atomic<bool>* cancel = nullptr;
  // A base model already loaded by the app (same folder as the config's): LoRA trains on it
  // without a second copy. nullptr: the trainer loads its own.
  const LlamaModel* shared_base = nullptr;
  bool manage_threads = true;  // false when the app decides the thread split itself
  // The app's memory ledger (nullptr: none). From the end of set-up until train_run returns it
  // holds the run's LoRA weights (kLora) and AdamW moments (kOptimizer), keyed "run ID".
  MemoryAccounting* memory = nullptr;
};

TrainOutcome train_run(const TrainConfig& config, bool resume, const TrainHooks& hooks);

}  // namespace tunedeck
