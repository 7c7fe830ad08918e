// A Llama-family model's shape and numerics, read from a Hugging Face config.json.
// Not for weights (core/safetensors) or tokenizer rules (core/tokenizer). Plain value type.
#pragma once
#include <string>
#include <vector>

namespace tunedeck {

struct RopeScaling {
  std::string type;  // "" (none), "linear", "llama3"
  double factor = 1.0;
  double low_freq_factor = 1.0;                 // llama3
  double high_freq_factor = 4.0;                // llama3
  int original_max_position_embeddings = 8192;  // llama3
};

struct ModelConfig {
  std::string model_type = "llama";
  int hidden_size = 0;        // C
  int num_layers = 0;         // L
  int num_heads = 0;          // H
  int num_kv_heads = 0;       // Hkv (== H without GQA)
  int head_dim = 0;           // D (config "head_dim", else C / H)
  int intermediate_size = 0;  // F (SwiGLU hidden)
  int vocab_size = 0;         // V
  int max_position_embeddings = 2048;
  double rms_norm_eps = 1e-6;
  double rope_theta = 10000.0;
  RopeScaling rope_scaling;
  bool tie_word_embeddings = false;
  int bos_token_id = -1;
  std::vector<int> eos_token_ids;
  std::string torch_dtype = "float32";

  long long parameter_count() const;  // weights the model holds (tied head counted once)
};

// Throws std::runtime_error naming the file and field on anything missing or inconsistent.
ModelConfig model_config_parse(const std::string& json_text, const std::string& path_for_errors);
ModelConfig model_config_load(const std::string& path);
std::string model_config_to_json(const ModelConfig& config);  // Hugging Face layout

}  // namespace tunedeck
