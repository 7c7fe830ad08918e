#include "agent/tool_registry.h"

#include <chrono>
#include <stdexcept>

#include "agent/json_schema.h"

namespace tunedeck {
namespace {

std::string joined_names(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text.empty() ? "(none)" : text;
}

// Runs the call and returns the result; throws on any failure (caught by ToolRegistry::run).
nlohmann::json checked_call(const Tool& tool, const nlohmann::json& arguments) {
  try {
    json_schema_validate(tool.parameters(), arguments);
  } catch (const JsonSchemaError& e) {
    throw ToolError(std::string("bad arguments for '") + tool.name() + "': " + e.what());
  }
  return tool.call(arguments);
}

}  // namespace

nlohmann::json ToolResult::for_model() const {
  if (ok()) return result;
  return {{"error", error}};
}

void ToolRegistry::add(std::unique_ptr<Tool> tool) {
  if (find(tool->name()))
    throw std::invalid_argument("a tool named '" + tool->name() + "' is already registered");
  tools_.push_back(std::move(tool));
}

const Tool* ToolRegistry::find(const std::string& name) const {
  for (const auto& tool : tools_)
    if (tool->name() == name) return tool.get();
  return nullptr;
}

std::vector<std::string> ToolRegistry::names() const {
  std::vector<std::string> result;
  for (const auto& tool : tools_) result.push_back(tool->name());
  return result;
}

nlohmann::json ToolRegistry::list_json() const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& tool : tools_) list.push_back(tool->function_schema());
  return list;
}

ToolResult ToolRegistry::run(const ToolCall& call) const {
  const auto start = std::chrono::steady_clock::now();
  ToolResult out;
  out.name = call.name;
  out.arguments = call.arguments;
  const Tool* tool = find(call.name);
  if (!tool) {
    out.error = "unknown tool '" + call.name + "'; known tools: " + joined_names(names());
    return out;
  }
  // The edge of the tool layer: whatever a tool throws becomes an error the model can read.
  try {
    out.result = checked_call(*tool, call.arguments);
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  out.ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace tunedeck
