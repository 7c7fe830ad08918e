// Everything one chat needs, owned together so that the model can be absent, loaded later,
// replaced (/model) or given another adapter (/adapter) without restarting: model, tokenizer,
// generator, chat template, tools, memory, the agent loop and the slash commands on top of it.
// Without a model the commands still work and a question gets an error saying what to do.
// Not a thread (tui/chat_worker.h runs it) and not drawing. Thread rules: one thread at a time
// (the chat worker's); model() hands out a shared pointer other threads may keep.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agent/agent_loop.h"
#include "agent/app_config.h"
#include "agent/chat_template.h"
#include "agent/memory.h"
#include "agent/tool_registry.h"
#include "core/memory_accounting.h"
#include "tui/app_events.h"
#include "tui/chat_commands.h"

namespace tunedeck {

class LlamaModel;  // core/llama_model.h
class Tokenizer;   // core/tokenizer.h
class Generator;   // core/generator.h

// What a question without a model gets: how to point at one (/model PATH, [model] path).
std::string chat_engine_no_model_hint();

class ChatEngine {
 public:
  // Tools and memory from `config` and the session `session_name` (created when missing); no
  // model yet. `accounting` must outlive the engine. Throws for a bad tool spec or database.
  ChatEngine(const AppConfig& config, const std::string& session_name,
             MemoryAccounting& accounting);
  ~ChatEngine();
  ChatEngine(const ChatEngine&) = delete;
  ChatEngine& operator=(const ChatEngine&) = delete;

  // Loads the model folder with the config's device and dtype, replacing the current model (and
  // dropping its adapter). Throws naming the folder and the problem; the old model stays then.
  // REQUIRES: runtime_init() was called on this thread.
  void load_model(const std::string& path);
  // Applies a PEFT LoRA adapter folder; "" removes it. Returns a warning ("" for none) when the
  // adapter was trained with another chat template. Throws when there is no model or it does
  // not fit the model.
  std::string set_adapter(const std::string& path);

  bool has_model() const { return model_ != nullptr; }
  std::shared_ptr<const LlamaModel> model() const { return model_; }
  ModelStatus status() const;
  // Tells the accounting what the model, its KV cache and the adapter hold now.
  void report_memory();

  AgentLoop& loop() { return *loop_; }
  ChatCommands& commands() { return *commands_; }

 private:
  void rebuild_loop();  // after the generator changed; keeps session and options
  std::string template_name_for(const std::string& model_path) const;

  AppConfig config_;
  MemoryAccounting& accounting_;
  ToolRegistry tools_;
  std::unique_ptr<Memory> memory_;
  std::shared_ptr<LlamaModel> model_;
  std::unique_ptr<Tokenizer> tokenizer_;
  std::unique_ptr<TextGenerator> generator_;  // a Generator, or the no-model stand-in
  Generator* model_generator_ = nullptr;      // generator_ when a model is loaded
  std::unique_ptr<ChatTemplate> template_;
  std::string model_path_, adapter_path_;
  std::unique_ptr<AgentLoop> loop_;
  std::unique_ptr<ChatCommands> commands_;
};

}  // namespace tunedeck
