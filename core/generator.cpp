#include "core/generator.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <stdexcept>

namespace tunedeck {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

constexpr int kDefaultContextCap = 8192;  // Llama-3's 128k positions would not fit a KV cache here

std::vector<TopLogit> best_logits(const std::vector<float>& logits, int k,
                                  const Tokenizer& tokenizer) {
  std::vector<Sampler::Candidate> c =
      Sampler::top_k(logits.data(), static_cast<int>(logits.size()), k);
  std::vector<TopLogit> out;
  for (const auto& x : c) out.push_back({x.id, tokenizer.id_to_piece(x.id), x.logit});
  return out;
}

// The options of every forward of a generate_ids call.
ForwardOptions forward_options(const GenerateOptions& options) {
  ForwardOptions forward;
  forward.last_logits_only = true;
  forward.cpu_kernels = options.cpu_kernels;
  return forward;
}

}  // namespace

void check_tokenizer_fits_model(const Tokenizer& tokenizer, const LlamaModel& model) {
  if (tokenizer.vocab_size() > model.config().vocab_size)
    throw std::runtime_error(
        model.source() + "/tokenizer.model: the tokenizer has " +
        std::to_string(tokenizer.vocab_size()) + " pieces but the model's embedding has only " +
        std::to_string(model.config().vocab_size) +
        " rows (vocab_size in config.json): tokenizer and weights do not belong together "
        "(a fine-tune that added tokens without resizing the embedding?)");
}

Generator::Generator(const LlamaModel& model, const Tokenizer& tokenizer, int context)
    : model_(model), tokenizer_(tokenizer) {
  const int max_positions = model.config().max_position_embeddings;
  context_ =
      context > 0 ? std::min(context, max_positions) : std::min(max_positions, kDefaultContextCap);
}

void Generator::set_adapter(std::shared_ptr<const LoraAdapter> adapter) {
  adapter_ = std::move(adapter);
  cached_ids_.clear();  // cached K/V were computed with the previous weights
  if (cache_) cache_->reset();
}

ForwardKernels Generator::prefill_kernels(int prompt_tokens, const GenerateOptions& options) const {
  c10::InferenceMode inference;  // as generate_ids
  const at::Tensor tokens = at::zeros({1, prompt_tokens}, model_.options().dtype(at::kLong));
  std::optional<KvCache> fresh;  // before the first generation: one like it
  if (!cache_) fresh.emplace(model_.make_cache(1, context_));
  return forward_kernels_choose(model_, tokens, cache_ ? &*cache_ : &*fresh, adapter_.get(),
                                forward_options(options));
}

at::Tensor Generator::step_logits(const std::vector<int>& ids, int64_t start,
                                  const ForwardOptions& forward) {
  std::vector<int64_t> ids64(ids.begin(), ids.end());
  at::Tensor tokens =
      at::from_blob(ids64.data(), {1, static_cast<int64_t>(ids64.size())}, at::kLong)
          .to(model_.options().device());
  at::Tensor logits =
      model_.forward(tokens, &*cache_, start, adapter_.get(), forward);  // [1, 1, V]
  at::Tensor row = logits.reshape({-1}).to(at::kCPU).contiguous();
  logits_.resize(row.numel());
  std::memcpy(logits_.data(), row.data_ptr<float>(), row.numel() * sizeof(float));
  return row;
}

// Feeds the part of the prompt the cache does not hold yet; returns the reused prefix length.
int64_t Generator::prefill(const std::vector<int>& prompt_ids, const ForwardOptions& forward,
                           GenerateResult& result) {
  if (!cache_) cache_.emplace(model_.make_cache(1, context_));
  size_t common = 0;
  while (common < cached_ids_.size() && common < prompt_ids.size() &&
         cached_ids_[common] == prompt_ids[common])
    ++common;
  if (common == prompt_ids.size()) --common;  // at least one token must run to produce logits
  common = static_cast<size_t>(cache_->truncate(static_cast<int64_t>(common)));
  cached_ids_.resize(common);
  std::vector<int> fresh(prompt_ids.begin() + common, prompt_ids.end());
  step_logits(fresh, static_cast<int64_t>(common), forward);
  cached_ids_ = prompt_ids;
  result.reused_prompt_tokens = static_cast<int>(common);
  return static_cast<int64_t>(common);
}

GenerateResult Generator::generate_ids(const std::vector<int>& prompt_ids,
                                       const GenerateOptions& options, const TextCallback& on_text,
                                       const std::atomic<bool>* cancel) {
  if (prompt_ids.empty()) throw std::runtime_error("empty prompt: nothing to condition on");
  const int vocab = model_.config().vocab_size;
  for (int id : prompt_ids)
    if (id < 0 || id >= vocab)
      throw std::runtime_error("prompt token id " + std::to_string(id) +
                               " is outside the vocabulary (0.." + std::to_string(vocab - 1) + ")");
  if (static_cast<int>(prompt_ids.size()) >= context_)
    throw std::runtime_error("prompt has " + std::to_string(prompt_ids.size()) +
                             " tokens but the context holds " + std::to_string(context_));
  c10::InferenceMode inference;
  GenerateResult result;
  result.prompt_ids = prompt_ids;
  const std::vector<int> stop_ids =
      options.stop_ids.empty() ? tokenizer_.special().stop_ids : options.stop_ids;
  Sampler sampler(options.sampling, stop_ids);
  if (options.logit_mask) sampler.set_logit_mask(options.logit_mask);
  TokenStreamer streamer(tokenizer_);
  StopStringFilter filter(options.stop_strings);
  auto emit = [&](const std::string& piece) {
    if (piece.empty()) return;
    const std::string shown = filter.feed(piece);
    if (!shown.empty() && on_text) on_text(shown);
  };

  const ForwardOptions forward = forward_options(options);

  const auto prefill_start = Clock::now();
  prefill(prompt_ids, forward, result);
  result.prefill_ms = ms_since(prefill_start);

  std::vector<int> history = prompt_ids;
  const auto decode_start = Clock::now();
  result.stop_reason = StopReason::kLength;
  for (int step = 0; step < options.max_new_tokens; ++step) {
    if (cancel && cancel->load()) {
      result.stop_reason = StopReason::kCancelled;
      break;
    }
    if (step > 0) {
      if (static_cast<int>(cached_ids_.size()) >= context_) {
        result.stop_reason = StopReason::kContextFull;
        break;
      }
      const int last = result.output_ids.back();
      step_logits({last}, static_cast<int64_t>(cached_ids_.size()), forward);
      cached_ids_.push_back(last);
      ++result.decode_steps;
    }
    if (step == 0 && options.top_logits > 0)
      result.top_logits = best_logits(logits_, options.top_logits, tokenizer_);
    const int id = sampler.sample(logits_.data(), static_cast<int>(logits_.size()), history,
                                  result.output_ids);
    if (std::find(stop_ids.begin(), stop_ids.end(), id) != stop_ids.end()) {
      result.stop_reason = StopReason::kEos;
      break;
    }
    result.output_ids.push_back(id);
    history.push_back(id);
    emit(streamer.push(id));
    if (filter.stopped()) {
      result.stop_reason = StopReason::kStopString;
      break;
    }
  }
  if (!filter.stopped()) {
    emit(streamer.flush());
    const std::string tail = filter.flush();
    if (!tail.empty() && on_text) on_text(tail);
  }
  result.decode_ms = ms_since(decode_start);
  result.text = filter.text();
  return result;
}

TextGenerationResult Generator::generate(const TextGenerationRequest& request,
                                         const TextCallback& on_text,
                                         const std::atomic<bool>* cancel) {
  GenerateOptions options;
  options.max_new_tokens = request.max_new_tokens;
  options.sampling = request.sampling;
  options.stop_strings = request.stop_strings;
  std::vector<int> prompt;
  if (request.add_bos && tokenizer_.special().add_bos && tokenizer_.special().bos_id >= 0)
    prompt.push_back(tokenizer_.special().bos_id);
  const std::vector<int> body = tokenizer_encode_with_markers(tokenizer_, request.prompt, markers_);
  prompt.insert(prompt.end(), body.begin(), body.end());
  GenerateResult r = generate_ids(prompt, options, on_text, cancel);
  TextGenerationResult out;
  out.text = r.text;
  out.stop_reason = r.stop_reason;
  out.prompt_tokens = static_cast<int>(r.prompt_ids.size());
  out.prompt_ids = std::move(r.prompt_ids);
  out.completion_tokens = static_cast<int>(r.output_ids.size());
  out.prefill_ms = r.prefill_ms;
  out.decode_ms = r.decode_ms;
  return out;
}

int Generator::count_tokens(const std::string& text) {
  return static_cast<int>(tokenizer_encode_with_markers(tokenizer_, text, markers_).size());
}

}  // namespace tunedeck
