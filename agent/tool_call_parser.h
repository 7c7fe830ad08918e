// Splits a model's reply into its text and its tool calls, each a JSON object between the chat
// template's tags (ToolCallSyntax), e.g.
//   <tool_call>{"name": "add_days", "arguments": {"date": "2026-12-25", "days": 10}}</tool_call>
// (any number, text around them allowed). A broken call is never dropped: it comes back with
// `error` set so the agent can show the model what was wrong. Not for running calls
// (agent/tool_registry.h). Pure function; thread-safe.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tunedeck {

// The tags a model writes around each tool call. The chat template in use says which
// (ChatTemplate::tool_call_syntax()); the defaults are Hermes / Qwen 2.5's, which every template
// here uses and the training data files are written in. Both tags are non-empty.
struct ToolCallSyntax {
  std::string open = "<tool_call>";
  std::string close = "</tool_call>";
};

struct ParsedCall {
  std::string raw;   // the text between the open and close tags (to the end if unclosed)
  std::string name;  // empty when it could not be read
  nlohmann::json arguments = nlohmann::json::object();
  std::string error;  // empty when the call is well formed

  bool ok() const { return error.empty(); }
};

struct ParsedReply {
  std::string content;            // the text outside the calls, trimmed at both ends
  std::vector<ParsedCall> calls;  // in the order written
};

// Accepted inside the tags: a JSON object with "name" (non-empty string) and "arguments" (an
// object, or a string holding a JSON object; absent means {}). "parameters" is accepted in place
// of "arguments" (Llama 3 writes it). Errors: broken JSON, missing name, arguments not an
// object, an open tag with no close tag before the next open tag or the end.
ParsedReply parse_tool_calls(const std::string& text, const ToolCallSyntax& syntax);

}  // namespace tunedeck
