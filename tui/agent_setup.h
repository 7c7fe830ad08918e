// What `tunedeck ask` and `tunedeck chat` share: their common flags, and the set-up those flags
// and the layered config describe (model, tokenizer, LoRA adapter, generator, chat template,
// tools, memory, session, agent loop), owned by one object. Not the REPL and not printing.
// Thread rules: built on one thread; afterwards the loop (and the memory it writes) is used by
// one thread at a time.
#pragma once
#include <cstdint>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

#include "agent/agent_loop.h"
#include "agent/app_config.h"
#include "agent/chat_template.h"
#include "agent/memory.h"
#include "agent/tool_registry.h"
#include "core/text_generator.h"
#include "tui/cli_args.h"

namespace tunedeck {

class LlamaModel;  // core/llama_model.h
class Tokenizer;   // core/tokenizer.h
class Generator;   // core/generator.h

// The flags both commands take; anything not given comes from the config.
struct AgentFlags {
  std::string config_file;  // --config
  std::optional<std::string> model, adapter, db, session, chat_template, device, dtype;
  std::optional<int> threads, top_k, max_new_tokens, max_steps;
  std::optional<double> temperature, top_p, min_p, repeat_penalty;
  std::optional<long long> seed;
};

// The help lines of those flags, for the commands' usage texts.
extern const char kAgentFlagsUsage[];

// Reads (consumes) the shared flags. Throws UsageError for a malformed number.
AgentFlags agent_flags_read(CliArgs& args);

class AgentSetup {
 public:
  // Loads the config (shipped < user < --config), applies the flags, then the model, tokenizer,
  // adapter, template, tools and memory, and opens `session` (flags.session wins; created when
  // missing). Warnings (an adapter trained with another chat template) go to `warnings`.
  // Throws with what to do when no model is configured, and with the file and problem for
  // anything that does not load.
  AgentSetup(const AgentFlags& flags, const std::string& default_session, std::ostream& warnings);
  ~AgentSetup();
  AgentSetup(const AgentSetup&) = delete;
  AgentSetup& operator=(const AgentSetup&) = delete;

  AgentLoop& loop() { return *loop_; }
  Memory& memory() { return *memory_; }
  const ToolRegistry& tools() const { return tools_; }
  const ChatTemplate& chat_template() const { return *template_; }
  const AppConfig& config() const { return config_; }
  const std::string& session_name() const { return session_name_; }
  const std::string& model_dir() const { return config_.model.path; }
  double load_ms() const { return load_ms_; }

 private:
  AppConfig config_;
  std::unique_ptr<LlamaModel> model_;
  std::unique_ptr<Tokenizer> tokenizer_;
  std::unique_ptr<Generator> generator_;
  std::unique_ptr<ChatTemplate> template_;
  ToolRegistry tools_;
  std::unique_ptr<Memory> memory_;
  std::unique_ptr<AgentLoop> loop_;
  std::string session_name_;
  double load_ms_ = 0;
};

}  // namespace tunedeck
