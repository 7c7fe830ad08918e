#include "tui/agent_setup.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>
#include <stdexcept>

#include "agent/builtin_tools.h"
#include "agent/user_tool.h"
#include "core/generator.h"
#include "core/llama_model.h"
#include "core/lora.h"
#include "core/runtime.h"
#include "core/tokenizer.h"

namespace tunedeck {

const char kAgentFlagsUsage[] =
    "  --model DIR            model folder (default: [model] path of the config)\n"
    "  --adapter DIR          LoRA adapter in PEFT format (default: [model] adapter)\n"
    "  --db FILE              conversation database (default: [memory] db, else\n"
    "                         $XDG_DATA_HOME/tunedeck/tunedeck.db)\n"
    "  --session NAME         conversation to continue (created when missing)\n"
    "  --config FILE          read FILE over the shipped and per-user config\n"
    "  --template NAME        chat template (default: [agent] template, else detected from\n"
    "                         the model's tokenizer_config.json, else tunedeck)\n"
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

AgentFlags agent_flags_read(CliArgs& args) {
  AgentFlags flags;
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

namespace {

template <typename T, typename U>
void override_with(T& setting, const std::optional<U>& flag) {
  if (flag) setting = static_cast<T>(*flag);
}

// Flags win over every config layer.
void apply_flags(AppConfig& config, const AgentFlags& flags) {
  override_with(config.model.path, flags.model);
  override_with(config.model.adapter, flags.adapter);
  override_with(config.model.device, flags.device);
  override_with(config.model.dtype, flags.dtype);
  override_with(config.model.threads, flags.threads);
  override_with(config.memory.db, flags.db);
  override_with(config.agent.template_name, flags.chat_template);
  override_with(config.agent.max_steps, flags.max_steps);
  override_with(config.sampling.temperature, flags.temperature);
  override_with(config.sampling.top_k, flags.top_k);
  override_with(config.sampling.top_p, flags.top_p);
  override_with(config.sampling.min_p, flags.min_p);
  override_with(config.sampling.repeat_penalty, flags.repeat_penalty);
  override_with(config.sampling.max_new_tokens, flags.max_new_tokens);
  override_with(config.sampling.seed, flags.seed);
}

// [agent] template when set; else the family named by the model's tokenizer_config.json; else
// tunedeck's own.
std::string template_name_for(const AppConfig& config) {
  if (!config.agent.template_name.empty()) return config.agent.template_name;
  const std::string path = config.model.path + "/tokenizer_config.json";
  std::ifstream file(path);
  if (!file) return "tunedeck";
  std::stringstream text;
  text << file.rdbuf();
  std::string detected;
  try {
    detected = chat_template_detect(text.str());
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
  return detected.empty() ? "tunedeck" : detected;
}

}  // namespace

AgentSetup::AgentSetup(const AgentFlags& flags, const std::string& default_session,
                       std::ostream& warnings) {
  const auto start = std::chrono::steady_clock::now();
  config_ = app_config_load(flags.config_file);
  apply_flags(config_, flags);
  if (config_.model.path.empty()) {
    throw std::runtime_error(
        "no model to talk to: pass --model DIR (a Hugging Face Llama-family folder), or set "
        "[model] path in " +
        (app_config_user_file().empty() ? std::string("a --config FILE")
                                        : app_config_user_file() + " or a --config FILE"));
  }

  // The model and its tokenizer (order matters: runtime_init before any torch work).
  runtime_init(config_.model.threads);
  ModelLoadOptions load;
  load.device = config_.model.device;
  load.dtype = config_.model.dtype;
  model_ = std::make_unique<LlamaModel>(LlamaModel::load(config_.model.path, load));
  tokenizer_ = tokenizer_load_dir(config_.model.path);
  check_tokenizer_fits_model(*tokenizer_, *model_);
  generator_ = std::make_unique<Generator>(*model_, *tokenizer_);
  template_ = chat_template_by_name(template_name_for(config_));

  // The adapter, checked against the template it was trained with.
  if (!config_.model.adapter.empty()) {
    std::shared_ptr<LoraAdapter> adapter =
        lora_load_peft(config_.model.adapter, model_->config(), model_->weights());
    if (!adapter->template_hash.empty() && adapter->template_hash != template_->template_hash()) {
      warnings << "warning: adapter " << config_.model.adapter
               << " was trained with chat template hash " << adapter->template_hash
               << " but the template in use ('" << template_->name() << "') has hash "
               << template_->template_hash()
               << "; answers may be poor (set [agent] template or --template)\n";
    }
    generator_->set_adapter(adapter);
  }

  // Tools, memory and the loop.
  register_builtin_tools(tools_);
  register_user_tools(tools_, config_.tools);
  memory_ = std::make_unique<Memory>(app_config_db_path(config_));
  session_name_ = flags.session ? *flags.session : default_session;
  const int64_t session = memory_->open_session(session_name_);
  AgentLoopOptions options;
  options.system_prompt = config_.agent.system_prompt;
  options.max_steps = config_.agent.max_steps;
  options.max_new_tokens = config_.sampling.max_new_tokens;
  options.sampling = config_.sampling.to_params();
  generator_->set_prompt_markers(template_->special_texts());  // prompts encode as training does
  loop_ = std::make_unique<AgentLoop>(*generator_, *template_, tools_, *memory_, session, options);
  load_ms_ =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

AgentSetup::~AgentSetup() = default;

}  // namespace tunedeck
