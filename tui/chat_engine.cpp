#include "tui/chat_engine.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "agent/builtin_tools.h"
#include "agent/user_tool.h"
#include "core/generator.h"
#include "core/llama_model.h"
#include "core/lora.h"
#include "core/tokenizer.h"
#include "core/torch_memory.h"

namespace tunedeck {
namespace {

// Stands in for the model until one is loaded: the slash commands work, a question fails with
// what to do.
class NoModelGenerator : public TextGenerator {
 public:
  explicit NoModelGenerator(std::string hint) : hint_(std::move(hint)) {}
  TextGenerationResult generate(const TextGenerationRequest&, const TextCallback&,
                                const std::atomic<bool>*) override {
    throw std::runtime_error(hint_);
  }
  int count_tokens(const std::string& text) override {
    return static_cast<int>(text.size() / 4 + 1);
  }
  int context_length() const override { return 4096; }

 private:
  std::string hint_;
};

}  // namespace

std::string chat_engine_no_model_hint() {
  const std::string user_file = app_config_user_file();
  return "no model loaded: /model PATH loads one (a Hugging Face Llama-family folder, e.g. "
         "/model ../shared/models/stories260k), or set [model] path in " +
         (user_file.empty() ? std::string("~/.config/tunedeck/config.toml") : user_file);
}

ChatEngine::ChatEngine(const AppConfig& config, const std::string& session_name,
                       MemoryAccounting& accounting)
    : config_(config), accounting_(accounting) {
  register_builtin_tools(tools_);
  register_user_tools(tools_, config_.tools);
  memory_ = std::make_unique<Memory>(app_config_db_path(config_));
  generator_ = std::make_unique<NoModelGenerator>(chat_engine_no_model_hint());
  template_ = chat_template_by_name(config_.agent.template_name.empty()
                                        ? "tunedeck"
                                        : config_.agent.template_name);
  AgentLoopOptions options;
  options.system_prompt = config_.agent.system_prompt;
  options.max_steps = config_.agent.max_steps;
  options.max_new_tokens = config_.sampling.max_new_tokens;
  options.sampling = config_.sampling.to_params();
  const int64_t session = memory_->open_session(session_name);
  loop_ = std::make_unique<AgentLoop>(*generator_, *template_, tools_, *memory_, session, options);
  commands_ = std::make_unique<ChatCommands>(*loop_, *memory_, tools_, session_name);
}

ChatEngine::~ChatEngine() = default;

// [agent] template when set; else the family named by the model's tokenizer_config.json; else
// tunedeck's own (the same rule as tunedeck chat --plain).
std::string ChatEngine::template_name_for(const std::string& model_path) const {
  if (!config_.agent.template_name.empty()) return config_.agent.template_name;
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

void ChatEngine::load_model(const std::string& path) {
  // Everything new is made before anything old is dropped: a failure leaves the old model.
  ModelLoadOptions load;
  load.device = config_.model.device;
  load.dtype = config_.model.dtype;
  auto model = std::make_shared<LlamaModel>(LlamaModel::load(path, load));
  std::unique_ptr<Tokenizer> tokenizer = tokenizer_load_dir(path);
  check_tokenizer_fits_model(*tokenizer, *model);
  std::unique_ptr<ChatTemplate> chat_template = chat_template_by_name(template_name_for(path));
  auto generator = std::make_unique<Generator>(*model, *tokenizer);

  model_generator_ = generator.get();
  generator_ = std::move(generator);
  template_ = std::move(chat_template);
  tokenizer_ = std::move(tokenizer);
  model_ = std::move(model);
  model_path_ = path;
  adapter_path_.clear();
  rebuild_loop();
  report_memory();
}

std::string ChatEngine::set_adapter(const std::string& path) {
  if (!model_) throw std::runtime_error(chat_engine_no_model_hint());
  if (path.empty()) {
    model_generator_->set_adapter(nullptr);
    adapter_path_.clear();
    report_memory();
    return "";
  }
  std::shared_ptr<LoraAdapter> adapter = lora_load_peft(path, model_->config(), model_->weights());
  std::string warning;
  if (!adapter->template_hash.empty() && adapter->template_hash != template_->template_hash()) {
    warning = "adapter " + path + " was trained with chat template hash " +
              adapter->template_hash + " but the template in use ('" + template_->name() +
              "') has hash " + template_->template_hash() +
              "; answers may be poor (set [agent] template or --template)";
  }
  model_generator_->set_adapter(adapter);
  adapter_path_ = path;
  report_memory();
  return warning;
}

ModelStatus ChatEngine::status() const {
  ModelStatus status;
  status.loaded = model_ != nullptr;
  status.path = model_path_;
  status.adapter = adapter_path_;
  status.device = config_.model.device;
  status.dtype = config_.model.dtype;
  status.template_name = template_->name();
  return status;
}

void ChatEngine::report_memory() {
  if (!model_) return;
  memory_account_model(accounting_, *model_);
  memory_account_kv_cache(accounting_, "chat", model_generator_->kv_cache_bytes());
  const auto& adapter = model_generator_->adapter();
  if (adapter) memory_account_lora(accounting_, "chat adapter", *adapter);
  else accounting_.remove(MemoryCategory::kLora, "chat adapter");
}

void ChatEngine::rebuild_loop() {
  const AgentLoopOptions options = loop_->options();
  const int64_t session = loop_->session_id();
  const std::string session_name = commands_->session_name();
  commands_.reset();
  loop_ = std::make_unique<AgentLoop>(*generator_, *template_, tools_, *memory_, session, options);
  commands_ = std::make_unique<ChatCommands>(*loop_, *memory_, tools_, session_name);
}

}  // namespace tunedeck
