// tui/app_commands: the app's own commands parsed, and Tab completion at each place of a line.
#include "tui/app_commands.h"

#include <gtest/gtest.h>

namespace tunedeck {
namespace {

using Words = std::vector<std::string>;
const Words kTools = {"add_days", "weekday", "today"};

TEST(AppCommands, ParsesTheAppCommands) {
  EXPECT_EQ(app_command_parse("/quit").kind, AppCommandKind::kQuit);
  EXPECT_EQ(app_command_parse("  /exit ").kind, AppCommandKind::kQuit);
  AppCommand model = app_command_parse("/model  ../shared/models/stories260k ");
  EXPECT_EQ(model.kind, AppCommandKind::kModel);
  EXPECT_EQ(model.argument, "../shared/models/stories260k");
  EXPECT_EQ(app_command_parse("/model").argument, "");
  EXPECT_EQ(app_command_parse("/adapter off").argument, "off");
  AppCommand start = app_command_parse("/train start etc/train/stories260k_lora.toml");
  EXPECT_EQ(start.kind, AppCommandKind::kTrainStart);
  EXPECT_EQ(start.argument, "etc/train/stories260k_lora.toml");
  EXPECT_EQ(app_command_parse("/train stop").kind, AppCommandKind::kTrainStop);
  EXPECT_EQ(app_command_parse("/train").kind, AppCommandKind::kTrainStatus);
  AppCommand watch = app_command_parse("/train watch 12");
  EXPECT_EQ(watch.kind, AppCommandKind::kTrainWatch);
  EXPECT_EQ(watch.run_id, 12);
}

TEST(AppCommands, LeavesQuestionsAndChatCommandsAlone) {
  EXPECT_EQ(app_command_parse("what day is it?").kind, AppCommandKind::kNone);
  EXPECT_EQ(app_command_parse("/tools").kind, AppCommandKind::kNone);
  EXPECT_EQ(app_command_parse("/tool add_days {}").kind, AppCommandKind::kNone);
  EXPECT_EQ(app_command_parse("").kind, AppCommandKind::kNone);
  EXPECT_EQ(app_command_parse("/modelz").kind, AppCommandKind::kNone);  // not /model
}

TEST(AppCommands, MisusedTrainCommandsSayHow) {
  AppCommand bad = app_command_parse("/train watch twelve");
  EXPECT_EQ(bad.kind, AppCommandKind::kUsageError);
  EXPECT_EQ(bad.argument,
            "/train watch ID: the run id is a number (tunedeck runs lists them), got 'twelve'");
  EXPECT_EQ(app_command_parse("/train watch 0").kind, AppCommandKind::kUsageError);
  AppCommand unknown = app_command_parse("/train begin x.toml");
  EXPECT_EQ(unknown.kind, AppCommandKind::kUsageError);
  EXPECT_EQ(unknown.argument, "usage: /train [start CONFIG.toml | stop | watch ID]");
  EXPECT_EQ(app_command_parse("/train start").kind, AppCommandKind::kUsageError);
}

TEST(AppCommands, CompletesCommandNames) {
  const InputCompletion completion = app_command_complete("", "/t", kTools);
  EXPECT_FALSE(completion.paths);
  EXPECT_EQ(completion.words, (Words{"/help", "/tools", "/tool", "/raw", "/session", "/sessions",
                                     "/system", "/save", "/memory", "/set", "/model", "/models",
                                     "/adapter", "/train", "/clear", "/quit"}));
  EXPECT_TRUE(app_command_complete("", "hello", kTools).words.empty());
}

TEST(AppCommands, CompletesToolNamesAndSubcommands) {
  EXPECT_EQ(app_command_complete("/tool ", "ad", kTools).words, kTools);
  EXPECT_EQ(app_command_complete("/train ", "", kTools).words, (Words{"start", "stop", "watch"}));
  EXPECT_EQ(app_command_complete("/session ", "o", kTools).words, (Words{"list", "new", "open"}));
  EXPECT_EQ(app_command_complete("/memory ", "", kTools).words, Words{"search"});
  EXPECT_EQ(app_command_complete("/set ", "te", kTools).words.front(), "temperature");
  EXPECT_TRUE(app_command_complete("/tool add_days ", "{", kTools).words.empty());
}

TEST(AppCommands, ModelCompletesCatalogNamesThenPaths) {
  const Words models = {"Qwen/Qwen3-0.6B", "meta-llama/Llama-3.2-1B"};
  EXPECT_EQ(app_command_complete("/model ", "Qw", kTools, models).words, Words{"Qwen/Qwen3-0.6B"});
  EXPECT_FALSE(app_command_complete("/model ", "Qw", kTools, models).paths);
  EXPECT_EQ(app_command_complete("/model ", "", kTools, models).words, models);
  EXPECT_TRUE(app_command_complete("/model ", "../sh", kTools, models).paths);
  EXPECT_EQ(app_command_parse("/models").kind, AppCommandKind::kModels);
}

TEST(AppCommands, CompletesPathsWhereAPathGoes) {
  EXPECT_TRUE(app_command_complete("/model ", "../sh", kTools).paths);
  EXPECT_TRUE(app_command_complete("/train start ", "etc/", kTools).paths);
  EXPECT_TRUE(app_command_complete("/adapter ", "runs/", kTools).paths);
  const InputCompletion off = app_command_complete("/adapter ", "o", kTools);
  EXPECT_FALSE(off.paths);
  EXPECT_EQ(off.words, Words{"off"});
  EXPECT_FALSE(app_command_complete("what is ", "tod", kTools).paths);
}

TEST(AppCommands, HelpNamesTheAppCommandsAndKeys) {
  const std::string& help = app_command_help();
  for (const char* part : {"/model PATH", "/adapter PATH|off", "/train start CONFIG", "/train stop",
                           "/train watch ID", "F5", "F10", "Esc"})
    EXPECT_NE(help.find(part), std::string::npos) << part;
}

}  // namespace
}  // namespace tunedeck
