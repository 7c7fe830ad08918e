// A decoder model's shape and numerics, read from a Hugging Face config.json: Llama 2/3, Qwen2/2.5,
// Qwen3, Gemma 3 text and EXAONE 3.5 as variations of one Llama-shaped model (the fields below
// say which pieces a family adds). Not for weights (core/safetensors, core/llama_model_names) or
// tokenizer rules (core/tokenizer). Plain value type.
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

// Whose tensor and config names a checkpoint uses; the math is ModelConfig's other fields.
enum class ModelFamily { kLlama, kQwen2, kQwen3, kGemma3, kExaone };

// Which activation gates the MLP: silu (SwiGLU) or GELU's tanh approximation (GeGLU).
enum class MlpActivation { kSilu, kGeluTanh };

struct ModelConfig {
  std::string model_type = "llama";
  ModelFamily family = ModelFamily::kLlama;
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

  // The pieces some families add to Llama's math (all off: Llama's math exactly).
  bool qkv_bias = false;      // bias on q_proj, k_proj, v_proj (Qwen2, attention_bias)
  bool o_bias = false;        // bias on o_proj (attention_bias outside Qwen2)
  bool qk_norm = false;       // RMSNorm over each head of q and k before RoPE (Qwen3, Gemma 3)
  bool gemma_norms = false;   // RMSNorm as x * (1 + w) in f32, and four norms per layer
  bool embed_scaled = false;  // embeddings times sqrt(hidden_size) (Gemma)
  MlpActivation activation = MlpActivation::kSilu;
  double query_pre_attn_scalar = 0;  // scores scaled by its ^-0.5; 0: by head_dim^-0.5
  int sliding_window = 0;            // keys a sliding layer's query sees, itself included
  std::vector<bool> sliding_layers;  // [L] when any layer slides, else empty
  double rope_local_theta = 0;       // RoPE base of sliding layers (no scaling); 0: rope_theta

  bool layer_slides(int layer) const {
    return !sliding_layers.empty() && sliding_layers[static_cast<size_t>(layer)];
  }
  // True when nothing above is on but sliding windows: Llama's math, which tunedeck's fast CPU
  // kernels compute (a window matters only to positions past it: core/kernels/forward_kernels).
  bool llama_math() const;

  long long parameter_count() const;  // weights the model holds (tied head counted once)
};

// The model_type values model_config_parse accepts, for messages: "llama, qwen2, ...".
const char* model_config_supported_types();

// Throws std::runtime_error naming the file and field on anything missing or inconsistent.
ModelConfig model_config_parse(const std::string& json_text, const std::string& path_for_errors);
ModelConfig model_config_load(const std::string& path);
std::string model_config_to_json(const ModelConfig& config);  // Hugging Face layout

}  // namespace tunedeck
