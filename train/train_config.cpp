#include "train/train_config.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/toml_reader.h"

namespace tunedeck {
namespace {

namespace fs = std::filesystem;

std::string resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  return (fs::path(base_dir) / path).lexically_normal().string();
}

}  // namespace

TrainConfig train_config_parse(const std::string& text, const std::string& path) {
  const toml::value root = toml_reader_parse(text, path);
  TrainConfig c;
  c.source_path = path;
  c.source_text = text;
  const std::string base = fs::path(path).parent_path().string();
  const TomlReader top(root, path);
  top.check_keys({"model", "data", "method", "lora", "optim", "run"});
  if (const auto m = top.table("model")) {
    m->check_keys({"path", "init", "config", "tokenizer", "dtype", "device", "autocast"});
    m->read_string("path", c.model_path);
    m->read_string("init", c.init);
    m->read_string("tokenizer", c.tokenizer_path);
    m->read_string("dtype", c.dtype);
    m->read_string("device", c.device);
    m->read_string("autocast", c.autocast);
    if (const auto mc = m->table("config")) {
      mc->check_keys({"hidden_size", "num_hidden_layers", "num_attention_heads",
                      "num_key_value_heads", "intermediate_size", "vocab_size",
                      "max_position_embeddings", "rms_norm_eps", "rope_theta",
                      "tie_word_embeddings"});
      ModelConfig& r = c.random_config;
      mc->read_int("hidden_size", r.hidden_size);
      mc->read_int("num_hidden_layers", r.num_layers);
      mc->read_int("num_attention_heads", r.num_heads);
      r.num_kv_heads = r.num_heads;
      mc->read_int("num_key_value_heads", r.num_kv_heads);
      mc->read_int("intermediate_size", r.intermediate_size);
      mc->read_int("vocab_size", r.vocab_size);
      mc->read_int("max_position_embeddings", r.max_position_embeddings);
      mc->read_double("rms_norm_eps", r.rms_norm_eps);
      mc->read_double("rope_theta", r.rope_theta);
      mc->read_bool("tie_word_embeddings", r.tie_word_embeddings);
      if (r.num_heads > 0) r.head_dim = r.hidden_size / r.num_heads;
    }
  }
  if (const auto d = top.table("data")) {
    d->check_keys({"train", "eval", "eval_fraction", "format", "template", "system_prompt",
                   "include_tools", "builtin_tools", "max_len", "strict"});
    d->read_string("train", c.train_file);
    d->read_string("eval", c.eval_file);
    d->read_double("eval_fraction", c.eval_fraction);
    d->read_string("format", c.format);
    d->read_string("template", c.chat_template);
    d->read_string("system_prompt", c.system_prompt);
    d->read_bool("include_tools", c.include_tools);
    d->read_string("builtin_tools", c.builtin_tools);
    if (c.builtin_tools != "basic" && c.builtin_tools != "calendar")
      d->fail("builtin_tools",
              "builtin_tools = \"" + c.builtin_tools + "\" is not one of \"basic\", \"calendar\"",
              "not allowed");
    d->read_int("max_len", c.max_len);
    d->read_bool("strict", c.strict);
  }
  if (const auto m = top.table("method")) {
    m->check_keys({"kind"});
    m->read_string("kind", c.method);
  }
  if (const auto l = top.table("lora")) {
    l->check_keys({"rank", "alpha", "dropout", "targets"});
    l->read_int("rank", c.lora.rank);
    l->read_double("alpha", c.lora.alpha);
    l->read_double("dropout", c.lora.dropout);
    if (l->has("targets")) {
      std::vector<std::string> names;
      l->read_string_array("targets", names);
      c.lora.targets.clear();
      for (const auto& name : names) c.lora.targets.push_back(lora_target_from_name(name));
    }
  }
  if (const auto o = top.table("optim")) {
    o->check_keys({"lr", "weight_decay", "beta1", "beta2", "eps", "warmup_steps", "schedule",
                   "min_lr_ratio", "grad_clip"});
    o->read_double("lr", c.schedule.peak_lr);
    o->read_double("weight_decay", c.adamw.weight_decay);
    o->read_double("beta1", c.adamw.beta1);
    o->read_double("beta2", c.adamw.beta2);
    o->read_double("eps", c.adamw.eps);
    o->read_int("warmup_steps", c.schedule.warmup_steps);
    o->read_string("schedule", c.schedule.kind);
    o->read_double("min_lr_ratio", c.schedule.min_lr_ratio);
    o->read_double("grad_clip", c.grad_clip);
  }
  if (const auto r = top.table("run")) {
    r->check_keys({"name", "output_dir", "batch_size", "grad_accum", "steps", "epochs", "log_every",
                   "eval_every", "checkpoint_every", "seed", "threads", "group_by_length", "db",
                   "min_loss_share"});
    r->read_string("name", c.name);
    r->read_string("output_dir", c.output_dir);
    r->read_int("batch_size", c.batch_size);
    r->read_int("grad_accum", c.grad_accum);
    r->read_int("steps", c.steps);
    r->read_int("epochs", c.epochs);
    r->read_int("log_every", c.log_every);
    r->read_int("eval_every", c.eval_every);
    r->read_int("checkpoint_every", c.checkpoint_every);
    r->read_u64("seed", c.seed);
    r->read_int("threads", c.threads);
    r->read_bool("group_by_length", c.group_by_length);
    r->read_string("db", c.db);
    r->read_double("min_loss_share", c.min_loss_share);
  }
  auto fail = [&](const std::string& what) { return std::runtime_error(path + ": " + what); };
  if (c.method != "lora" && c.method != "full")
    throw fail("[method] kind must be \"lora\" or \"full\"");
  if (c.init != "pretrained" && c.init != "random")
    throw fail("[model] init must be \"pretrained\" or \"random\"");
  if (c.init == "random" && c.method != "full")
    throw fail("[model] init = \"random\" needs [method] kind = \"full\"");
  if (c.init == "random" && c.random_config.hidden_size <= 0)
    throw fail("[model] init = \"random\" needs a [model.config] table");
  if (c.model_path.empty() && c.init == "pretrained") throw fail("[model] path is required");
  if (c.train_file.empty()) throw fail("[data] train is required");
  if (c.output_dir.empty()) throw fail("[run] output_dir is required");
  if (c.batch_size <= 0 || c.grad_accum <= 0)
    throw fail("[run] batch_size and grad_accum must be positive");
  if (c.max_len < 8) throw fail("[data] max_len must be at least 8");
  if (c.eval_fraction < 0 || c.eval_fraction >= 1)
    throw fail("[data] eval_fraction must be in [0, 1)");
  if (c.autocast != "off" && c.autocast != "bf16")
    throw fail("[model] autocast must be \"off\" or \"bf16\"");
  try {
    lr_schedule_validate(c.schedule);
  } catch (const std::exception& e) {
    throw fail(std::string("[optim] ") + e.what());
  }
  c.model_path = resolve(base, c.model_path);
  c.tokenizer_path = resolve(base, c.tokenizer_path);
  c.train_file = resolve(base, c.train_file);
  c.eval_file = resolve(base, c.eval_file);
  c.output_dir = resolve(base, c.output_dir);
  c.db = resolve(base, c.db);
  if (c.name.empty()) c.name = fs::path(path).stem().string();
  return c;
}

TrainConfig train_config_load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open training config");
  std::stringstream ss;
  ss << in.rdbuf();
  return train_config_parse(ss.str(), path);
}

std::vector<std::string> train_configs_for_model(const std::string& dir,
                                                 const std::string& model_dir) {
  namespace fs = std::filesystem;
  std::vector<std::string> lora, other;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".toml") continue;
    try {
      const toml::value root = toml::parse(entry.path().string());
      const std::string path = toml::find<std::string>(root, "model", "path");
      const fs::path base =
          fs::path(path).is_absolute() ? fs::path(path) : entry.path().parent_path() / path;
      if (!fs::equivalent(base, model_dir, ec)) continue;
      const std::string name = entry.path().filename().string();
      (name.find("lora") != std::string::npos ? lora : other).push_back(entry.path().string());
    } catch (const std::exception&) {
      continue;  // not a training config, or no [model] path: nothing to suggest
    }
  }
  std::sort(lora.begin(), lora.end());
  std::sort(other.begin(), other.end());
  lora.insert(lora.end(), other.begin(), other.end());
  return lora;
}

}  // namespace tunedeck
