#include "tui/train_worker.h"

#include <stdexcept>

#include "core/runtime.h"
#include "core/stats/proc_stats.h"
#include "train/trainer.h"

namespace tunedeck {

TrainWorker::~TrainWorker() {
  stop();
  if (thread_.joinable()) thread_.join();
}

void TrainWorker::start(TrainConfig config, std::shared_ptr<const LlamaModel> shared_base,
                        int threads) {
  if (running_) throw std::runtime_error("a training run is going: /train stop ends it first");
  if (thread_.joinable()) thread_.join();  // the previous run has ended: this returns at once
  cancel_ = false;
  running_ = true;
  thread_ = std::thread([this, config = std::move(config), shared_base, threads] {
    proc_stats_name_this_thread("td-train");
    run(config, shared_base, threads);
  });
}

void TrainWorker::stop() { cancel_ = true; }

void TrainWorker::run(const TrainConfig& config, std::shared_ptr<const LlamaModel> shared_base,
                      int threads) {
  TrainHooks hooks;
  hooks.cancel = &cancel_;
  hooks.shared_base = shared_base.get();  // kept alive by `shared_base` until the run returns
  hooks.manage_threads = false;
  hooks.memory = &accounting_;
  hooks.on_progress = [this](const TrainProgress& progress) {
    AppEvent event;
    event.kind = AppEventKind::kTrainProgress;
    event.train = progress;
    events_.push(std::move(event));
  };
  AppEvent done;
  done.kind = AppEventKind::kNotice;
  try {
    runtime_init(threads);  // this thread only: see App's thread split
    const TrainOutcome outcome = train_run(config, false, hooks);
    done.ok = outcome.status != "failed";
    done.text =
        "training run " + std::to_string(outcome.run_id) + " " + outcome.status +
        (outcome.error.empty() ? "" : ": " + outcome.error) +
        (outcome.output.empty() || outcome.status != "finished" ? ""
         : config.method == "lora"
             ? "; adapter in " + outcome.output + " (try it: /adapter " + outcome.output + ")"
             : "; model in " + outcome.output + " (try it: /model " + outcome.output + ")");
  } catch (const std::exception& e) {  // train_run reports failures itself; this is a backstop
    done.ok = false;
    done.text = std::string("training failed: ") + e.what();
  }
  release_freed_memory();  // the run's activations and gradients: back to the system
  running_ = false;
  events_.push(std::move(done));
}

}  // namespace tunedeck
