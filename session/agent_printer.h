// Prints an agent turn's events as plain text for `tunedeck ask`, the plain REPL and the app's
// conversation pane: the model's text streamed as it arrives with the tool-call markup (the chat
// template's tags, e.g. <tool_call>...</tool_call>) held back, and each tool call on its own line
// instead:
//   → add_days {"date":"2026-02-20","days":100} = {"date":"2026-05-31",...}  0.1 ms
//   ✗ weekdays {"date":"2027-01-04"} error: unknown tool 'weekdays'; known tools: ...  0.0 ms
// Not the trace pane of the full-screen app and not --json. Single-threaded: feed it from the
// agent loop's thread (its events arrive there).
#pragma once
#include <iosfwd>
#include <string>
#include <utility>

#include "agent/agent_loop.h"
#include "agent/tool_call_parser.h"
#include "agent/tool_registry.h"

namespace tunedeck {

// The one line shown for a tool call (no newline): "→ NAME ARGS = RESULT  N ms" or
// "✗ NAME ARGS error: MESSAGE  N ms" ("?" for a call whose name could not be read).
std::string agent_tool_line(const ToolResult& result);

// One line after a turn (no newline):
//   "[answered] 2 steps, prompt 310 tok, generated 42 tok, 230 ms"
//   "[step_limit] step limit reached: ...; 5 steps, prompt ... tok, generated ... tok, ... ms"
std::string agent_turn_summary(const AgentTurnResult& turn);

class AgentPrinter {
 public:
  // `syntax`: the tags of the chat template the turn is written with.
  AgentPrinter(std::ostream& out, ToolCallSyntax syntax) : out_(out), syntax_(std::move(syntax)) {}

  void on_event(const AgentEvent& event);
  // Ends the turn's output with a newline when text is pending on the line.
  void finish_turn();

 private:
  void write(const std::string& text);
  void feed(const std::string& piece);  // hides the tool-call markup, holds partial tags back
  void end_step();

  std::ostream& out_;
  const ToolCallSyntax syntax_;
  std::string pending_;             // text not yet written: a possible start of a tag, or a call
  bool inside_call_ = false;        // between the open and close tags
  bool holding_json_ = false;       // a Llama 3 step that starts with "{": decided at its end
  bool step_text_started_ = false;  // leading whitespace of a step is skipped
  bool at_line_start_ = true;
};

}  // namespace tunedeck
