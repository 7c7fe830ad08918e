// `tunedeck tools` and `tunedeck tool`, run as the real binary.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/test_support.h"

namespace tunedeck {
namespace {

using nlohmann::json;
using testing::CommandResult;
using testing::run_command;

// Keeps the per-user config of whoever runs the tests out of the way.
class ToolsCli : public ::testing::Test {
 protected:
  CommandResult tunedeck(std::vector<std::string> args, std::vector<std::string> env = {}) {
    args.insert(args.begin(), "tunedeck");
    env.push_back("XDG_CONFIG_HOME=" + dir_.file("config-home"));
    return run_command(args, "", env);
  }
  testing::ScratchDir dir_;
};

TEST_F(ToolsCli, ListsBuiltinsForPeople) {
  const CommandResult r = tunedeck({"tools"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("add_days  Returns the date"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("    days  integer -100000..100000 (required)  how many days"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("today  Returns today's date and weekday.\n    (no arguments)\n"),
            std::string::npos)
      << r.out;
}

TEST_F(ToolsCli, ListsTheOpenAiArrayAsJson) {
  const CommandResult r = tunedeck({"tools", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json list = json::parse(r.out);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0]["type"], "function");
  EXPECT_EQ(list[0]["function"]["name"], "add_days");
  EXPECT_EQ(list[1]["function"]["name"], "weekday");
  EXPECT_EQ(list[2]["function"]["name"], "today");
}

TEST_F(ToolsCli, IncludesUserToolsFromConfig) {
  const std::string config = dir_.file("tools.toml");
  testing::write_file(config,
                      "[[tools]]\nname = \"say\"\ndescription = \"Repeats a word.\"\n"
                      "parameters = { type = \"object\", properties = { word = { type = \"string\" "
                      "} }, required = [\"word\"] }\nargv = [\"echo\", \"{word}\"]\n");
  CommandResult r = tunedeck({"tools", "--config", config});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("say  Repeats a word.\n    word  string (required)\n"), std::string::npos)
      << r.out;
  r = tunedeck({"tool", "say", R"J({"word": "a; b | c $(d)"})J", "--config", config});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out), (json{{"output", "a; b | c $(d)\n"}}));
}

TEST_F(ToolsCli, CallsATool) {
  const CommandResult r = tunedeck({"tool", "add_days", R"({"date": "2026-12-25", "days": 10})"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["date_ko"], "2027년 1월 4일");
  EXPECT_EQ(json::parse(r.out)["weekday"], "월요일");
  EXPECT_EQ(r.err, "");
}

TEST_F(ToolsCli, TodayFollowsTheEnvironment) {
  const CommandResult r = tunedeck({"tool", "today"}, {"TUNEDECK_TODAY=2026-03-05"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["date_en"], "March 5, 2026");
}

TEST_F(ToolsCli, FailuresExitOneWithTheError) {
  CommandResult r = tunedeck({"tool", "add_dayz", "{}"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "tunedeck tool: error: unknown tool 'add_dayz'; known tools: add_days, "
            "weekday, today\n");
  r = tunedeck({"tool", "weekday", R"({"date": "2026-13-01"})"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "tunedeck tool: error: argument 'date': '2026-13-01': month 13 does not exist; "
            "months are 01..12\n");
}

TEST_F(ToolsCli, UsageMistakesExitTwo) {
  CommandResult r = tunedeck({"tool"});
  EXPECT_EQ(r.exit_code, 2);
  r = tunedeck({"tool", "weekday", "{bad"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("the arguments are not valid JSON: parse error at line 1, column 2"),
            std::string::npos)
      << r.err;
}

TEST_F(ToolsCli, ConfigErrorsNameTheFile) {
  const std::string config = dir_.file("broken.toml");
  testing::write_file(config, "[sampling]\ntemprature = 1\n");
  const CommandResult r = tunedeck({"tools", "--config", config});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.rfind("tunedeck tools: error: " + config +
                            ":2: unknown key 'temprature' in "
                            "[sampling]",
                        0),
            0u)
      << r.err;
}

}  // namespace
}  // namespace tunedeck
