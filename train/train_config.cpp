#include "train/train_config.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <toml.hpp>

namespace tunedeck {
namespace {

namespace fs = std::filesystem;
using Table = toml::basic_value<toml::discard_comments>;

// Rejects keys this version does not know, naming the file/line through toml11's formatter.
void check_keys(const Table& table, const std::set<std::string>& known, const std::string& section) {
  for (const auto& [key, value] : table.as_table()) {
    if (!known.count(key))
      throw std::runtime_error(toml::format_error("unknown key '" + key + "' in [" + section + "]", value,
                                                  "not a tunedeck training setting"));
  }
}

template <typename T>
void read(const Table& table, const char* key, T& out) {
  if (table.contains(key)) out = toml::find<T>(table, key);
}

// Floating-point settings also take integers ("alpha = 16" means 16.0).
template <>
void read<double>(const Table& table, const char* key, double& out) {
  if (!table.contains(key)) return;
  const Table& v = toml::find(table, key);
  out = v.is_integer() ? static_cast<double>(v.as_integer()) : toml::find<double>(table, key);
}

std::string resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  return (fs::path(base_dir) / path).lexically_normal().string();
}

const Table* section(const Table& root, const char* name) {
  return root.contains(name) ? &toml::find(root, name) : nullptr;
}

}  // namespace

TrainConfig train_config_parse(const std::string& text, const std::string& path) {
  std::istringstream in(text);
  Table root;
  try {
    root = toml::parse<toml::discard_comments>(in, path);
  } catch (const toml::syntax_error& e) {
    throw std::runtime_error(std::string("syntax error: ") + e.what());
  }
  TrainConfig c;
  c.source_path = path;
  c.source_text = text;
  const std::string base = fs::path(path).parent_path().string();
  try {
    check_keys(root, {"model", "data", "method", "lora", "optim", "run"}, "top level");
    if (const Table* m = section(root, "model")) {
      check_keys(*m, {"path", "init", "config", "tokenizer", "dtype", "device", "autocast"}, "model");
      read(*m, "path", c.model_path);
      read(*m, "init", c.init);
      read(*m, "tokenizer", c.tokenizer_path);
      read(*m, "dtype", c.dtype);
      read(*m, "device", c.device);
      read(*m, "autocast", c.autocast);
      if (m->contains("config")) {
        const Table& mc = toml::find(*m, "config");
        check_keys(mc, {"hidden_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
                        "intermediate_size", "vocab_size", "max_position_embeddings", "rms_norm_eps",
                        "rope_theta", "tie_word_embeddings"}, "model.config");
        ModelConfig& r = c.random_config;
        read(mc, "hidden_size", r.hidden_size);
        read(mc, "num_hidden_layers", r.num_layers);
        read(mc, "num_attention_heads", r.num_heads);
        r.num_kv_heads = r.num_heads;
        read(mc, "num_key_value_heads", r.num_kv_heads);
        read(mc, "intermediate_size", r.intermediate_size);
        read(mc, "vocab_size", r.vocab_size);
        read(mc, "max_position_embeddings", r.max_position_embeddings);
        read(mc, "rms_norm_eps", r.rms_norm_eps);
        read(mc, "rope_theta", r.rope_theta);
        read(mc, "tie_word_embeddings", r.tie_word_embeddings);
        if (r.num_heads > 0) r.head_dim = r.hidden_size / r.num_heads;
      }
    }
    if (const Table* d = section(root, "data")) {
      check_keys(*d, {"train", "eval", "eval_fraction", "format", "template", "system_prompt", "include_tools",
                      "max_len", "strict"}, "data");
      read(*d, "train", c.train_file);
      read(*d, "eval", c.eval_file);
      read(*d, "eval_fraction", c.eval_fraction);
      read(*d, "format", c.format);
      read(*d, "template", c.chat_template);
      read(*d, "system_prompt", c.system_prompt);
      read(*d, "include_tools", c.include_tools);
      read(*d, "max_len", c.max_len);
      read(*d, "strict", c.strict);
    }
    if (const Table* m = section(root, "method")) {
      check_keys(*m, {"kind"}, "method");
      read(*m, "kind", c.method);
    }
    if (const Table* l = section(root, "lora")) {
      check_keys(*l, {"rank", "alpha", "dropout", "targets"}, "lora");
      read(*l, "rank", c.lora.rank);
      read(*l, "alpha", c.lora.alpha);
      read(*l, "dropout", c.lora.dropout);
      if (l->contains("targets")) {
        c.lora.targets.clear();
        for (const auto& name : toml::find<std::vector<std::string>>(*l, "targets"))
          c.lora.targets.push_back(lora_target_from_name(name));
      }
    }
    if (const Table* o = section(root, "optim")) {
      check_keys(*o, {"lr", "weight_decay", "beta1", "beta2", "eps", "warmup_steps", "schedule", "min_lr_ratio",
                      "grad_clip"}, "optim");
      read(*o, "lr", c.schedule.peak_lr);
      read(*o, "weight_decay", c.adamw.weight_decay);
      read(*o, "beta1", c.adamw.beta1);
      read(*o, "beta2", c.adamw.beta2);
      read(*o, "eps", c.adamw.eps);
      read(*o, "warmup_steps", c.schedule.warmup_steps);
      read(*o, "schedule", c.schedule.kind);
      read(*o, "min_lr_ratio", c.schedule.min_lr_ratio);
      read(*o, "grad_clip", c.grad_clip);
    }
    if (const Table* r = section(root, "run")) {
      check_keys(*r, {"name", "output_dir", "batch_size", "grad_accum", "steps", "epochs", "log_every",
                      "eval_every", "checkpoint_every", "seed", "threads", "group_by_length", "db", "min_loss_share"}, "run");
      read(*r, "name", c.name);
      read(*r, "output_dir", c.output_dir);
      read(*r, "batch_size", c.batch_size);
      read(*r, "grad_accum", c.grad_accum);
      read(*r, "steps", c.steps);
      read(*r, "epochs", c.epochs);
      read(*r, "log_every", c.log_every);
      read(*r, "eval_every", c.eval_every);
      read(*r, "checkpoint_every", c.checkpoint_every);
      int64_t seed = 0;
      read(*r, "seed", seed);
      c.seed = static_cast<uint64_t>(seed);
      read(*r, "threads", c.threads);
      read(*r, "group_by_length", c.group_by_length);
      read(*r, "db", c.db);
      read(*r, "min_loss_share", c.min_loss_share);
    }
  } catch (const toml::type_error& e) {
    throw std::runtime_error(std::string("wrong type: ") + e.what());
  } catch (const std::out_of_range& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
  auto fail = [&](const std::string& what) { return std::runtime_error(path + ": " + what); };
  if (c.method != "lora" && c.method != "full") throw fail("[method] kind must be \"lora\" or \"full\"");
  if (c.init != "pretrained" && c.init != "random") throw fail("[model] init must be \"pretrained\" or \"random\"");
  if (c.init == "random" && c.method != "full") throw fail("[model] init = \"random\" needs [method] kind = \"full\"");
  if (c.init == "random" && c.random_config.hidden_size <= 0) throw fail("[model] init = \"random\" needs a [model.config] table");
  if (c.model_path.empty() && c.init == "pretrained") throw fail("[model] path is required");
  if (c.train_file.empty()) throw fail("[data] train is required");
  if (c.output_dir.empty()) throw fail("[run] output_dir is required");
  if (c.batch_size <= 0 || c.grad_accum <= 0) throw fail("[run] batch_size and grad_accum must be positive");
  if (c.max_len < 8) throw fail("[data] max_len must be at least 8");
  if (c.eval_fraction < 0 || c.eval_fraction >= 1) throw fail("[data] eval_fraction must be in [0, 1)");
  if (c.autocast != "off" && c.autocast != "bf16") throw fail("[model] autocast must be \"off\" or \"bf16\"");
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

}  // namespace tunedeck
