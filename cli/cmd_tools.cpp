// `tunedeck tools` lists the tools the agent can call (built-ins and the config's [[tools]]) with
// their argument schemas; `tunedeck tool NAME 'JSON'` calls one by hand and prints its result.
// Thin: the registry and the tools live in agent/, the session's tool list in session/.
#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "agent/json_schema.h"
#include "agent/tool_registry.h"
#include "cli/commands.h"
#include "session/app_config.h"
#include "session/chat_session.h"

namespace tunedeck {
namespace {

using nlohmann::json;

const char kToolsUsage[] =
    "usage: tunedeck tools [--json] [--config FILE]\n"
    "\n"
    "Lists the tools the agent may call: the built-in date tools and the [[tools]] of the\n"
    "config files, each with its description and arguments.\n"
    "\n"
    "  --json          print the OpenAI function-calling array the model is shown\n"
    "  --config FILE   read FILE over the shipped and per-user config\n"
    "\n"
    "Example: tunedeck tools --json | jq '.[].function.name'\n";

const char kToolUsage[] =
    "usage: tunedeck tool NAME ['JSON'] [--config FILE]\n"
    "\n"
    "Calls one tool by hand, exactly as the agent would (arguments checked against its schema),\n"
    "and prints the result as JSON. On failure prints the error the model would see; exit 1.\n"
    "\n"
    "  NAME            the tool (see tunedeck tools)\n"
    "  JSON            its arguments as one JSON object (default {})\n"
    "  --config FILE   read FILE over the shipped and per-user config\n"
    "\n"
    "Example: tunedeck tool add_days '{\"date\": \"2026-12-25\", \"days\": 10}'\n"
    "         TUNEDECK_TODAY=2026-03-05 tunedeck tool today\n";

ToolRegistry registry_from_config(const std::string& config_file) {
  const AppConfig config = app_config_load(config_file);
  ToolRegistry registry;
  register_session_tools(registry, config);
  return registry;
}

// "    days  integer -100000..100000 (required)  how many days to add"
void print_arguments(const json& parameters) {
  const json properties = parameters.value("properties", json::object());
  const json required = parameters.value("required", json::array());
  if (properties.empty()) std::cout << "    (no arguments)\n";
  for (const auto& [name, schema] : properties.items()) {
    const bool is_required = std::find(required.begin(), required.end(), name) != required.end();
    std::cout << "    " << name << "  " << json_schema_describe(schema)
              << (is_required ? " (required)" : " (optional)");
    const std::string description = schema.value("description", "");
    if (!description.empty()) std::cout << "  " << description;
    std::cout << "\n";
  }
}

int run_tools(CliArgs& args) {
  const bool as_json = args.flag("json");
  const std::string config_file = args.value_or("config", "");
  args.finish();
  const ToolRegistry registry = registry_from_config(config_file);
  if (as_json) {
    std::cout << registry.list_json().dump(2) << "\n";
    return 0;
  }
  for (const json& entry : registry.list_json()) {
    const json& function = entry["function"];
    std::cout << function["name"].get<std::string>() << "  "
              << function["description"].get<std::string>() << "\n";
    print_arguments(function["parameters"]);
  }
  return 0;
}

int run_tool(CliArgs& args) {
  const std::string config_file = args.value_or("config", "");
  const std::vector<std::string> positionals = args.positionals();
  args.finish();
  if (positionals.empty() || positionals.size() > 2)
    throw UsageError("expected a tool name and at most one JSON argument object");
  ToolCall call;
  call.name = positionals[0];
  if (positionals.size() == 2) {
    try {
      call.arguments = json::parse(positionals[1]);
    } catch (const json::parse_error& e) {
      const std::string message = e.what();  // "[json.exception.parse_error.101] parse error..."
      throw UsageError("the arguments are not valid JSON: " +
                       message.substr(message.find(']') + 2));
    }
  }
  const ToolResult result = registry_from_config(config_file).run(call);
  if (!result.ok()) throw std::runtime_error(result.error);
  std::cout << result.result.dump(2) << "\n";
  return 0;
}

}  // namespace

extern const Command kToolsCommand = {"tools", "list the tools the agent can call, with schemas",
                                      kToolsUsage, run_tools};
extern const Command kToolCommand = {"tool", "call one tool by hand and print its result",
                                     kToolUsage, run_tool};

}  // namespace tunedeck
