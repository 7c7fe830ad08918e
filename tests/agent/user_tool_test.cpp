// User tools: argv templates run without a shell, timeouts, output caps, failures.
#include "agent/user_tool.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "agent/builtin_tools.h"
#include "agent/tool_registry.h"
#include "tests/test_support.h"

namespace tunedeck {
namespace {

using nlohmann::json;

UserToolSpec spec_with(std::vector<std::string> argv, json properties = json::object()) {
  UserToolSpec spec;
  spec.name = "probe";
  spec.description = "a test tool";
  spec.parameters = {{"type", "object"}, {"properties", properties}};
  spec.argv = std::move(argv);
  return spec;
}

std::string error_of(const UserTool& tool, const json& args) {
  try {
    tool.call(args);
  } catch (const ToolError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(UserTool, ShellMetacharactersArriveLiterally) {
  const std::string nasty = "; rm -rf / $(x) `y` | & > * 'q' \"d\" \\ $HOME\nnext";
  const UserToolSpec spec = spec_with({"/usr/bin/printf", "[%s][%s]", "{text}", "x{text}y"},
                                      {{"text", {{"type", "string"}}}});
  const UserTool tool(spec);
  EXPECT_EQ(user_tool_argv(spec, {{"text", nasty}}),
            (std::vector<std::string>{"/usr/bin/printf", "[%s][%s]", nasty, "x" + nasty + "y"}));
  const json result = tool.call({{"text", nasty}});
  EXPECT_EQ(result, (json{{"output", "[" + nasty + "][x" + nasty + "y]"}}));
}

TEST(UserTool, EchoOutputAndJsonOutput) {
  const UserTool echo(spec_with({"echo", "{word}"}, {{"word", {{"type", "string"}}}}));
  EXPECT_EQ(echo.call({{"word", "hello world"}}), (json{{"output", "hello world\n"}}));
  EXPECT_EQ(echo.call({{"word", R"({"a": [1, 2]})"}}), (json{{"a", {1, 2}}}));
  EXPECT_EQ(echo.call(json::object()), (json{{"output", "\n"}}));  // absent argument: ""
}

TEST(UserTool, ValuesOfEveryTypeBecomeText) {
  const UserToolSpec spec =
      spec_with({"echo", "{n}", "{f}", "{b}", "{list}"}, {{"n", {{"type", "integer"}}},
                                                          {"f", {{"type", "number"}}},
                                                          {"b", {{"type", "boolean"}}},
                                                          {"list", {{"type", "array"}}}});
  user_tool_check(spec);
  EXPECT_EQ(user_tool_argv(spec, {{"n", -3}, {"f", 0.5}, {"b", true}, {"list", {1, "a"}}}),
            (std::vector<std::string>{"echo", "-3", "0.5", "true", R"([1,"a"])"}));
}

TEST(UserTool, BracesThatAreNotPlaceholdersStay) {
  const UserToolSpec spec =
      spec_with({"echo", "{ print }", "{}", "{{x}}", "{x"}, {{"x", {{"type", "string"}}}});
  user_tool_check(spec);
  EXPECT_EQ(user_tool_argv(spec, {{"x", "V"}}),
            (std::vector<std::string>{"echo", "{ print }", "{}", "{V}", "{x"}));
}

TEST(UserTool, TimeoutKillsTheProcessGroup) {
  UserToolSpec spec = spec_with({"/bin/sh", "-c", "echo started; sleep 30; echo never"});
  spec.timeout_s = 0.3;
  const UserTool tool(spec);
  EXPECT_EQ(error_of(tool, json::object()), "'/bin/sh' timed out after 0.3 s and was killed");
}

TEST(UserTool, OutputIsCapped) {
  UserToolSpec spec = spec_with({"seq", "1", "100000"});
  spec.max_output_bytes = 10;
  const UserTool tool(spec);
  EXPECT_EQ(tool.call(json::object()), (json{{"output", "1\n2\n3\n4\n5\n"}, {"truncated", true}}));
}

TEST(UserTool, CappedOutputStaysValidUtf8) {
  UserToolSpec spec = spec_with({"printf", "가나다"});  // 3 bytes per syllable
  spec.max_output_bytes = 4;
  const UserTool tool(spec);
  EXPECT_EQ(tool.call(json::object()), (json{{"output", "가\xEF\xBF\xBD"}, {"truncated", true}}));
}

TEST(UserTool, NonZeroExitIsAnErrorWithTheStderrTail) {
  const UserTool tool(
      spec_with({"/bin/sh", "-c", "echo partial; echo 'no such month' >&2; exit 3"}));
  EXPECT_EQ(error_of(tool, json::object()),
            "'/bin/sh' exited with status 3; stderr: no such month\n");
}

TEST(UserTool, DeathBySignalIsAnError) {
  const UserTool tool(spec_with({"/bin/sh", "-c", "kill -TERM $$"}));
  EXPECT_EQ(error_of(tool, json::object()), "'/bin/sh' was killed by signal 15 (Terminated)");
}

TEST(UserTool, ProgramThatCannotStart) {
  const UserTool tool(spec_with({"tunedeck-no-such-program"}));
  EXPECT_EQ(error_of(tool, json::object()),
            "cannot run 'tunedeck-no-such-program': No such file or directory");
}

TEST(UserTool, WorkingDirectory) {
  testing::ScratchDir dir;
  UserToolSpec spec = spec_with({"pwd"});
  spec.cwd = dir.path();
  const UserTool tool(spec);
  EXPECT_EQ(tool.call(json::object()),
            (json{{"output", std::filesystem::canonical(dir.path()).string() + "\n"}}));
  spec.cwd = dir.file("missing");
  const UserTool lost(spec);
  EXPECT_EQ(
      error_of(lost, json::object()),
      "cannot enter working directory '" + dir.file("missing") + "': No such file or directory");
}

TEST(UserTool, StdinIsEmpty) {
  const UserTool tool(spec_with({"cat"}));
  EXPECT_EQ(tool.call(json::object()), (json{{"output", ""}}));
}

TEST(UserTool, CheckRejectsUnusableSpecs) {
  auto problem = [](UserToolSpec spec) -> std::string {
    spec.origin = "my.toml:3";
    try {
      user_tool_check(spec);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "";
  };
  UserToolSpec spec = spec_with({"echo", "{dat}"}, {{"date", {{"type", "string"}}}});
  EXPECT_EQ(problem(spec),
            "tool 'probe' (my.toml:3): argv[1] uses {dat} but parameters.properties declares no "
            "'dat'");
  spec = spec_with({"echo"});
  spec.name = "Bad-Name";
  EXPECT_EQ(problem(spec),
            "tool 'Bad-Name' (my.toml:3): name 'Bad-Name' must match [a-z][a-z0-9_]* (lowercase, "
            "digits, underscores)");
  spec = spec_with({});
  EXPECT_EQ(problem(spec), "tool 'probe' (my.toml:3): argv must start with the program to run");
  spec = spec_with({"echo"});
  spec.description = "";
  EXPECT_EQ(problem(spec), "tool 'probe' (my.toml:3): description is empty; the model needs one");
  spec = spec_with({"echo"});
  spec.timeout_s = 0;
  EXPECT_EQ(problem(spec), "tool 'probe' (my.toml:3): timeout_s must be in (0, 3600]");
  spec = spec_with({"echo"});
  spec.parameters = {{"type", "string"}};
  EXPECT_EQ(problem(spec), "tool 'probe' (my.toml:3): parameters must have type \"object\"");
  spec = spec_with({"echo"}, {{"d", {{"type", "string"}, {"format", "date"}}}});
  EXPECT_EQ(problem(spec).rfind("tool 'probe' (my.toml:3): parameters.properties.d: unsupported "
                                "schema keyword 'format'",
                                0),
            0u);
}

TEST(UserTool, RegisteredBesideBuiltinsAndRunThroughTheRegistry) {
  ToolRegistry registry;
  register_builtin_tools(registry);
  UserToolSpec echo = spec_with({"echo", "{word}"}, {{"word", {{"type", "string"}}}});
  echo.name = "say";
  echo.parameters["required"] = {"word"};
  register_user_tools(registry, {echo});
  EXPECT_EQ(registry.names(), (std::vector<std::string>{"add_days", "weekday", "today", "say"}));
  EXPECT_EQ(registry.run({"say", {{"word", "hi"}}}).result, (json{{"output", "hi\n"}}));
  EXPECT_EQ(registry.run({"say", json::object()}).error,
            "bad arguments for 'say': missing required argument 'word'");
  UserToolSpec clash = spec_with({"date"});
  clash.name = "today";
  clash.origin = "my.toml:9";
  try {
    register_user_tools(registry, {clash});
    FAIL() << "expected a name clash";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "tool 'today' (my.toml:9): the name is already taken by another tool");
  }
}

}  // namespace
}  // namespace tunedeck
