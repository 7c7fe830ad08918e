#include "bench/model_shapes.h"

#include <stdexcept>

namespace tunedeck {

const char* bench_model_shape_names() { return "llama-110m, tinyllama-1.1b, stories260k"; }

ModelConfig bench_model_shape(const std::string& name) {
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
