#include "bench/model_shapes.h"

#include <stdexcept>

namespace tunedeck {

const char* bench_model_shape_names() {
  return "llama-110m, tinyllama-1.1b, stories260k, qwen3-0.6b, llama-3.2-1b, gemma-3-1b";
}

namespace {

// The real models' config.json fields that set their shape and math (weights aside).
const char* family_shape_config(const std::string& name) {
  if (name == "qwen3-0.6b")
    return R"({"model_type": "qwen3", "hidden_size": 1024, "num_hidden_layers": 28,
      "num_attention_heads": 16, "num_key_value_heads": 8, "head_dim": 128,
      "intermediate_size": 3072, "vocab_size": 151936, "max_position_embeddings": 40960,
      "rms_norm_eps": 1e-6, "rope_theta": 1000000, "tie_word_embeddings": true,
      "bos_token_id": 151643, "eos_token_id": 151645})";
  if (name == "llama-3.2-1b")
    return R"({"model_type": "llama", "hidden_size": 2048, "num_hidden_layers": 16,
      "num_attention_heads": 32, "num_key_value_heads": 8, "head_dim": 64,
      "intermediate_size": 8192, "vocab_size": 128256, "max_position_embeddings": 131072,
      "rms_norm_eps": 1e-5, "rope_theta": 500000, "tie_word_embeddings": true,
      "rope_scaling": {"rope_type": "llama3", "factor": 32.0, "low_freq_factor": 1.0,
      "high_freq_factor": 4.0, "original_max_position_embeddings": 8192},
      "bos_token_id": 128000, "eos_token_id": [128001, 128008, 128009]})";
  if (name == "gemma-3-1b")
    return R"({"model_type": "gemma3_text", "hidden_size": 1152, "num_hidden_layers": 26,
      "num_attention_heads": 4, "num_key_value_heads": 1, "head_dim": 256,
      "intermediate_size": 6912, "vocab_size": 262144, "max_position_embeddings": 32768,
      "rms_norm_eps": 1e-6, "rope_theta": 1000000, "rope_local_base_freq": 10000,
      "query_pre_attn_scalar": 256, "sliding_window": 512, "sliding_window_pattern": 6,
      "tie_word_embeddings": true, "bos_token_id": 2, "eos_token_id": [1, 106]})";
  return nullptr;
}

}  // namespace

ModelConfig bench_model_shape(const std::string& name) {
  if (const char* config = family_shape_config(name))
    return model_config_parse(config, "shape " + name);
  ModelConfig c;
  c.max_position_embeddings = 2048;
  c.rms_norm_eps = 1e-5;
  c.bos_token_id = 1;
  c.eos_token_ids = {2};
  c.vocab_size = 32000;
  c.tie_word_embeddings = false;
  if (name == "tinyllama-1.1b") {
    c.hidden_size = 2048, c.num_layers = 22, c.num_heads = 32, c.num_kv_heads = 4,
    c.intermediate_size = 5632;
  } else if (name == "llama-110m") {
    c.hidden_size = 768, c.num_layers = 12, c.num_heads = 12, c.num_kv_heads = 12,
    c.intermediate_size = 2048;
  } else if (name == "stories260k") {  // the shape of ../shared/models/stories260k
    c.hidden_size = 64, c.num_layers = 5, c.num_heads = 8, c.num_kv_heads = 4,
    c.intermediate_size = 172;
    c.vocab_size = 512, c.max_position_embeddings = 512, c.tie_word_embeddings = true;
  } else {
    throw std::runtime_error("unknown shape '" + name + "' (known: " + bench_model_shape_names() +
                             ")");
  }
  c.head_dim = c.hidden_size / c.num_heads;
  return c;
}

}  // namespace tunedeck
