#include "session/chat_session.h"

#include <chrono>
#include <fstream>
#include <ostream>
#include <sstream>
#include <stdexcept>

#include "agent/user_tool.h"
#include "core/generator.h"
#include "core/llama_model.h"
#include "core/lora.h"
#include "core/runtime.h"
#include "core/tokenizer.h"

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

// [agent] template when set; else the family named by the model's tokenizer_config.json; else
// tunedeck's own.
std::string template_name_for(const AppConfig& config, const std::string& model_path) {
  if (!config.agent.template_name.empty()) return config.agent.template_name;
  const std::string path = model_path + "/tokenizer_config.json";
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

std::string user_file_or(const std::string& fallback) {
  const std::string user_file = app_config_user_file();
  return user_file.empty() ? fallback : user_file;
}

}  // namespace

AppConfig session_config(const SessionFlags& flags) {
  AppConfig config = app_config_load(flags.config_file);
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

ChatSession::ChatSession(AppConfig config, const std::string& session_name, TodayClock today)
    : config_(std::move(config)) {
  register_session_tools(tools_, config_, std::move(today));
  memory_ = std::make_unique<Memory>(app_config_db_path(config_));
  generator_ = std::make_unique<NoModelGenerator>();
  template_ = chat_template_by_name(
      config_.agent.template_name.empty() ? "tunedeck" : config_.agent.template_name);
  AgentLoopOptions options;
  options.system_prompt = config_.agent.system_prompt;
  options.max_steps = config_.agent.max_steps;
  options.max_new_tokens = config_.sampling.max_new_tokens;
  options.sampling = config_.sampling.to_params();
  const int64_t session = memory_->open_session(session_name);
  loop_ = std::make_unique<AgentLoop>(*generator_, *template_, tools_, *memory_, session, options);
  commands_ = std::make_unique<ChatCommands>(*loop_, *memory_, tools_, session_name);
}

ChatSession::~ChatSession() = default;

void ChatSession::load_model(const std::string& path) {
  const auto start = std::chrono::steady_clock::now();
  ModelLoadOptions load;
  load.device = config_.model.device;
  load.dtype = config_.model.dtype;
  auto model = std::make_shared<LlamaModel>(LlamaModel::load(path, load));
  std::unique_ptr<Tokenizer> tokenizer = tokenizer_load_dir(path);
  check_tokenizer_fits_model(*tokenizer, *model);
  std::unique_ptr<ChatTemplate> chat_template =
      chat_template_by_name(template_name_for(config_, path));
  auto generator = std::make_unique<Generator>(*model, *tokenizer);
  generator->set_prompt_markers(chat_template->special_texts());  // encoded as training does

  model_generator_ = generator.get();
  generator_ = std::move(generator);
  template_ = std::move(chat_template);
  tokenizer_ = std::move(tokenizer);
  model_ = std::move(model);
  model_path_ = path;
  adapter_path_.clear();
  rebuild_loop();
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
  auto session = std::make_unique<ChatSession>(
      std::move(config), flags.session.value_or(default_session), std::move(today));
  const std::string warning = session->load_configured_model();
  if (!warning.empty()) warnings << "warning: " << warning << "\n";
  return session;
}

}  // namespace tunedeck
