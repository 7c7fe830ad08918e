// The agent loop: one user turn at a time, model -> parse tool calls -> run tools -> feed the
// results back -> model, until an answer without calls or the step limit. Every step is reported
// as AgentEvents and every message and tool call is committed to Memory the moment it exists.
// Not a user interface (never touches the terminal), not the model (core/text_generator.h), not
// the prompt format (agent/chat_template.h). Thread rules: an AgentLoop and everything it holds
// references to are used by one thread at a time (the TUI runs it on a worker thread); events
// are delivered synchronously on that thread; `cancel` may be set from any thread.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "agent/chat_template.h"
#include "agent/memory.h"
#include "agent/tool_call_parser.h"
#include "agent/tool_registry.h"
#include "core/text_generator.h"

namespace tunedeck {

enum class AgentEventKind {
  kStepStarted,     // a model step begins (step = 1, 2, ...)
  kTextDelta,       // text: a streamed piece of the model's output, as it arrives
  kModelOutput,     // text: the step's whole raw output; generation: tokens, timings, stop reason
  kToolCallParsed,  // tool.name, tool.arguments; raw: the text between the tags
  kParseError,      // raw: the call's text; text: what was wrong (a tool error result follows)
  kToolResult,      // tool: the full result (result or error, ms)
  kFinalAnswer,     // text: the answer (the last output without its tool calls)
  kStepLimit,       // text: the message; the turn ends without an answer
  kCancelled,       // text: the message; what was said so far is kept
  kError,           // text: what failed (the model or the database threw)
};

// One trace event. Which fields are set depends on `kind` (see AgentEventKind).
struct AgentEvent {
  AgentEventKind kind = AgentEventKind::kStepStarted;
  int step = 0;  // the model step of the turn it belongs to, from 1
  std::string text;
  std::string raw;
  ToolResult tool;
  TextGenerationResult generation;
};

// Called on the loop's thread; must not throw (an exception from it ends the turn as kError).
using AgentEventCallback = std::function<void(const AgentEvent& event)>;

struct AgentLoopOptions {
  std::string system_prompt;  // "" = none; always in the prompt, with the tool list
  int max_steps = 5;          // model steps per turn before giving up (>= 1)
  int max_new_tokens = 256;   // per step; lowered when the context has less room left
  SamplingParams sampling;
};

// One model step of a turn as the CLI's --json reports it.
struct AgentStep {
  std::string raw;                  // the model's output text (stop string excluded)
  std::vector<ToolResult> calls;    // in the order written; parse errors included (name may be "")
  TextGenerationResult generation;  // token counts, timings, stop reason
};

enum class AgentOutcome { kAnswered, kStepLimit, kCancelled, kError };
const char* agent_outcome_name(AgentOutcome outcome);  // "answered", "step_limit", ...

struct AgentTurnResult {
  AgentOutcome outcome = AgentOutcome::kError;
  std::string answer;  // kAnswered: the final answer; otherwise ""
  std::string error;   // kError: what failed; kStepLimit / kCancelled: the message
  std::vector<AgentStep> steps;
  int prompt_tokens = 0;      // summed over the steps
  int completion_tokens = 0;  // summed over the steps
  double generate_ms = 0;     // prefill + decode, summed
  double tools_ms = 0;        // tool runs, summed
  double total_ms = 0;        // the whole turn, prompt assembly and database included
};

class AgentLoop {
 public:
  // The referenced objects must outlive the loop. Throws std::invalid_argument when
  // options.max_steps < 1 or options.max_new_tokens < 1.
  AgentLoop(TextGenerator& generator, const ChatTemplate& chat_template, const ToolRegistry& tools,
            Memory& memory, int64_t session_id, AgentLoopOptions options);

  // Runs one user turn in the current session: stores the question, then steps the model.
  // Never throws: a failure of the model or the database ends the turn with kError (and an
  // error event); what was committed before stays. On cancel (checked before each step, during
  // generation and between tool calls) the partial output is stored as an assistant message
  // when it is not empty, and tool calls already run keep their results.
  AgentTurnResult run_turn(const std::string& question, const AgentEventCallback& on_event,
                           const std::atomic<bool>* cancel = nullptr);

  const ChatTemplate& chat_template() const { return template_; }
  int64_t session_id() const { return session_id_; }
  void set_session(int64_t session_id) { session_id_ = session_id; }
  const AgentLoopOptions& options() const { return options_; }
  // Same checks as the constructor; applies from the next turn.
  void set_options(AgentLoopOptions options);

 private:
  struct Prompt {
    std::string text;
    int tokens = 0;  // BOS included
  };
  // The prompt the next step gets for the current session, rendered with the generation prompt:
  // system prompt and tools always, then the newest whole turns that fit the context minus
  // max_new_tokens. Throws when even the system prompt and tools do not fit.
  Prompt fit_prompt();
  // One model step and its tool calls. Returns true when the turn is over (answer or cancel).
  bool run_step(int step, AgentTurnResult& turn, const AgentEventCallback& emit,
                const std::atomic<bool>* cancel);
  ToolResult run_call(int step, const ParsedCall& call, int64_t message_id,
                      const AgentEventCallback& emit);
  int64_t store(const ChatMessage& message);

  TextGenerator& generator_;
  const ChatTemplate& template_;
  const ToolRegistry& tools_;
  Memory& memory_;
  int64_t session_id_;
  AgentLoopOptions options_;
};

}  // namespace tunedeck
