#include "core/model_config.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace tunedeck {
namespace {

using nlohmann::json;

std::runtime_error config_error(const std::string& path, const std::string& what) {
  return std::runtime_error(path + ": " + what);
}

int required_positive_int(const json& j, const char* key, const std::string& path) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null())
    throw config_error(path, std::string("missing field '") + key + "'");
  if (!it->is_number_integer())
    throw config_error(path,
                       std::string("field '") + key + "' must be an integer, got " + it->dump());
  long long v = it->get<long long>();
  if (v <= 0 || v > (1LL << 30))
    throw config_error(path,
                       std::string("field '") + key + "' must be positive, got " + it->dump());
  return static_cast<int>(v);
}

template <typename T>
T optional_number(const json& j, const char* key, T fallback, const std::string& path) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if (!it->is_number())
    throw config_error(path,
                       std::string("field '") + key + "' must be a number, got " + it->dump());
  return it->get<T>();
}

std::vector<int> parse_token_ids(const json& value, const char* key, const std::string& path) {
  std::vector<int> ids;
  if (value.is_null()) return ids;
  if (value.is_number_integer()) return {value.get<int>()};
  if (value.is_array()) {
    for (const auto& v : value) {
      if (!v.is_number_integer())
        throw config_error(
            path, std::string("field '") + key + "' must hold integers, got " + value.dump());
      ids.push_back(v.get<int>());
    }
    return ids;
  }
  throw config_error(
      path, std::string("field '") + key + "' must be an integer or a list, got " + value.dump());
}

RopeScaling parse_rope_scaling(const json& j, const std::string& path) {
  RopeScaling s;
  auto it = j.find("rope_scaling");
  if (it == j.end() || it->is_null()) return s;
  if (!it->is_object()) throw config_error(path, "field 'rope_scaling' must be an object or null");
  const json& r = *it;
  std::string type = r.value("rope_type", r.value("type", std::string()));
  if (type == "default") return s;
  if (type != "linear" && type != "llama3")
    throw config_error(path, "rope_scaling type '" + type + "' is not supported (linear, llama3)");
  s.type = type;
  s.factor = optional_number<double>(r, "factor", 1.0, path);
  if (s.factor <= 0) throw config_error(path, "rope_scaling.factor must be positive");
  if (type == "llama3") {
    s.low_freq_factor = optional_number<double>(r, "low_freq_factor", 1.0, path);
    s.high_freq_factor = optional_number<double>(r, "high_freq_factor", 4.0, path);
    s.original_max_position_embeddings =
        optional_number<int>(r, "original_max_position_embeddings", 8192, path);
    if (s.high_freq_factor <= s.low_freq_factor)
      throw config_error(path, "rope_scaling.high_freq_factor must exceed low_freq_factor");
  }
  return s;
}

}  // namespace

long long ModelConfig::parameter_count() const {
  long long C = hidden_size, F = intermediate_size, V = vocab_size, D = head_dim;
  long long attn = C * (num_heads * D) * 2 + C * (num_kv_heads * D) * 2;
  long long mlp = 3 * C * F;
  long long per_layer = attn + mlp + 2 * C;
  long long head = tie_word_embeddings ? 0 : V * C;
  return V * C + num_layers * per_layer + C + head;
}

ModelConfig model_config_parse(const std::string& json_text, const std::string& path) {
  json j;
  try {
    j = json::parse(json_text);
  } catch (const json::parse_error& e) {
    throw config_error(path, std::string("not valid JSON: ") + e.what());
  }
  if (!j.is_object()) throw config_error(path, "expected a JSON object");
  ModelConfig c;
  c.model_type = j.value("model_type", std::string("llama"));
  c.hidden_size = required_positive_int(j, "hidden_size", path);
  c.num_layers = required_positive_int(j, "num_hidden_layers", path);
  c.num_heads = required_positive_int(j, "num_attention_heads", path);
  c.num_kv_heads = j.contains("num_key_value_heads") && !j["num_key_value_heads"].is_null()
                       ? required_positive_int(j, "num_key_value_heads", path)
                       : c.num_heads;
  c.intermediate_size = required_positive_int(j, "intermediate_size", path);
  c.vocab_size = required_positive_int(j, "vocab_size", path);
  if (j.contains("head_dim") && !j["head_dim"].is_null()) {
    c.head_dim = required_positive_int(j, "head_dim", path);
  } else {
    if (c.hidden_size % c.num_heads != 0)
      throw config_error(path, "hidden_size " + std::to_string(c.hidden_size) +
                                   " is not divisible by num_attention_heads " +
                                   std::to_string(c.num_heads));
    c.head_dim = c.hidden_size / c.num_heads;
  }
  if (c.head_dim % 2 != 0) throw config_error(path, "head_dim must be even for RoPE");
  if (c.num_heads % c.num_kv_heads != 0)
    throw config_error(path, "num_attention_heads " + std::to_string(c.num_heads) +
                                 " is not a multiple of num_key_value_heads " +
                                 std::to_string(c.num_kv_heads));
  c.max_position_embeddings = optional_number<int>(j, "max_position_embeddings", 2048, path);
  if (c.max_position_embeddings <= 0)
    throw config_error(path, "max_position_embeddings must be positive");
  c.rms_norm_eps = optional_number<double>(j, "rms_norm_eps", 1e-6, path);
  c.rope_theta = optional_number<double>(j, "rope_theta", 10000.0, path);
  c.rope_scaling = parse_rope_scaling(j, path);
  auto tie = j.find("tie_word_embeddings");
  if (tie != j.end() && !tie->is_null()) {
    if (!tie->is_boolean())
      throw config_error(path, "field 'tie_word_embeddings' must be true or false");
    c.tie_word_embeddings = tie->get<bool>();
  }
  if (j.contains("bos_token_id") && j["bos_token_id"].is_number_integer())
    c.bos_token_id = j["bos_token_id"].get<int>();
  if (j.contains("eos_token_id"))
    c.eos_token_ids = parse_token_ids(j["eos_token_id"], "eos_token_id", path);
  if (j.contains("torch_dtype") && j["torch_dtype"].is_string()) c.torch_dtype = j["torch_dtype"];
  if (j.contains("hidden_act") && j["hidden_act"].is_string() && j["hidden_act"] != "silu")
    throw config_error(path, "hidden_act '" + j["hidden_act"].get<std::string>() +
                                 "' is not supported (Llama family uses silu)");
  return c;
}

ModelConfig model_config_load(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open (is this a Hugging Face model folder?)");
  std::stringstream ss;
  ss << in.rdbuf();
  return model_config_parse(ss.str(), path);
}

std::string model_config_to_json(const ModelConfig& c) {
  json j;
  j["architectures"] = {"LlamaForCausalLM"};
  j["model_type"] = c.model_type;
  j["hidden_size"] = c.hidden_size;
  j["intermediate_size"] = c.intermediate_size;
  j["num_hidden_layers"] = c.num_layers;
  j["num_attention_heads"] = c.num_heads;
  j["num_key_value_heads"] = c.num_kv_heads;
  if (c.head_dim != c.hidden_size / c.num_heads) j["head_dim"] = c.head_dim;
  j["vocab_size"] = c.vocab_size;
  j["max_position_embeddings"] = c.max_position_embeddings;
  j["hidden_act"] = "silu";
  j["rms_norm_eps"] = c.rms_norm_eps;
  j["rope_theta"] = c.rope_theta;
  if (c.rope_scaling.type.empty()) {
    j["rope_scaling"] = nullptr;
  } else {
    json r = {{"rope_type", c.rope_scaling.type}, {"factor", c.rope_scaling.factor}};
    if (c.rope_scaling.type == "llama3") {
      r["low_freq_factor"] = c.rope_scaling.low_freq_factor;
      r["high_freq_factor"] = c.rope_scaling.high_freq_factor;
      r["original_max_position_embeddings"] = c.rope_scaling.original_max_position_embeddings;
    }
    j["rope_scaling"] = r;
  }
  j["tie_word_embeddings"] = c.tie_word_embeddings;
  if (c.bos_token_id >= 0) j["bos_token_id"] = c.bos_token_id;
  if (c.eos_token_ids.size() == 1)
    j["eos_token_id"] = c.eos_token_ids[0];
  else if (!c.eos_token_ids.empty())
    j["eos_token_id"] = c.eos_token_ids;
  j["torch_dtype"] = c.torch_dtype;
  return j.dump(2) + "\n";
}

}  // namespace tunedeck
