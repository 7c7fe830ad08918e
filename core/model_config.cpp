#include "core/model_config.h"

#include <algorithm>
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

struct FamilyName {
  const char* model_type;
  ModelFamily family;
  const char* architecture;  // for model_config_to_json
};

constexpr FamilyName kFamilies[] = {
    {"llama", ModelFamily::kLlama, "LlamaForCausalLM"},
    {"mistral", ModelFamily::kLlama, "MistralForCausalLM"},
    {"qwen2", ModelFamily::kQwen2, "Qwen2ForCausalLM"},
    {"qwen3", ModelFamily::kQwen3, "Qwen3ForCausalLM"},
    {"gemma3_text", ModelFamily::kGemma3, "Gemma3ForCausalLM"},
    {"exaone", ModelFamily::kExaone, "ExaoneForCausalLM"},
};

const FamilyName& family_named(const std::string& model_type, const std::string& path) {
  for (const FamilyName& f : kFamilies)
    if (model_type == f.model_type) return f;
  throw config_error(path, "model_type '" + model_type + "' is not supported (supported: " +
                               model_config_supported_types() + ")");
}

// Gemma 3's multimodal config keeps the text model under "text_config".
json text_part(const json& j, const std::string& path) {
  if (j.value("model_type", std::string()) != "gemma3") return j;
  auto it = j.find("text_config");
  if (it == j.end() || !it->is_object())
    throw config_error(path, "model_type 'gemma3' needs a 'text_config' object (the text model)");
  json text = *it;
  text["model_type"] = "gemma3_text";
  for (const char* key : {"eos_token_id", "bos_token_id", "torch_dtype"})
    if (!text.contains(key) && j.contains(key)) text[key] = j[key];
  return text;
}

bool optional_bool(const json& j, const char* key, bool fallback, const std::string& path) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  if (!it->is_boolean())
    throw config_error(path, std::string("field '") + key + "' must be true or false");
  return it->get<bool>();
}

double positive_number(const json& j, const char* key, double fallback, const std::string& path) {
  const double v = optional_number<double>(j, key, fallback, path);
  if (!(v > 0))
    throw config_error(
        path, std::string("field '") + key + "' must be positive, got " + std::to_string(v));
  return v;
}

// The activation under whichever key the family uses.
MlpActivation parse_activation(const json& j, const std::string& path) {
  for (const char* key : {"hidden_activation", "hidden_act", "activation_function"}) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) continue;
    const std::string name = it->is_string() ? it->get<std::string>() : it->dump();
    if (name == "silu" || name == "swish") return MlpActivation::kSilu;
    if (name == "gelu_pytorch_tanh") return MlpActivation::kGeluTanh;
    throw config_error(path, std::string("field '") + key + "' is '" + name +
                                 "', not supported (silu, gelu_pytorch_tanh)");
  }
  return MlpActivation::kSilu;
}

// Which layers attend through a sliding window: "layer_types" when given, else the family's rule
// (Gemma 3: every sliding_window_pattern-th layer is global; Qwen: use_sliding_window from
// max_window_layers on; Mistral: every layer when sliding_window is set).
std::vector<bool> parse_sliding_layers(const json& j, const ModelConfig& c,
                                       const std::string& path) {
  std::vector<bool> sliding(static_cast<size_t>(c.num_layers), false);
  auto types = j.find("layer_types");
  if (types != j.end() && !types->is_null()) {
    if (!types->is_array() || types->size() != sliding.size())
      throw config_error(path, "field 'layer_types' must list " + std::to_string(c.num_layers) +
                                   " layer types (num_hidden_layers), got " +
                                   std::to_string(types->is_array() ? types->size() : 0));
    for (size_t i = 0; i < sliding.size(); ++i) {
      const json& t = (*types)[i];
      if (t == "sliding_attention")
        sliding[i] = true;
      else if (t != "full_attention")
        throw config_error(path, "field 'layer_types' holds " + t.dump() +
                                     " (sliding_attention or full_attention)");
    }
  } else if (c.family == ModelFamily::kGemma3) {
    const int pattern = optional_number<int>(j, "sliding_window_pattern", 6, path);
    if (pattern <= 0) throw config_error(path, "field 'sliding_window_pattern' must be positive");
    for (size_t i = 0; i < sliding.size(); ++i) sliding[i] = (i + 1) % pattern != 0;
  } else if (c.family == ModelFamily::kQwen2 || c.family == ModelFamily::kQwen3) {
    if (optional_bool(j, "use_sliding_window", false, path)) {
      const int from = optional_number<int>(j, "max_window_layers", c.num_layers, path);
      for (size_t i = 0; i < sliding.size(); ++i) sliding[i] = static_cast<int>(i) >= from;
    }
  } else if (c.model_type == "mistral") {
    auto w = j.find("sliding_window");
    if (w != j.end() && !w->is_null()) sliding.assign(sliding.size(), true);
  }
  for (bool s : sliding)
    if (s) return sliding;
  return {};
}

void parse_sliding_window(const json& j, ModelConfig& c, const std::string& path) {
  auto w = j.find("sliding_window");
  if (w != j.end() && !w->is_null()) {
    if (!w->is_number_integer() || w->get<long long>() <= 0)
      throw config_error(path,
                         "field 'sliding_window' must be a positive integer, got " + w->dump());
    c.sliding_window = static_cast<int>(std::min<long long>(w->get<long long>(), 1LL << 30));
  } else if (c.family == ModelFamily::kGemma3) {
    c.sliding_window = 4096;  // Gemma3TextConfig's default
  }
  c.sliding_layers = parse_sliding_layers(j, c, path);
  if (!c.sliding_layers.empty() && c.sliding_window <= 0)
    throw config_error(path, "field 'sliding_window' is required: layer_types has sliding layers");
}

void reject_unsupported(const json& j, const std::string& path) {
  for (const char* key : {"final_logit_softcapping", "attn_logit_softcapping"})
    if (j.contains(key) && !j[key].is_null())
      throw config_error(path, std::string("field '") + key + "' is not supported (null only)");
  if (optional_bool(j, "mlp_bias", false, path))
    throw config_error(path, "field 'mlp_bias' true is not supported");
}

// The pieces a family adds to Llama's math.
void parse_family_pieces(const json& j, ModelConfig& c, const std::string& path) {
  const bool attention_bias = optional_bool(j, "attention_bias", false, path);
  c.qkv_bias = attention_bias || c.family == ModelFamily::kQwen2;
  c.o_bias = attention_bias && c.family != ModelFamily::kQwen2;
  c.qk_norm = c.family == ModelFamily::kQwen3 || c.family == ModelFamily::kGemma3;
  c.activation = parse_activation(j, path);
  if (c.family == ModelFamily::kGemma3) {
    c.gemma_norms = true;
    c.embed_scaled = true;
    if (!j.contains("hidden_activation") && !j.contains("hidden_act"))
      c.activation = MlpActivation::kGeluTanh;
    c.query_pre_attn_scalar = positive_number(j, "query_pre_attn_scalar", 256, path);
    c.rope_local_theta = positive_number(j, "rope_local_base_freq", 10000.0, path);
  }
  parse_sliding_window(j, c, path);
  reject_unsupported(j, path);
}

}  // namespace

const char* model_config_supported_types() {
  return "llama, mistral, qwen2, qwen3, gemma3_text, gemma3 (its text_config), exaone";
}

bool ModelConfig::llama_math() const {
  return !qkv_bias && !o_bias && !qk_norm && !gemma_norms && !embed_scaled &&
         activation == MlpActivation::kSilu && query_pre_attn_scalar <= 0;
}

long long ModelConfig::parameter_count() const {
  long long C = hidden_size, F = intermediate_size, V = vocab_size, D = head_dim;
  long long attn = C * (num_heads * D) * 2 + C * (num_kv_heads * D) * 2;
  long long mlp = 3 * C * F;
  long long per_layer = attn + mlp + (gemma_norms ? 4 : 2) * C;
  if (qkv_bias) per_layer += (num_heads + 2 * num_kv_heads) * D;
  if (o_bias) per_layer += C;
  if (qk_norm) per_layer += 2 * D;
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
  j = text_part(j, path);
  ModelConfig c;
  c.model_type = j.value("model_type", std::string("llama"));
  c.family = family_named(c.model_type, path).family;
  const bool exaone = c.family == ModelFamily::kExaone;
  c.hidden_size = required_positive_int(j, "hidden_size", path);
  c.num_layers = required_positive_int(j, exaone ? "num_layers" : "num_hidden_layers", path);
  c.num_heads = required_positive_int(j, "num_attention_heads", path);
  c.num_kv_heads = j.contains("num_key_value_heads") && !j["num_key_value_heads"].is_null()
                       ? required_positive_int(j, "num_key_value_heads", path)
                       : c.num_heads;
  c.intermediate_size = required_positive_int(j, "intermediate_size", path);
  c.vocab_size = required_positive_int(j, "vocab_size", path);
  if (j.contains("head_dim") && !j["head_dim"].is_null()) {
    c.head_dim = required_positive_int(j, "head_dim", path);
  } else if (c.family == ModelFamily::kQwen3 || c.family == ModelFamily::kGemma3) {
    throw config_error(path,
                       "missing field 'head_dim' (required for model_type '" + c.model_type + "')");
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
  c.rms_norm_eps = exaone ? positive_number(j, "layer_norm_epsilon", 1e-5, path)
                          : positive_number(j, "rms_norm_eps", 1e-6, path);
  c.rope_theta = positive_number(j, "rope_theta",
                                 c.family == ModelFamily::kGemma3 ? 1000000.0 : 10000.0, path);
  c.rope_scaling = parse_rope_scaling(j, path);
  c.tie_word_embeddings =
      optional_bool(j, "tie_word_embeddings", c.family == ModelFamily::kGemma3, path);
  if (j.contains("bos_token_id") && j["bos_token_id"].is_number_integer())
    c.bos_token_id = j["bos_token_id"].get<int>();
  if (j.contains("eos_token_id"))
    c.eos_token_ids = parse_token_ids(j["eos_token_id"], "eos_token_id", path);
  if (j.contains("torch_dtype") && j["torch_dtype"].is_string()) c.torch_dtype = j["torch_dtype"];
  parse_family_pieces(j, c, path);
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
  const bool exaone = c.family == ModelFamily::kExaone;
  const bool gemma = c.family == ModelFamily::kGemma3;
  json j;
  j["architectures"] = {family_named(c.model_type, "model_config_to_json").architecture};
  j["model_type"] = c.model_type;
  j["hidden_size"] = c.hidden_size;
  j["intermediate_size"] = c.intermediate_size;
  j[exaone ? "num_layers" : "num_hidden_layers"] = c.num_layers;
  j["num_attention_heads"] = c.num_heads;
  j["num_key_value_heads"] = c.num_kv_heads;
  if (c.head_dim != c.hidden_size / c.num_heads || c.family == ModelFamily::kQwen3 || gemma)
    j["head_dim"] = c.head_dim;
  j["vocab_size"] = c.vocab_size;
  j["max_position_embeddings"] = c.max_position_embeddings;
  const char* act = c.activation == MlpActivation::kSilu ? "silu" : "gelu_pytorch_tanh";
  j[exaone ? "activation_function" : gemma ? "hidden_activation" : "hidden_act"] = act;
  j[exaone ? "layer_norm_epsilon" : "rms_norm_eps"] = c.rms_norm_eps;
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
  if (c.family != ModelFamily::kQwen2 && (c.qkv_bias || c.o_bias)) j["attention_bias"] = true;
  if (gemma) {
    j["query_pre_attn_scalar"] = c.query_pre_attn_scalar;
    j["rope_local_base_freq"] = c.rope_local_theta;
  }
  if (c.sliding_window > 0) j["sliding_window"] = c.sliding_window;
  if (!c.sliding_layers.empty() || gemma) {
    json types = json::array();
    for (int i = 0; i < c.num_layers; ++i)
      types.push_back(c.layer_slides(i) ? "sliding_attention" : "full_attention");
    j["layer_types"] = types;
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
