// The narrow, torch-free interface the agent uses to talk to a model: text in, text out, streamed.
// Implemented by core/generator (the real model) and by test doubles (scripted outputs).
// Thread rules: one generate() at a time per object; `cancel` may be set from any thread.
#pragma once
#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "core/sampler.h"

namespace tunedeck {

enum class StopReason { kEos, kLength, kStopString, kCancelled, kContextFull };
const char* stop_reason_name(StopReason reason);  // "eos", "length", "stop", "cancelled", "context"

struct TextGenerationRequest {
  std::string prompt;   // fully rendered prompt text (chat template applied)
  bool add_bos = true;  // prepend BOS if the tokenizer config says so
  int max_new_tokens = 256;
  SamplingParams sampling;
  std::vector<std::string> stop_strings;  // generation ends after any of these; not in the text
};

struct TextGenerationResult {
  std::string text;  // the generated text, stop string excluded
  StopReason stop_reason = StopReason::kEos;
  std::vector<int> prompt_ids;  // the ids the model was given, BOS included (what it saw)
  int prompt_tokens = 0;
  int completion_tokens = 0;
  double prefill_ms = 0;
  double decode_ms = 0;
};

// Receives each new piece of text as soon as it is complete UTF-8.
using TextCallback = std::function<void(const std::string& piece)>;

class TextGenerator {
 public:
  virtual ~TextGenerator() = default;
  virtual TextGenerationResult generate(const TextGenerationRequest& request,
                                        const TextCallback& on_text,
                                        const std::atomic<bool>* cancel) = 0;
  virtual int count_tokens(const std::string& text) = 0;  // without BOS/EOS
  virtual int context_length() const = 0;                 // max positions of the model
};

}  // namespace tunedeck
