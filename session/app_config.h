// tunedeck's settings from TOML, in layers: etc/tunedeck.toml (shipped defaults) <
// $XDG_CONFIG_HOME/tunedeck/config.toml (default ~/.config/...) < --config FILE; command-line
// flags are applied over the result by the caller. Strict: an unknown key, a wrong type or a
// bad value is an AppConfigError naming file, line and key. Not for flags. Plain data; loading is
// thread-safe (it reads the environment and files only).
#pragma once
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "agent/user_tool.h"
#include "core/sampler.h"

namespace tunedeck {

struct AppConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Paths below are absolute after loading: a relative path in a file is taken relative to that
// file's folder, and "~/" means $HOME. Empty means "not set".
struct ModelSettings {
  std::string path;            // model folder (config.json + safetensors + tokenizer)
  std::string device = "cpu";  // "cpu", "cuda" or "cuda:N"
  std::string dtype = "f32";   // "f32", "bf16" or "f16"
  int threads = 0;             // CPU threads for torch; 0 = all cores
  std::string adapter;         // LoRA adapter folder (PEFT format)
  std::string models_dir;      // a folder of model folders, listed beside the Hugging Face cache
};

struct SamplingSettings {
  double temperature = 0;     // 0 = greedy
  int top_k = 0;              // 0 = off
  double top_p = 1;           // 1 = off
  double min_p = 0;           // 0 = off
  double repeat_penalty = 1;  // 1 = off
  int max_new_tokens = 256;
  std::uint64_t seed = 0;

  SamplingParams to_params() const;  // max_new_tokens lives in the generation request instead
};

struct AgentSettings {
  int max_steps = 5;                    // model turns per question before the loop gives up
  std::string system_prompt;            // see etc/tunedeck.toml for the shipped one
  std::string template_name;            // TOML key "template"; "" = detect from the model
  std::string builtin_tools = "basic";  // "basic" or "calendar" (agent/builtin_tools.h)
};

struct MemorySettings {
  std::string db;  // "" = default_database_path() (core/paths.h)
};

struct StatsSettings {
  double interval_s = 1;     // seconds between GPU/memory samples
  std::string nvml_library;  // "" = libnvidia-ml.so.1 from the loader path
};

struct AppConfig {
  ModelSettings model;
  SamplingSettings sampling;
  AgentSettings agent;
  MemorySettings memory;
  StatsSettings stats;
  std::vector<UserToolSpec> tools;  // [[tools]]; a later layer's tool replaces one of the same name
  std::vector<std::string> files;   // the files read, lowest layer first
  // Where each setting came from: "model.path" -> the file that set it last ("--model" for a
  // flag, set by the caller); absent = the built-in default.
  std::map<std::string, std::string> origins;
};

// Reads one file over `config`: keys it sets override, others stay. Throws AppConfigError.
void app_config_apply_file(AppConfig& config, const std::string& path);

// The full layered load. `explicit_file` is --config ("" = none; it must exist when given). The
// user file is read when it exists. Throws AppConfigError.
AppConfig app_config_load(const std::string& explicit_file = "");

// The folder holding the shipped tunedeck.toml: $TUNEDECK_ETC_DIR, else <exe dir>/../../etc
// (build/bin in a checkout), else <exe dir>/../share/tunedeck/etc, else the source tree's etc/.
// Throws AppConfigError listing where it looked.
std::string app_config_etc_dir();

// The user layer: core/paths.h's user_config_path() (may not exist; "" without a home).
std::string app_config_user_file();

// One setting in effect, for `tunedeck config`.
struct AppSetting {
  std::string key;     // "model.path", "tools.cal"
  std::string value;   // as TOML would write it ("\"f32\"", "0.7", "[\"cal\", \"{month}\"]")
  std::string origin;  // the file that set it, "--flag", or "default"
};

// Every setting of `config` in file order ([model], [sampling], [agent], [memory], [stats],
// then each tool), with config.origins.
std::vector<AppSetting> app_config_settings(const AppConfig& config);

// The database of conversations and runs: memory.db when set, else core/paths.h's
// default_database_path() (which throws without a home).
std::string app_config_db_path(const AppConfig& config);

}  // namespace tunedeck
