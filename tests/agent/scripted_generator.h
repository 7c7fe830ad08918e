// A model double for agent tests: implements TextGenerator with canned outputs, one per
// generate() call, and records every request it got. Each output is streamed in pieces of up to
// four UTF-8 characters, cut at the first of the request's stop strings (like the real generator),
// and stops early when `cancel` is set between pieces. One token = one byte, so budgets are exact.
// Not for production code. Single-threaded.
#pragma once
#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/text_generator.h"

namespace tunedeck::testing {

class ScriptedGenerator : public TextGenerator {
 public:
  explicit ScriptedGenerator(std::vector<std::string> outputs, int context = 100000)
      : outputs_(std::move(outputs)), context_(context) {}

  TextGenerationResult generate(const TextGenerationRequest& request, const TextCallback& on_text,
                                const std::atomic<bool>* cancel) override {
    requests_.push_back(request);
    if (calls_ >= outputs_.size())
      throw std::runtime_error("scripted generator: no output left for call " +
                               std::to_string(calls_ + 1));
    std::string script = outputs_[calls_++];
    TextGenerationResult result;
    result.stop_reason = StopReason::kEos;
    for (const std::string& stop : request.stop_strings) {
      const size_t at = script.find(stop);
      if (at != std::string::npos) {
        script.resize(at);
        result.stop_reason = StopReason::kStopString;
      }
    }
    for (const std::string& piece : pieces(script)) {
      if (cancel != nullptr && cancel->load()) {
        result.stop_reason = StopReason::kCancelled;
        break;
      }
      result.text += piece;
      if (on_text) on_text(piece);
    }
    result.prompt_tokens = count_tokens(request.prompt) + 1;
    result.completion_tokens = count_tokens(result.text);
    result.prefill_ms = 1;
    result.decode_ms = 2;
    return result;
  }

  int count_tokens(const std::string& text) override { return static_cast<int>(text.size()); }
  int context_length() const override { return context_; }

  const std::vector<TextGenerationRequest>& requests() const { return requests_; }
  const std::string& prompt(size_t call) const { return requests_.at(call).prompt; }
  size_t calls() const { return calls_; }

 private:
  // Pieces of up to four UTF-8 characters (never splitting one).
  static std::vector<std::string> pieces(const std::string& text) {
    std::vector<std::string> out;
    size_t begin = 0;
    int characters = 0;
    for (size_t i = 0; i <= text.size(); i++) {
      const bool boundary =
          i == text.size() || (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
      if (!boundary || i == begin) continue;
      if (++characters == 4 || i == text.size()) {
        out.push_back(text.substr(begin, i - begin));
        begin = i;
        characters = 0;
      }
    }
    return out;
  }

  std::vector<std::string> outputs_;
  int context_;
  size_t calls_ = 0;
  std::vector<TextGenerationRequest> requests_;
};

}  // namespace tunedeck::testing
