// User tools: programs declared in the config's [[tools]] tables, run without a shell. The argv
// template's "{name}" placeholders become argument values, each one whole argv element, so shell
// metacharacters in arguments reach the program literally. Not the TOML reading (app_config).
// Thread-safe: call() forks a child per call and shares nothing.
#pragma once
#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "agent/tool.h"

namespace tunedeck {

class ToolRegistry;

struct UserToolSpec {
  std::string name;         // [a-z][a-z0-9_]*
  std::string description;  // shown to the model
  nlohmann::json parameters = {{"type", "object"}, {"properties", nlohmann::json::object()}};
  // argv[0] is looked up in PATH unless it contains '/'. In every element "{arg}" is replaced by
  // the argument's value: strings as they are, numbers and booleans as JSON writes them, arrays
  // and objects as JSON, an absent optional argument as "". Only declared names may appear.
  std::vector<std::string> argv;
  std::string cwd;                       // working directory; "" = tunedeck's own
  double timeout_s = 10;                 // killed (with its process group) after this long
  std::size_t max_output_bytes = 65536;  // stdout beyond this is read and dropped
  std::string origin;                    // where it was declared ("config.toml:12"), for errors
};

// Throws std::invalid_argument, naming spec.origin and the field, when the spec cannot be used:
// bad name, empty description or argv, unsupported schema, undeclared placeholder, bad limits.
void user_tool_check(const UserToolSpec& spec);

// The argv for one call: the template with placeholders replaced. REQUIRES: user_tool_check passed.
std::vector<std::string> user_tool_argv(const UserToolSpec& spec, const nlohmann::json& args);

// call() runs the program (stdin /dev/null) and returns its stdout parsed as JSON when it is
// JSON, else {"output": "..."} ({"output": ..., "truncated": true} past the cap). A program that
// cannot start, exits non-zero, dies by a signal or times out is a ToolError with the stderr tail.
class UserTool : public Tool {
 public:
  explicit UserTool(UserToolSpec spec);  // runs user_tool_check

  std::string name() const override { return spec_.name; }
  std::string description() const override { return spec_.description; }
  nlohmann::json parameters() const override { return spec_.parameters; }
  nlohmann::json call(const nlohmann::json& args) const override;

 private:
  UserToolSpec spec_;
};

// Adds one UserTool per spec, in order; throws std::invalid_argument naming the spec's origin
// when a spec is invalid or its name is taken (user tools cannot replace built-ins).
void register_user_tools(ToolRegistry& registry, const std::vector<UserToolSpec>& specs);

}  // namespace tunedeck
