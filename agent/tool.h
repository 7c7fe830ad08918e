// The interface every tool implements (built-in date tools, user tools run from TOML): a name, a
// description, a JSON schema of its arguments, and call(). Not the registry, not validation (the
// registry validates arguments against parameters() before call()). call() is const: tools hold
// no mutable state, so one tool may be called from several threads at once.
#pragma once
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace tunedeck {

// A tool refused its input or failed; the message is shown to the model and in the trace, so it
// names the argument and what is wrong ("date: '2026-02-30': day 30 does not exist; ...").
struct ToolError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Tool {
 public:
  virtual ~Tool() = default;

  virtual std::string name() const = 0;         // [a-z][a-z0-9_]*, unique in a registry
  virtual std::string description() const = 0;  // one sentence for the model and the person
  // JSON schema of the arguments: {"type":"object","properties":{...},"required":[...]} using
  // the subset agent/json_schema.h supports.
  virtual nlohmann::json parameters() const = 0;
  // Runs the tool. REQUIRES: args satisfies parameters(). Throws ToolError on bad input/failure.
  virtual nlohmann::json call(const nlohmann::json& args) const = 0;

  // The OpenAI function-calling shape, as shown to models and printed by `tunedeck tools --json`:
  // {"type":"function","function":{"name":...,"description":...,"parameters":{...}}}
  nlohmann::json function_schema() const {
    return {{"type", "function"},
            {"function",
             {{"name", name()}, {"description", description()}, {"parameters", parameters()}}}};
  }
};

}  // namespace tunedeck
