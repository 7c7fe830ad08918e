// The app's training thread: one train_run() at a time in the background, its TrainProgress
// posted as events, stopped by a cancel flag, its LoRA and optimizer bytes in the app's memory
// ledger while it runs. LoRA on the model the chat already holds shares its weights (no second
// copy). Not the trainer (train/trainer.h) and not the run log reading (tui/app_monitor.h).
// Thread rules: the public methods from the UI thread; the run on its own.
#pragma once
#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "core/stats/memory_accounting.h"
#include "train/train_config.h"
#include "tui/app_event_queue.h"

namespace tunedeck {

class LlamaModel;  // core/llama_model.h

class TrainWorker {
 public:
  // `events` and `accounting` must outlive the worker.
  TrainWorker(AppEventQueue& events, MemoryAccounting& accounting)
      : events_(events), accounting_(accounting) {}
  ~TrainWorker();  // stop(), then waits for the run to end (it checks the flag every step)
  TrainWorker(const TrainWorker&) = delete;
  TrainWorker& operator=(const TrainWorker&) = delete;

  // Starts `config` on a new thread that uses `threads` CPU threads. `shared_base` (may be
  // nullptr) is the chat's model, used as the frozen base when it is the config's model.
  // Throws std::runtime_error when a run is still going.
  void start(TrainConfig config, std::shared_ptr<const LlamaModel> shared_base, int threads);
  void stop();  // asks the run to stop after the current step
  bool running() const { return running_; }

 private:
  void run(const TrainConfig& config, std::shared_ptr<const LlamaModel> shared_base, int threads);

  AppEventQueue& events_;
  MemoryAccounting& accounting_;
  std::atomic<bool> cancel_{false};
  std::atomic<bool> running_{false};
  std::thread thread_;
};

}  // namespace tunedeck
