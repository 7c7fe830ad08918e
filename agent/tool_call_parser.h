// Splits a model's reply into its text and its tool calls, in the format its chat template uses
// (ToolCallSyntax): Hermes / Qwen tags, e.g.
//   <tool_call>{"name": "add_days", "arguments": {"date": "2026-12-25", "days": 10}}</tool_call>
// (any number, text around them allowed), Llama 3.1's bare JSON {"name": .., "parameters": ..}
// (optionally after <|python_tag|>), or Mistral's [TOOL_CALLS] [{...}, ...]. A broken call is
// never dropped: it comes back with `error` set so the agent can show the model what was wrong.
// Not for running calls (agent/tool_registry.h). Pure functions; thread-safe.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tunedeck {

// How a model family writes its tool calls.
enum class ToolCallFormat {
  kHermes,      // open ... close tags around each JSON object (Qwen, Hermes, tunedeck's families)
  kLlama3Json,  // the reply is JSON objects {"name", "parameters"} separated by ";" or newlines,
                // optionally after `open` (<|python_tag|>); a reply that starts with text is an
                // answer
  kMistral,     // `open` ([TOOL_CALLS]) then a JSON array of {"name", "arguments"} (or one object)
};

// The tags a model writes around a tool call, and the format. The chat template in use says
// which (ChatTemplate::tool_call_syntax()); the defaults are Hermes / Qwen 2.5's, which
// tunedeck's own templates use and the training data files are written in. `open` is non-empty;
// `close` is empty when a call runs to the end of the reply (kLlama3Json, kMistral).
struct ToolCallSyntax {
  std::string open = "<tool_call>";
  std::string close = "</tool_call>";
  ToolCallFormat format = ToolCallFormat::kHermes;
  // true: the template has no tool support of its own, so tunedeck injected the tool list and
  // the Hermes instructions into the first system/user turn (README, "Tool-call formats").
  bool injected = false;
};

ToolCallSyntax tool_call_syntax_llama3();   // <|python_tag|>, bare JSON, no close tag
ToolCallSyntax tool_call_syntax_mistral();  // [TOOL_CALLS], no close tag
// One line for the trace pane, e.g. "hermes (<tool_call>)", "mistral ([TOOL_CALLS])".
std::string tool_call_syntax_description(const ToolCallSyntax& syntax);

struct ParsedCall {
  std::string raw;   // the call's own text: between the tags (to the end if unclosed), the JSON
                     // object (kLlama3Json) or the array element (kMistral)
  std::string name;  // empty when it could not be read
  nlohmann::json arguments = nlohmann::json::object();
  std::string error;  // empty when the call is well formed

  bool ok() const { return error.empty(); }
};

struct ParsedReply {
  std::string content;            // the text outside the calls, trimmed at both ends
  std::vector<ParsedCall> calls;  // in the order written
};

// Accepted for each call: a JSON object with "name" (non-empty string) and "arguments" (an
// object, or a string holding a JSON object; absent means {}). "parameters" is accepted in place
// of "arguments" (Llama 3 writes it). Errors: broken JSON, missing name, arguments not an
// object; kHermes: an open tag with no close tag before the next open tag or the end; kMistral:
// a body that is not a JSON array of objects; kLlama3Json: text after <|python_tag|> that is no
// JSON object (a built-in python call), an object that never closes.
ParsedReply parse_tool_calls(const std::string& text, const ToolCallSyntax& syntax);

}  // namespace tunedeck
