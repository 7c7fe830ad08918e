// `tunedeck generate`: load a model folder, run one prompt, stream the text (or print one JSON
// object with ids, text, stop reason, timings and top logits). Thin: all work is in core/.
#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/interrupt.h"
#include "core/generator.h"
#include "core/kernels/forward_kernels.h"
#include "core/llama_model.h"
#include "core/lora.h"
#include "core/runtime.h"
#include "core/tokenizer.h"

namespace tunedeck {
namespace {

const char kUsage[] =
    "usage: tunedeck generate --model DIR --prompt TEXT [options]\n"
    "\n"
    "Runs one prompt through a Hugging Face model folder (config.json, *.safetensors,\n"
    "a tokenizer; Llama, Mistral, Qwen2/2.5, Qwen3, Gemma 3 text or EXAONE) and streams the\n"
    "generated text to stdout.\n"
    "\n"
    "  --model DIR            model folder (required)\n"
    "  --adapter DIR          a LoRA adapter in PEFT format (adapter_config.json +\n"
    "                         adapter_model.safetensors) applied on top of the model\n"
    "  --prompt TEXT          prompt text; BOS is added when tokenizer_config.json says so\n"
    "  --max-new-tokens N     tokens to generate at most (default 128)\n"
    "  --min-new-tokens N     stop ids are ignored until N tokens exist (default 0)\n"
    "  --temperature T        0 = greedy (default 0)\n"
    "  --top-k K              keep the K most likely tokens (0 = off)\n"
    "  --top-p P              keep the smallest set with probability >= P (1 = off)\n"
    "  --min-p P              keep tokens with p >= P * p_max (0 = off)\n"
    "  --repeat-penalty R     >1 discourages repeating recent tokens (1 = off)\n"
    "  --stop TEXT            stop when this text appears (not printed)\n"
    "  --seed S               random seed for sampling (default 0): same seed, same output\n"
    "  --device cpu|cuda      where to run (default cpu)\n"
    "  --dtype f32|bf16|f16   compute dtype (default f32; f16 needs cuda)\n"
    "  --threads N            CPU threads (default: all cores)\n"
    "  --context N            KV cache positions (default: the model's, at most 8192)\n"
    "  --top-logits K         with --json: the K best logits at the first generated position\n"
    "  --json                 print one JSON object (ids, text, stop_reason, timings, the\n"
    "                         kernels a prefill and a decode step run) and nothing else on\n"
    "                         stdout; logs go to stderr\n"
    "\n"
    "Ctrl-C stops the generation; what was generated so far is kept (stop_reason \"cancelled\").\n"
    "Example: tunedeck generate --model ../shared/models/stories260k --prompt \"Once upon a "
    "time\"\n";

double per_second(double count, double ms) { return ms > 0 ? count * 1000.0 / ms : 0.0; }

// Which kernels a prefill of `prompt_tokens` positions and then one decode step run (as the
// generator calls forward), in words: {"prefill": ..., "decode": ...}.
nlohmann::json kernel_plans(const LlamaModel& model, int64_t prompt_tokens,
                            const LoraAdapter* adapter) {
  c10::InferenceMode inference;
  KvCache cache = model.make_cache(1, prompt_tokens + 1);
  ForwardOptions forward;
  forward.last_logits_only = true;
  const at::Tensor prompt = at::zeros({1, prompt_tokens}, at::kLong);
  const std::string prefill =
      forward_kernels_describe(forward_kernels_choose(model, prompt, &cache, adapter, forward));
  cache.advance(prompt_tokens);
  const at::Tensor step = at::zeros({1, 1}, at::kLong);
  const std::string decode =
      forward_kernels_describe(forward_kernels_choose(model, step, &cache, adapter, forward));
  return {{"prefill", prefill}, {"decode", decode}};
}

int run_generate(CliArgs& args) {
  const auto model_dir = args.value("model");
  const auto adapter_dir = args.value("adapter");
  const auto prompt = args.value("prompt");
  GenerateOptions options;
  options.max_new_tokens = args.int_or("max-new-tokens", 128);
  options.sampling.min_new_tokens = args.int_or("min-new-tokens", 0);
  options.sampling.temperature = static_cast<float>(args.double_or("temperature", 0.0));
  options.sampling.top_k = args.int_or("top-k", 0);
  options.sampling.top_p = static_cast<float>(args.double_or("top-p", 1.0));
  options.sampling.min_p = static_cast<float>(args.double_or("min-p", 0.0));
  options.sampling.repeat_penalty = static_cast<float>(args.double_or("repeat-penalty", 1.0));
  options.sampling.seed = static_cast<uint64_t>(args.int64_or("seed", 0));
  if (auto stop = args.value("stop")) options.stop_strings.push_back(*stop);
  options.top_logits = args.int_or("top-logits", 0);
  ModelLoadOptions load;
  load.device = args.value_or("device", "cpu");
  load.dtype = args.value_or("dtype", "f32");
  const int threads = args.int_or("threads", 0);
  const int context = args.int_or("context", 0);
  const bool json_output = args.flag("json");
  args.finish();
  if (!model_dir) throw UsageError("--model DIR is required");
  if (!prompt) throw UsageError("--prompt TEXT is required");
  if (options.max_new_tokens < 0) throw UsageError("--max-new-tokens must be >= 0");

  runtime_init(threads);
  const auto load_start = std::chrono::steady_clock::now();
  LlamaModel model = LlamaModel::load(*model_dir, load);
  std::unique_ptr<Tokenizer> tokenizer = tokenizer_load_dir(*model_dir);
  check_tokenizer_fits_model(*tokenizer, model);
  const double load_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - load_start)
          .count();

  Generator generator(model, *tokenizer, context);
  std::shared_ptr<LoraAdapter> adapter;
  if (adapter_dir) {
    adapter = lora_load_peft(*adapter_dir, model.config(), model.weights());
    generator.set_adapter(adapter);
  }
  std::atomic<bool>& interrupted = interrupt_on_sigint();
  TextCallback stream;
  if (!json_output) stream = [](const std::string& piece) { std::cout << piece << std::flush; };
  GenerateResult r =
      generator.generate_ids(tokenizer->encode_prompt(*prompt), options, stream, &interrupted);

  const double prefill_tok_s =
      per_second(r.prompt_ids.size() - r.reused_prompt_tokens, r.prefill_ms);
  const double decode_tok_s = per_second(r.decode_steps, r.decode_ms);
  if (json_output) {
    nlohmann::json j;
    j["prompt_ids"] = r.prompt_ids;
    j["output_ids"] = r.output_ids;
    j["text"] = r.text;
    j["stop_reason"] = stop_reason_name(r.stop_reason);
    j["timings"] = {{"load_ms", load_ms},
                    {"prefill_ms", r.prefill_ms},
                    {"decode_ms", r.decode_ms},
                    {"prefill_tok_s", prefill_tok_s},
                    {"decode_tok_s", decode_tok_s}};
    j["model"] = {{"dir", *model_dir},
                  {"dtype", load.dtype},
                  {"device", load.device},
                  {"adapter", adapter_dir ? *adapter_dir : ""}};
    j["kernels"] = kernel_plans(model, static_cast<int64_t>(r.prompt_ids.size()), adapter.get());
    if (options.top_logits > 0) {
      nlohmann::json top = nlohmann::json::array();
      for (const auto& t : r.top_logits)
        top.push_back({{"id", t.id}, {"piece", t.piece}, {"logit", t.logit}});
      j["top_logits"] = top;
    }
    std::cout << j.dump() << "\n";
  } else {
    std::cout << "\n" << std::flush;
    std::cerr << "[" << stop_reason_name(r.stop_reason) << "] load " << static_cast<int>(load_ms)
              << " ms, prompt " << r.prompt_ids.size() << " tok ("
              << static_cast<int>(prefill_tok_s) << " tok/s), generated " << r.output_ids.size()
              << " tok (" << static_cast<int>(decode_tok_s) << " tok/s), " << runtime_description()
              << "\n";
  }
  return r.stop_reason == StopReason::kCancelled ? 130 : 0;
}

}  // namespace

extern const Command kGenerateCommand = {
    "generate", "run one prompt through a model and stream the text", kUsage, run_generate};

}  // namespace tunedeck
