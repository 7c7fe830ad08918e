// The named tools an agent may call, in the order they were added, and the one place a call is
// run: arguments checked against the tool's schema, failures turned into error results (never
// exceptions), latency measured. Not the parser (agent/tool_call_parser.h) nor the tools.
// Thread rules: add() only during set-up; after that find/list/run may be called from any thread.
#pragma once
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "agent/tool.h"

namespace tunedeck {

struct ToolCall {
  std::string name;
  nlohmann::json arguments = nlohmann::json::object();
};

struct ToolResult {
  std::string name;
  nlohmann::json arguments;  // as given
  nlohmann::json result;     // the tool's output; null when error is set
  std::string error;         // empty on success; otherwise what went wrong, for the model
  double ms = 0;             // wall time of validation + call

  bool ok() const { return error.empty(); }
  // What the model is shown as the `tool` message: the result, or {"error": "..."}.
  nlohmann::json for_model() const;
};

class ToolRegistry {
 public:
  // Throws std::invalid_argument if a tool of that name is already registered.
  void add(std::unique_ptr<Tool> tool);

  const Tool* find(const std::string& name) const;  // nullptr if absent
  std::vector<std::string> names() const;           // in registration order
  // The OpenAI-shaped array [{"type":"function","function":{...}}, ...], in registration order.
  nlohmann::json list_json() const;

  // Never throws: an unknown tool (the error lists the known names), arguments that break the
  // schema, and a ToolError or other exception from the tool all become ToolResult::error.
  ToolResult run(const ToolCall& call) const;

 private:
  std::vector<std::unique_ptr<Tool>> tools_;
};

}  // namespace tunedeck
