// The generation loop over a loaded model: prefill the prompt once, then one token per step from
// the KV cache; streams text, stops on stop ids / stop strings / length / context / cancel.
// Keeps its cache between calls and reuses the longest common prefix of the previous prompt (the
// agent re-sends a growing conversation). Not for batching. One generate() at a time per object;
// `cancel` may be set from any thread (the cache keeps the tokens already processed).
#pragma once
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/kernels/forward_kernels.h"
#include "core/kv_cache.h"
#include "core/llama_model.h"
#include "core/sampler.h"
#include "core/text_generator.h"
#include "core/token_streamer.h"
#include "core/tokenizer.h"

namespace tunedeck {

struct TopLogit {
  int id;
  std::string piece;
  float logit;
};

struct GenerateOptions {
  int max_new_tokens = 256;
  SamplingParams sampling;
  std::vector<std::string> stop_strings;
  std::vector<int> stop_ids;  // empty: the tokenizer's (generation_config.json eos list)
  int top_logits = 0;         // record the K best logits at the first generated position
  LogitMask logit_mask;
  CpuKernels cpu_kernels = CpuKernels::kTunedeck;  // for every forward of this call
};

struct GenerateResult {
  std::vector<int> prompt_ids;
  std::vector<int> output_ids;  // stop id excluded
  std::string text;             // stop string excluded
  StopReason stop_reason = StopReason::kLength;
  int reused_prompt_tokens = 0;  // prompt positions served from the previous call's cache
  double prefill_ms = 0;
  double decode_ms = 0;
  int decode_steps = 0;  // forward passes after the prefill
  std::vector<TopLogit> top_logits;
};

class Generator : public TextGenerator {
 public:
  // `model` and `tokenizer` must outlive the generator. context <= 0: the model's max positions.
  Generator(const LlamaModel& model, const Tokenizer& tokenizer, int context = 0);

  // The adapter applies to every later generation; nullptr = base model. Clears the prefix cache.
  void set_adapter(std::shared_ptr<const LoraAdapter> adapter);
  const std::shared_ptr<const LoraAdapter>& adapter() const { return adapter_; }

  // Marker texts the chat template writes ("</s>", "<|im_end|>", ChatTemplate::special_texts()):
  // generate() and count_tokens() encode each as its single token id where the vocabulary has
  // one, exactly as the trainer encodes its examples (tokenizer_encode_with_markers).
  void set_prompt_markers(std::vector<std::string> markers) { markers_ = std::move(markers); }

  GenerateResult generate_ids(const std::vector<int>& prompt_ids, const GenerateOptions& options,
                              const TextCallback& on_text, const std::atomic<bool>* cancel);

  // The kernels generate_ids' prefill of `prompt_tokens` new ids runs
  // (core/kernels/forward_kernels), for the bench to name them.
  ForwardKernels prefill_kernels(int prompt_tokens, const GenerateOptions& options) const;

  // TextGenerator
  TextGenerationResult generate(const TextGenerationRequest& request, const TextCallback& on_text,
                                const std::atomic<bool>* cancel) override;
  int count_tokens(const std::string& text) override;
  int context_length() const override { return context_; }

  const LlamaModel& model() const { return model_; }
  size_t kv_cache_bytes() const { return cache_ ? cache_->bytes() : 0; }

 private:
  int64_t prefill(const std::vector<int>& prompt_ids, const ForwardOptions& forward,
                  GenerateResult& result);
  at::Tensor step_logits(const std::vector<int>& ids, int64_t start, const ForwardOptions& forward);

  const LlamaModel& model_;
  const Tokenizer& tokenizer_;
  int context_;
  std::shared_ptr<const LoraAdapter> adapter_;
  std::optional<KvCache> cache_;
  std::vector<int> cached_ids_;  // the ids whose K/V are in cache_, in order
  std::vector<float> logits_;    // the last position's logits, reused every step
  std::vector<std::string> markers_;
};

// Checks that every id the tokenizer can produce has an embedding row (the seed's vocab-size
// mismatch after fine-tuning). Throws naming both sizes and the folder.
void check_tokenizer_fits_model(const Tokenizer& tokenizer, const LlamaModel& model);

}  // namespace tunedeck
