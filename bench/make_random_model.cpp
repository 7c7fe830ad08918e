// Writes a random-weight Llama checkpoint of a realistic shape in Hugging Face layout, for
// benchmarks: weights N(0, 0.02) with a fixed seed, norms 1. Not a trained model: its text is noise.
//   tunedeck_make_model --shape tinyllama-1.1b|llama-110m|stories260k-shape --dtype f32|bf16
//                       --out DIR [--seed S] [--tokenizer PATH/tokenizer.model]
#include <ATen/ATen.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "core/llama_model.h"
#include "core/runtime.h"
#include "core/safetensors.h"
#include "tui/cli_args.h"

namespace {

using tunedeck::ModelConfig;

ModelConfig shape(const std::string& name) {
  ModelConfig c;
  c.max_position_embeddings = 2048;
  c.rms_norm_eps = 1e-5;
  c.bos_token_id = 1;
  c.eos_token_ids = {2};
  c.vocab_size = 32000;
  c.tie_word_embeddings = false;
  if (name == "tinyllama-1.1b") {
    c.hidden_size = 2048, c.num_layers = 22, c.num_heads = 32, c.num_kv_heads = 4, c.intermediate_size = 5632;
  } else if (name == "llama-110m") {
    c.hidden_size = 768, c.num_layers = 12, c.num_heads = 12, c.num_kv_heads = 12, c.intermediate_size = 2048;
  } else {
    throw std::runtime_error("unknown shape '" + name + "' (tinyllama-1.1b, llama-110m)");
  }
  c.head_dim = c.hidden_size / c.num_heads;
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    tunedeck::CliArgs args(std::vector<std::string>(argv + 1, argv + argc));
    const std::string shape_name = args.value_or("shape", "tinyllama-1.1b");
    const std::string dtype = args.value_or("dtype", "f32");
    const std::string out = args.value_or("out", "");
    const uint64_t seed = static_cast<uint64_t>(args.int64_or("seed", 0));
    const std::string tokenizer = args.value_or("tokenizer", "");
    args.finish();
    if (out.empty()) throw tunedeck::UsageError("--out DIR is required");
    tunedeck::runtime_init(0);
    ModelConfig c = shape(shape_name);
    c.torch_dtype = dtype == "bf16" ? "bfloat16" : "float32";
    std::filesystem::create_directories(out);
    auto options = at::TensorOptions().dtype(tunedeck::parse_dtype(dtype));
    tunedeck::LlamaModel model = tunedeck::LlamaModel::random(c, seed, 0.02, options);
    tunedeck::safetensors_write(out + "/model.safetensors", model.weights().named(), {{"format", "pt"}});
    std::ofstream(out + "/config.json") << tunedeck::model_config_to_json(c);
    std::ofstream(out + "/generation_config.json") << "{\"bos_token_id\": 1, \"eos_token_id\": 2}\n";
    if (!tokenizer.empty())
      std::filesystem::copy_file(tokenizer, out + "/tokenizer.model",
                                 std::filesystem::copy_options::overwrite_existing);
    std::cout << out << ": " << shape_name << " " << dtype << ", " << c.parameter_count() << " parameters, "
              << model.weight_bytes() << " bytes\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "tunedeck_make_model: " << e.what() << "\n";
    return 1;
  }
}
