#include "core/lora.h"

#include <ATen/ATen.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "core/atomic_file.h"
#include "core/json_file.h"
#include "core/llama_model.h"
#include "core/llama_model_names.h"
#include "core/safetensors.h"

namespace tunedeck {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The part of PEFT's names before the layer number: "base_model.model.model.layers.".
std::string peft_layers_prefix(ModelFamily family) {
  const std::string first = lora_peft_tensor_name(family, 0, kLoraQ, "A");
  return first.substr(0, first.find(".0.") + 1);
}

std::string shape_text(at::IntArrayRef s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

json read_json(const fs::path& path) {
  return json_file_read(path, " (is this a PEFT LoRA adapter folder?)");
}

}  // namespace

const at::Tensor& lora_base_weight(const LlamaLayerWeights& l, LoraTarget t) {
  switch (t) {
    case kLoraQ:
      return l.wq;
    case kLoraK:
      return l.wk;
    case kLoraV:
      return l.wv;
    case kLoraO:
      return l.wo;
    case kLoraGate:
      return l.w_gate;
    case kLoraUp:
      return l.w_up;
    default:
      return l.w_down;
  }
}

const char* lora_target_name(LoraTarget target) {
  static const char* const names[kLoraTargetCount] = {"q_proj",    "k_proj",  "v_proj",   "o_proj",
                                                      "gate_proj", "up_proj", "down_proj"};
  return names[target];
}

LoraTarget lora_target_from_name(const std::string& name) {
  for (int t = 0; t < kLoraTargetCount; ++t)
    if (name == lora_target_name(static_cast<LoraTarget>(t))) return static_cast<LoraTarget>(t);
  throw std::runtime_error("unknown LoRA target '" + name +
                           "' (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj)");
}

std::string lora_peft_tensor_name(ModelFamily family, int layer, LoraTarget target,
                                  const char* ab) {
  return "base_model.model." + lora_module_path(family, layer, target) + ".lora_" + ab + ".weight";
}

double LoraAdapter::scale() const {
  if (rank <= 0) return 0.0;
  return use_rslora ? alpha / std::sqrt(static_cast<double>(rank)) : alpha / rank;
}

std::vector<LoraTarget> LoraAdapter::targets() const {
  std::vector<LoraTarget> out;
  if (layers.empty()) return out;
  for (int t = 0; t < kLoraTargetCount; ++t)
    for (const auto& layer : layers)
      if (layer[t].defined()) {
        out.push_back(static_cast<LoraTarget>(t));
        break;
      }
  return out;
}

std::vector<at::Tensor> LoraAdapter::parameters() const {
  std::vector<at::Tensor> out;
  for (const auto& layer : layers)
    for (const auto& pair : layer)
      if (pair.defined()) {
        out.push_back(pair.a);
        out.push_back(pair.b);
      }
  return out;
}

size_t LoraAdapter::bytes() const {
  size_t total = 0;
  for (const auto& t : parameters()) total += t.numel() * t.element_size();
  return total;
}

std::shared_ptr<LoraAdapter> lora_create(const ModelConfig& config, const LlamaWeights& weights,
                                         const LoraSettings& settings, uint64_t seed) {
  if (settings.rank <= 0) throw std::runtime_error("LoRA rank must be positive");
  if (settings.targets.empty())
    throw std::runtime_error("LoRA needs at least one target projection");
  auto adapter = std::make_shared<LoraAdapter>();
  adapter->family = config.family;
  adapter->rank = settings.rank;
  adapter->alpha = settings.alpha;
  adapter->dropout = settings.dropout;
  at::Generator gen = at::detail::createCPUGenerator(seed);
  const auto options = at::TensorOptions().dtype(at::kFloat).device(weights.embed.device());
  for (const auto& layer : weights.layers) {
    std::array<LoraPair, kLoraTargetCount> pairs;
    for (LoraTarget t : settings.targets) {
      const at::Tensor& w = lora_base_weight(layer, t);
      const int64_t out = w.size(0), in = w.size(1);
      // kaiming_uniform_(a=sqrt(5)) on [r, in]: bound = 1 / sqrt(in)
      const double bound = 1.0 / std::sqrt(static_cast<double>(in));
      at::Tensor a =
          at::empty({settings.rank, in}, at::kFloat).uniform_(-bound, bound, gen).to(options);
      pairs[t].a = a.set_requires_grad(true);
      pairs[t].b = at::zeros({out, settings.rank}, options).set_requires_grad(true);
    }
    adapter->layers.push_back(pairs);
  }
  return adapter;
}

void lora_save_peft(const LoraAdapter& adapter, const std::string& dir) {
  fs::create_directories(dir);
  std::vector<std::pair<std::string, at::Tensor>> tensors;
  for (size_t i = 0; i < adapter.layers.size(); ++i)
    for (int t = 0; t < kLoraTargetCount; ++t) {
      const LoraPair& p = adapter.layers[i][t];
      if (!p.defined()) continue;
      const auto target = static_cast<LoraTarget>(t);
      const int layer = static_cast<int>(i);
      tensors.emplace_back(lora_peft_tensor_name(adapter.family, layer, target, "A"), p.a);
      tensors.emplace_back(lora_peft_tensor_name(adapter.family, layer, target, "B"), p.b);
    }
  std::map<std::string, std::string> metadata = {{"format", "pt"}};
  if (!adapter.template_hash.empty()) metadata["tunedeck_template_hash"] = adapter.template_hash;
  safetensors_write(dir + "/adapter_model.safetensors", tensors, metadata);
  json targets = json::array();
  for (LoraTarget t : adapter.targets()) targets.push_back(lora_module_name(adapter.family, t));
  json config = {{"peft_type", "LORA"},
                 {"task_type", "CAUSAL_LM"},
                 {"r", adapter.rank},
                 {"lora_alpha", adapter.alpha},
                 {"lora_dropout", adapter.dropout},
                 {"target_modules", targets},
                 {"base_model_name_or_path", adapter.base_model},
                 {"bias", "none"},
                 {"fan_in_fan_out", false},
                 {"inference_mode", true},
                 {"use_rslora", adapter.use_rslora},
                 {"modules_to_save", nullptr},
                 {"init_lora_weights", true}};
  atomic_file_write_string(dir + "/adapter_config.json", config.dump(2) + "\n");
}

std::shared_ptr<LoraAdapter> lora_load_peft(const std::string& dir, const ModelConfig& config,
                                            const LlamaWeights& weights) {
  const fs::path config_path = fs::path(dir) / "adapter_config.json";
  const json c = read_json(config_path);
  auto field_error = [&](const std::string& what) {
    return std::runtime_error(config_path.string() + ": " + what);
  };
  if (c.value("peft_type", std::string()) != "LORA")
    throw field_error("peft_type is '" + c.value("peft_type", std::string("?")) +
                      "', tunedeck loads LORA adapters");
  if (!c.contains("r") || !c["r"].is_number_integer() || c["r"].get<int>() <= 0)
    throw field_error("field 'r' must be a positive integer");
  if (c.contains("rank_pattern") && c["rank_pattern"].is_object() && !c["rank_pattern"].empty())
    throw field_error("rank_pattern (per-module ranks) is not supported");
  if (c.contains("alpha_pattern") && c["alpha_pattern"].is_object() && !c["alpha_pattern"].empty())
    throw field_error("alpha_pattern (per-module alphas) is not supported");
  if (c.contains("bias") && c["bias"] != "none")
    throw field_error("bias '" + c["bias"].dump() + "' is not supported (none)");
  auto adapter = std::make_shared<LoraAdapter>();
  adapter->family = config.family;
  adapter->rank = c["r"];
  adapter->alpha = c.value("lora_alpha", static_cast<double>(adapter->rank));
  adapter->dropout = c.contains("lora_dropout") && c["lora_dropout"].is_number()
                         ? c["lora_dropout"].get<double>()
                         : 0.0;
  adapter->use_rslora = c.value("use_rslora", false);
  adapter->base_model =
      c.contains("base_model_name_or_path") && c["base_model_name_or_path"].is_string()
          ? c["base_model_name_or_path"].get<std::string>()
          : "";
  const auto file = SafetensorsFile::open((fs::path(dir) / "adapter_model.safetensors").string());
  auto meta = file->metadata().find("tunedeck_template_hash");
  if (meta != file->metadata().end()) adapter->template_hash = meta->second;
  const auto options = at::TensorOptions().dtype(at::kFloat).device(weights.embed.device());
  adapter->layers.resize(config.num_layers);
  size_t found = 0;
  for (int i = 0; i < config.num_layers; ++i)
    for (int t = 0; t < kLoraTargetCount; ++t) {
      const auto target = static_cast<LoraTarget>(t);
      const std::string a_name = lora_peft_tensor_name(config.family, i, target, "A"),
                        b_name = lora_peft_tensor_name(config.family, i, target, "B");
      if (!file->contains(a_name) && !file->contains(b_name)) continue;
      if (!file->contains(a_name) || !file->contains(b_name))
        throw std::runtime_error(file->path() + ": '" + a_name +
                                 "' and its lora_B partner must both be present");
      const at::Tensor& w = lora_base_weight(weights.layers[i], target);
      const std::vector<int64_t> want_a = {adapter->rank, w.size(1)},
                                 want_b = {w.size(0), adapter->rank};
      if (file->tensors().at(a_name).shape != want_a)
        throw std::runtime_error(file->path() + ": tensor '" + a_name + "' has shape " +
                                 shape_text(file->tensors().at(a_name).shape) +
                                 " but this model needs " + shape_text(want_a) +
                                 " (adapter trained for another base model?)");
      if (file->tensors().at(b_name).shape != want_b)
        throw std::runtime_error(file->path() + ": tensor '" + b_name + "' has shape " +
                                 shape_text(file->tensors().at(b_name).shape) +
                                 " but this model needs " + shape_text(want_b) +
                                 " (adapter trained for another base model?)");
      adapter->layers[i][t].a = file->tensor(a_name).to(options).clone();
      adapter->layers[i][t].b = file->tensor(b_name).to(options).clone();
      found += 2;
    }
  const std::string layers_prefix = peft_layers_prefix(config.family);
  for (const auto& [name, info] : file->tensors())
    if (name.find("lora_") != std::string::npos && name.find(layers_prefix) == 0 &&
        std::stoi(name.substr(layers_prefix.size())) >= config.num_layers)
      throw std::runtime_error(
          file->path() + ": tensor '" + name + "' is for layer beyond the model's " +
          std::to_string(config.num_layers) + " layers (adapter for another base model?)");
  if (found == 0)
    throw std::runtime_error(file->path() + ": no LoRA tensors with PEFT names for this model (" +
                             lora_peft_tensor_name(config.family, 0, kLoraQ, "A") + ", ...)");
  if (found != file->tensors().size())
    throw std::runtime_error(
        file->path() + ": holds " + std::to_string(file->tensors().size() - found) +
        " tensors tunedeck cannot place (embedding or lm_head adapters are not supported)");
  return adapter;
}

}  // namespace tunedeck
