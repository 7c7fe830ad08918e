#include "cli/session_flags.h"

#include <cstdlib>

namespace tunedeck {

const char kSessionFlagsUsage[] =
    "  --model DIR            model folder (default: [model] path of the config)\n"
    "  --adapter DIR          LoRA adapter in PEFT format (default: [model] adapter)\n"
    "  --db FILE              conversation database (default: [memory] db, else\n"
    "                         $XDG_DATA_HOME/tunedeck/tunedeck.db)\n"
    "  --session NAME         conversation to continue (created when missing)\n"
    "  --config FILE          read FILE over the shipped and per-user config\n"
    "  --template NAME        chat template: a tunedeck family (chatml, llama2, llama3, mistral,\n"
    "                         gemma, tunedeck) or model (the model's own Jinja template);\n"
    "                         default: [agent] template, else the model's own template when\n"
    "                         its folder has one, else tunedeck\n"
    "  --max-steps N          model steps per question before giving up ([agent] max_steps)\n"
    "  --max-new-tokens N     longest reply per step ([sampling] max_new_tokens)\n"
    "  --temperature T        0 = greedy ([sampling] temperature)\n"
    "  --top-k K              keep the K most likely tokens (0 = off)\n"
    "  --top-p P              keep the smallest set with probability >= P (1 = off)\n"
    "  --min-p P              keep tokens with p >= P * p_max (0 = off)\n"
    "  --repeat-penalty R     >1 discourages repeating recent tokens (1 = off)\n"
    "  --seed S               random seed for sampling: same seed, same answer\n"
    "  --device cpu|cuda      where to run ([model] device)\n"
    "  --dtype f32|bf16|f16   compute dtype ([model] dtype)\n"
    "  --threads N            CPU threads (0 = all cores)\n";

SessionFlags session_flags_read(CliArgs& args) {
  SessionFlags flags;
  flags.config_file = args.value_or("config", "");
  flags.model = args.value("model");
  flags.adapter = args.value("adapter");
  flags.db = args.value("db");
  flags.session = args.value("session");
  flags.chat_template = args.value("template");
  flags.device = args.value("device");
  flags.dtype = args.value("dtype");
  flags.threads = args.optional_int("threads");
  flags.top_k = args.optional_int("top-k");
  flags.max_new_tokens = args.optional_int("max-new-tokens");
  flags.max_steps = args.optional_int("max-steps");
  flags.temperature = args.optional_double("temperature");
  flags.top_p = args.optional_double("top-p");
  flags.min_p = args.optional_double("min-p");
  flags.repeat_penalty = args.optional_double("repeat-penalty");
  if (auto seed = args.value("seed")) {
    char* end = nullptr;
    flags.seed = std::strtoll(seed->c_str(), &end, 10);
    if (seed->empty() || *end != '\0' || *flags.seed < 0)
      throw UsageError("--seed expects a non-negative integer, got '" + *seed + "'");
  }
  return flags;
}

}  // namespace tunedeck
