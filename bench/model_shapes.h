// The named model shapes the benchmarks use ("llama-110m", "tinyllama-1.1b", "stories260k", and
// the families' "qwen3-0.6b", "llama-3.2-1b", "gemma-3-1b"): realistic configurations for
// random-weight checkpoints and training benches. Not a
// model zoo: these are shapes only, never weights.
#pragma once
#include <string>

#include "core/model_config.h"

namespace tunedeck {

// Throws std::runtime_error listing the known names for anything else.
ModelConfig bench_model_shape(const std::string& name);
const char* bench_model_shape_names();  // "llama-110m, tinyllama-1.1b, stories260k, ..."

}  // namespace tunedeck
