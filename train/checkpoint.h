// Training checkpoints that resume exactly: the trained weights (a PEFT adapter, or the full
// model), the AdamW state, the data position and the RNG state, written as one folder that
// appears only when complete (temp folder, then rename; then the "latest" pointer, atomically).
// A failed write (disk full, permission) throws and leaves the previous checkpoint intact.
#pragma once
#include <ATen/core/Tensor.h>

#include <optional>
#include <string>
#include <vector>

#include "core/llama_model.h"
#include "core/lora.h"
#include "train/adamw.h"

namespace tunedeck {

struct TrainerState {
  int step = 0;            // optimizer steps done
  int epoch = 0;           // epoch of the next batch
  int batch_in_epoch = 0;  // index of the next batch within that epoch's order
  std::string rng_state;   // the default CPU generator's state, hex
  double last_loss = 0;
};

// What a checkpoint holds for the trainer to restore.
struct CheckpointData {
  TrainerState state;
  long long optimizer_steps = 0;
  std::vector<at::Tensor> exp_avg, exp_avg_sq;
  std::string dir;  // the checkpoint folder it came from
};

// Saves into <run_dir>/checkpoints/step-<N>/ and points <run_dir>/checkpoints/latest at it.
// Exactly one of `adapter` / `full_model` is given.
void checkpoint_save(const std::string& run_dir, const TrainerState& state, const AdamW& optimizer,
                     const LoraAdapter* adapter, const LlamaModel* full_model);

// The folder "latest" points at, or nullopt when the run has no checkpoint yet.
std::optional<std::string> checkpoint_latest(const std::string& run_dir);

// Reads trainer + optimizer state, and copies the saved weights into `adapter` or `full_weights`
// (same layout as when saved; throws naming the file on any mismatch).
CheckpointData checkpoint_load(const std::string& checkpoint_dir, LoraAdapter* adapter,
                               LlamaWeights* full_weights);

std::string rng_state_capture();  // default CPU generator -> hex
void rng_state_restore(const std::string& hex);

}  // namespace tunedeck
