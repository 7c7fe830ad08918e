// stories260k (../shared/models/stories260k) and its tokenizer, loaded for tests that generate
// with the tiny pretrained Llama: `const auto& [model, tokenizer] = testing::load_stories();`.
// Not for production code.
#pragma once
#include <memory>

#include "core/generator.h"
#include "core/llama_model.h"
#include "core/tokenizer.h"
#include "tests/test_support.h"

namespace tunedeck::testing {

struct StoriesModel {
  LlamaModel model;
  std::unique_ptr<Tokenizer> tokenizer;
};

inline StoriesModel load_stories() {
  return {LlamaModel::load(stories_dir(), {}), tokenizer_load_dir(stories_dir())};
}

// Generation options for up to `new_tokens` tokens, the rest at their defaults (greedy).
inline GenerateOptions up_to(int new_tokens) {
  GenerateOptions options;
  options.max_new_tokens = new_tokens;
  return options;
}

}  // namespace tunedeck::testing
