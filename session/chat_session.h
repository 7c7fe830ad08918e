// The one place a chat session is assembled, for every front end (`ask`, `chat --plain`, `eval`
// and the full-screen app): the layered config with the flags over it, then tools, memory and
// the named conversation, and the model with its tokenizer, chat template (whose markers the
// prompt is encoded with, as training encodes them) and adapter, the agent loop and the slash
// commands over them. The model may be absent, loaded later or replaced, and the adapter swapped,
// without losing the conversation. Not a thread and not printing or drawing.
// Thread rules: one thread at a time; model() hands out a pointer other threads may keep.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "agent/agent_loop.h"
#include "agent/builtin_tools.h"
#include "agent/chat_template.h"
#include "agent/memory.h"
#include "agent/tool_registry.h"
#include "core/text_generator.h"
#include "session/app_config.h"
#include "session/chat_commands.h"

namespace tunedeck {

class LlamaModel;    // core/llama_model.h
class Tokenizer;     // core/tokenizer.h
class Generator;     // core/generator.h
struct LoraAdapter;  // core/lora.h

// The flags every chat front end takes; anything not given comes from the config.
struct SessionFlags {
  std::string config_file;  // --config
  std::optional<std::string> model, adapter, db, session, chat_template, device, dtype;
  std::optional<int> threads, top_k, max_new_tokens, max_steps;
  std::optional<double> temperature, top_p, min_p, repeat_penalty;
  std::optional<long long> seed;
};

// The layered config (shipped < user < --config) with the flags over it. Throws AppConfigError.
AppConfig session_config(const SessionFlags& flags);

// The tools every session has: the built-in ones (`today` asking `today`), then the config's
// [[tools]]. Throws for a bad tool spec or a name taken twice.
void register_session_tools(ToolRegistry& registry, const AppConfig& config,
                            TodayClock today = today_clock_from_environment());

// What a question without a model gets: how to point at one (/model PATH, [model] path).
std::string no_model_hint();

class ChatSession {
 public:
  // Tools (register_session_tools, `today` asking `today`), the config's database and the
  // conversation `session_name` (created when missing; with open_conversation_now = false only
  // when open_conversation() is called); no model yet. Throws for a bad tool spec or database.
  // `today` is called on the thread that runs the agent loop (the `today` tool and the model
  // template's strftime_now).
  ChatSession(AppConfig config, const std::string& session_name,
              TodayClock today = today_clock_from_environment(), bool open_conversation_now = true);
  ~ChatSession();
  ChatSession(const ChatSession&) = delete;
  ChatSession& operator=(const ChatSession&) = delete;

  // Opens (creates when missing) the conversation named at construction and points the agent
  // loop at it.
  void open_conversation();

  // Loads a model — a folder, or the name of one in the Hugging Face cache or [model] models_dir
  // ("Qwen/Qwen3-0.6B", core/model_catalog) — with the config's device and dtype and the chat
  // template for it (chat_template_for_model: [agent] template when it names a family, else the
  // folder's own Jinja template, else the family its tokenizer_config.json names, else tunedeck's),
  // replacing the current model and dropping its adapter. Everything new is made before anything
  // old is dropped: on a throw (naming the folder and the problem) the old model stays.
  // REQUIRES: runtime_init() was called on this thread.
  void load_model(const std::string& reference);
  // Applies a PEFT LoRA adapter folder; "" removes it. Returns a warning ("" for none) when the
  // adapter was trained with another chat template. Throws when there is no model or the adapter
  // does not fit it.
  std::string set_adapter(const std::string& path);
  // The config's [model] path, then its adapter. Throws saying how to name a model when the
  // config has none. Returns set_adapter's warning.
  std::string load_configured_model();

  bool has_model() const { return model_ != nullptr; }
  std::shared_ptr<const LlamaModel> model() const { return model_; }
  std::shared_ptr<const LoraAdapter> adapter() const;  // nullptr: none
  size_t kv_cache_bytes() const;
  const std::string& model_path() const { return model_path_; }
  // How the last load_model changed sampling from the model's generation_config.json ("" =
  // nothing), for the front end to say.
  const std::string& sampling_note() const { return sampling_note_; }
  // Positions the model attends over (0 without a model): the context gauge's denominator.
  int context_length() const { return model_ ? generator_->context_length() : 0; }
  // The catalog name it was loaded by ("Qwen/Qwen3-0.6B"); "" when loaded by its folder.
  const std::string& model_name() const { return model_name_; }
  const std::string& adapter_path() const { return adapter_path_; }
  double load_ms() const { return load_ms_; }  // the last load_model's wall time

  AgentLoop& loop() { return *loop_; }
  ChatCommands& commands() { return *commands_; }
  Memory& memory() { return *memory_; }
  const ToolRegistry& tools() const { return tools_; }
  const ChatTemplate& chat_template() const { return *template_; }
  const AppConfig& config() const { return config_; }
  const std::string& session_name() const { return commands_->session_name(); }

 private:
  void rebuild_loop();  // after the generator changed; keeps the session and the options

  AppConfig config_;
  TodayClock today_;
  ToolRegistry tools_;
  std::unique_ptr<Memory> memory_;
  std::shared_ptr<LlamaModel> model_;
  std::unique_ptr<Tokenizer> tokenizer_;
  std::unique_ptr<TextGenerator> generator_;  // a Generator, or the no-model stand-in
  Generator* model_generator_ = nullptr;      // generator_ when a model is loaded
  std::unique_ptr<ChatTemplate> template_;
  std::string model_path_, model_name_, adapter_path_, sampling_note_;
  double load_ms_ = 0;
  std::unique_ptr<AgentLoop> loop_;
  std::unique_ptr<ChatCommands> commands_;
};

// For the commands that need a model from the start (ask, chat --plain, eval): the config and
// flags, runtime_init with its threads, the configured model and adapter, then the conversation
// `flags.session` (else `default_session`; not created when the model fails to load), with `today`
// as the today tool's clock. An adapter warning goes to `warnings`. Throws as the steps do.
std::unique_ptr<ChatSession> chat_session_open(const SessionFlags& flags,
                                               const std::string& default_session,
                                               std::ostream& warnings,
                                               TodayClock today = today_clock_from_environment());

}  // namespace tunedeck
