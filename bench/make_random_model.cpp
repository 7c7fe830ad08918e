// Writes a random-weight checkpoint of a realistic shape in Hugging Face layout, for
// benchmarks: weights N(0, 0.02) with a fixed seed, norms the identity. Not a trained model: its
// text is noise.
//   tunedeck_make_model --shape tinyllama-1.1b|llama-110m|stories260k|qwen3-0.6b|llama-3.2-1b|
//                               gemma-3-1b --dtype f32|bf16
//                       --out DIR [--seed S] [--tokenizer PATH/tokenizer.model]
#include <ATen/ATen.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "bench/model_shapes.h"
#include "cli/cli_args.h"
#include "core/llama_model.h"
#include "core/runtime.h"
#include "core/safetensors.h"

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
    tunedeck::ModelConfig c = tunedeck::bench_model_shape(shape_name);
    c.torch_dtype = dtype == "bf16" ? "bfloat16" : "float32";
    std::filesystem::create_directories(out);
    auto options = at::TensorOptions().dtype(tunedeck::parse_dtype(dtype));
    tunedeck::LlamaModel model = tunedeck::LlamaModel::random(c, seed, 0.02, options);
    tunedeck::safetensors_write(out + "/model.safetensors", model.weights().named(),
                                {{"format", "pt"}});
    std::ofstream(out + "/config.json") << tunedeck::model_config_to_json(c);
    std::ofstream(out + "/generation_config.json")
        << nlohmann::json{{"bos_token_id", c.bos_token_id}, {"eos_token_id", c.eos_token_ids}}
               .dump()
        << "\n";
    if (!tokenizer.empty())
      std::filesystem::copy_file(tokenizer, out + "/tokenizer.model",
                                 std::filesystem::copy_options::overwrite_existing);
    std::cout << out << ": " << shape_name << " " << dtype << ", " << c.parameter_count()
              << " parameters, " << model.weight_bytes() << " bytes\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "tunedeck_make_model: " << e.what() << "\n";
    return 1;
  }
}
