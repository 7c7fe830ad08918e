// The sampling a model ships with: generation_config.json's do_sample, temperature, top_k,
// top_p, min_p and repetition_penalty, laid over the config's [sampling] wherever the user did not
// choose (a user file, --config or a flag does; the shipped defaults do not), as transformers'
// generate() starts from it. Not for stop ids (core/tokenizer reads eos_token_id).
#pragma once
#include <string>

#include "session/app_config.h"

namespace tunedeck {

struct ModelSampling {
  SamplingSettings settings;  // what a new conversation with this model samples with
  std::string note;           // "temperature 0.6, top_k 20, top_p 0.95 from <dir>/generation_
                              // config.json"; "" when the file changed nothing
};

// Reads <model_dir>/generation_config.json (absent: config.sampling as it is). Malformed JSON or
// a value of the wrong type is skipped and named in the note, never fatal.
ModelSampling model_sampling(const AppConfig& config, const std::string& model_dir);

}  // namespace tunedeck
