#include "session/chat_session.h"

#include <chrono>
#include <ostream>
#include <stdexcept>

#include "agent/chat_template_model.h"
#include "agent/user_tool.h"
#include "core/generator.h"
#include "core/llama_model.h"
#include "core/lora.h"
#include "core/model_catalog.h"
#include "core/runtime.h"
#include "core/tokenizer.h"
#include "session/model_sampling.h"

namespace tunedeck {
namespace {

template <typename T, typename U>
void override_with(T& setting, const std::optional<U>& flag) {
  if (flag) setting = static_cast<T>(*flag);
}

// Stands in for the model until one is loaded: the slash commands work, a question fails with
// what to do.
class NoModelGenerator : public TextGenerator {
 public:
  TextGenerationResult generate(const TextGenerationRequest&, const TextCallback&,
                                const std::atomic<bool>*) override {
    throw std::runtime_error(no_model_hint());
  }
  int count_tokens(const std::string& text) override {
    return static_cast<int>(text.size() / 4 + 1);
  }
  int context_length() const override { return 4096; }
};

// The clock the model's own template reads (strftime_now): the `today` tool's date, at 00:00.
std::function<std::tm()> template_clock(TodayClock today) {
  return [today = std::move(today)] { return jinja_chat_time(today()); };
}

std::string user_file_or(const std::string& fallback) {
  const std::string user_file = app_config_user_file();
  return user_file.empty() ? fallback : user_file;
}

}  // namespace

AppConfig session_config(const SessionFlags& flags) {
  AppConfig config = app_config_load(flags.config_file);
  // Each flag given overrides its setting, and the setting's origin says so ("--model").
  const auto flag = [&config](auto& setting, const auto& value, const char* key, const char* name) {
    override_with(setting, value);
    if (value) config.origins[key] = name;
  };
  flag(config.model.path, flags.model, "model.path", "--model");
  flag(config.model.adapter, flags.adapter, "model.adapter", "--adapter");
  flag(config.model.device, flags.device, "model.device", "--device");
  flag(config.model.dtype, flags.dtype, "model.dtype", "--dtype");
  flag(config.model.threads, flags.threads, "model.threads", "--threads");
  flag(config.memory.db, flags.db, "memory.db", "--db");
  flag(config.agent.template_name, flags.chat_template, "agent.template", "--template");
  flag(config.agent.max_steps, flags.max_steps, "agent.max_steps", "--max-steps");
  flag(config.sampling.temperature, flags.temperature, "sampling.temperature", "--temperature");
  flag(config.sampling.top_k, flags.top_k, "sampling.top_k", "--top-k");
  flag(config.sampling.top_p, flags.top_p, "sampling.top_p", "--top-p");
  flag(config.sampling.min_p, flags.min_p, "sampling.min_p", "--min-p");
  flag(config.sampling.repeat_penalty, flags.repeat_penalty, "sampling.repeat_penalty",
       "--repeat-penalty");
  flag(config.sampling.max_new_tokens, flags.max_new_tokens, "sampling.max_new_tokens",
       "--max-new-tokens");
  flag(config.sampling.seed, flags.seed, "sampling.seed", "--seed");
  return config;
}

void register_session_tools(ToolRegistry& registry, const AppConfig& config, TodayClock today) {
  register_builtin_tools(registry, std::move(today),
                         builtin_tool_set_parse(config.agent.builtin_tools));
  register_user_tools(registry, config.tools);
}

std::string no_model_hint() {
  return "no model loaded: /model PATH loads one (a Hugging Face Llama-family folder, e.g. "
         "/model ../shared/models/stories260k), or set [model] path in " +
         user_file_or("~/.config/tunedeck/config.toml");
}

ChatSession::ChatSession(AppConfig config, const std::string& session_name, TodayClock today,
                         bool open_conversation_now)
    : config_(std::move(config)), today_(today) {
  register_session_tools(tools_, config_, std::move(today));
  memory_ = std::make_unique<Memory>(app_config_db_path(config_));
  generator_ = std::make_unique<NoModelGenerator>();
  const std::string& requested = config_.agent.template_name;
  template_ =
      chat_template_by_name(requested.empty() || requested == "model" ? "tunedeck" : requested);
  AgentLoopOptions options;
  options.system_prompt = config_.agent.system_prompt;
  options.max_steps = config_.agent.max_steps;
  options.max_new_tokens = config_.sampling.max_new_tokens;
  options.sampling = config_.sampling.to_params();
  loop_ = std::make_unique<AgentLoop>(*generator_, *template_, tools_, *memory_, 0, options);
  commands_ = std::make_unique<ChatCommands>(*loop_, *memory_, tools_, session_name);
  if (open_conversation_now) open_conversation();
}

void ChatSession::open_conversation() {
  loop_->set_session(memory_->open_session(commands_->session_name()));
}

ChatSession::~ChatSession() = default;

void ChatSession::load_model(const std::string& reference) {
  const auto start = std::chrono::steady_clock::now();
  const std::string path =
      model_catalog_resolve(reference, model_search_default(config_.model.models_dir));
  ModelLoadOptions load;
  load.device = config_.model.device;
  load.dtype = config_.model.dtype;
  auto model = std::make_shared<LlamaModel>(LlamaModel::load(path, load));
  std::unique_ptr<Tokenizer> tokenizer = tokenizer_load_dir(path);
  check_tokenizer_fits_model(*tokenizer, *model);
  std::unique_ptr<ChatTemplate> chat_template = chat_template_for_model(
      config_.agent.template_name, path, *tokenizer, template_clock(today_));
  auto generator = std::make_unique<Generator>(*model, *tokenizer);
  generator->set_prompt_markers(chat_template->special_texts());  // encoded as training does

  model_generator_ = generator.get();
  generator_ = std::move(generator);
  template_ = std::move(chat_template);
  tokenizer_ = std::move(tokenizer);
  model_ = std::move(model);
  model_path_ = path;
  model_name_ = path == reference ? "" : reference;
  adapter_path_.clear();
  rebuild_loop();
  const ModelSampling sampling = model_sampling(config_, path);
  AgentLoopOptions options = loop_->options();
  options.sampling = sampling.settings.to_params();
  loop_->set_options(options);
  sampling_note_ = sampling.note;
  load_ms_ =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

std::string ChatSession::set_adapter(const std::string& path) {
  if (!model_) throw std::runtime_error(no_model_hint());
  if (path.empty()) {
    model_generator_->set_adapter(nullptr);
    adapter_path_.clear();
    return "";
  }
  std::shared_ptr<LoraAdapter> adapter = lora_load_peft(path, model_->config(), model_->weights());
  std::string warning;
  if (!adapter->template_hash.empty() && adapter->template_hash != template_->template_hash()) {
    warning = "adapter " + path + " was trained with chat template hash " + adapter->template_hash +
              " but the template in use ('" + template_->name() + "') has hash " +
              template_->template_hash() +
              "; answers may be poor (set [agent] template or --template)";
  }
  model_generator_->set_adapter(adapter);
  adapter_path_ = path;
  return warning;
}

std::string ChatSession::load_configured_model() {
  if (config_.model.path.empty()) {
    const std::string user_file = app_config_user_file();
    throw std::runtime_error(
        "no model to talk to: pass --model DIR (a Hugging Face Llama-family folder), or set "
        "[model] path in " +
        (user_file.empty() ? std::string("a --config FILE") : user_file + " or a --config FILE"));
  }
  load_model(config_.model.path);
  return config_.model.adapter.empty() ? "" : set_adapter(config_.model.adapter);
}

std::shared_ptr<const LoraAdapter> ChatSession::adapter() const {
  return model_generator_ ? model_generator_->adapter() : nullptr;
}

size_t ChatSession::kv_cache_bytes() const {
  return model_generator_ ? model_generator_->kv_cache_bytes() : 0;
}

void ChatSession::rebuild_loop() {
  const AgentLoopOptions options = loop_->options();
  const int64_t session = loop_->session_id();
  const std::string session_name = commands_->session_name();
  commands_.reset();
  loop_ = std::make_unique<AgentLoop>(*generator_, *template_, tools_, *memory_, session, options);
  commands_ = std::make_unique<ChatCommands>(*loop_, *memory_, tools_, session_name);
}

std::unique_ptr<ChatSession> chat_session_open(const SessionFlags& flags,
                                               const std::string& default_session,
                                               std::ostream& warnings, TodayClock today) {
  AppConfig config = session_config(flags);
  runtime_init(config.model.threads);  // before any torch work
  // The model first: a model that fails to load leaves no empty conversation behind.
  auto session = std::make_unique<ChatSession>(
      std::move(config), flags.session.value_or(default_session), std::move(today), false);
  const std::string warning = session->load_configured_model();
  session->open_conversation();
  if (!warning.empty()) warnings << "warning: " << warning << "\n";
  return session;
}

}  // namespace tunedeck
