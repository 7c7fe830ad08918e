// A training job's settings, read from a documented TOML file (etc/train/*.toml shows every key).
// Strict: a wrong type or an unknown key names the file, line and key. Relative paths are
// resolved against the TOML file's folder. Plain value type.
#pragma once
#include <string>
#include <vector>

#include "core/lora.h"
#include "core/model_config.h"
#include "train/adamw.h"
#include "train/lr_schedule.h"

namespace tunedeck {

struct TrainConfig {
  std::string source_path;  // the TOML file
  std::string source_text;  // its content, saved with the run

  // [model]
  std::string model_path;           // base model folder (init = "pretrained") / tokenizer source
  std::string init = "pretrained";  // "pretrained" | "random" (full training from scratch)
  ModelConfig random_config;        // [model.config] when init = "random"
  std::string tokenizer_path;       // default: <model_path>/tokenizer.model
  std::string dtype = "f32";
  std::string device = "cpu";
  std::string autocast = "off";  // "off" | "bf16"

  // [data]
  std::string train_file;
  std::string eval_file;
  double eval_fraction = 0.0;
  std::string format = "auto";
  std::string chat_template = "tunedeck";  // a family name, or "model" (the model's own template)
  std::string system_prompt;
  bool include_tools = false;
  std::string builtin_tools = "basic";  // which built-in tools include_tools lists: basic|calendar
  int max_len = 512;
  bool strict = false;

  // [method] / [lora]
  std::string method = "lora";  // "lora" | "full"
  LoraSettings lora;

  // [optim]
  AdamWSettings adamw;
  LrSchedule schedule;  // peak_lr, warmup, kind, min_lr_ratio (total_steps is derived)
  double grad_clip = 1.0;

  // [run]
  std::string name;
  std::string output_dir;
  int batch_size = 4;
  int grad_accum = 1;
  int steps = 0;  // optimizer steps; 0 = derived from epochs
  int epochs = 1;
  int log_every = 10;
  int eval_every = 0;        // 0 = only at the end
  int checkpoint_every = 0;  // 0 = only at the end
  uint64_t seed = 0;
  int threads = 0;
  bool group_by_length = false;  // batch rows of similar length together (less padding)
  std::string db;                // run log database ("" = the default one)
  double min_loss_share = 0.01;  // stop before step 1 when fewer tokens carry loss
};

TrainConfig train_config_load(const std::string& path);
TrainConfig train_config_parse(const std::string& toml_text, const std::string& path_for_errors);

// The training configs in `dir` (*.toml, sorted, LoRA ones first) whose [model] path is the
// folder `model_dir`: what to suggest for the model in use. Files that do not parse are skipped.
std::vector<std::string> train_configs_for_model(const std::string& dir,
                                                 const std::string& model_dir);

}  // namespace tunedeck
