// `tunedeck ask` as a user runs it, on stories260k (a real model that never calls tools, so this
// proves the plumbing only; the behaviour is proven with the scripted model in agent_loop_test):
// exit codes, the --json shape, the streamed answer, messages in the --db file, --session
// continuity across two runs, the default database location, a missing model.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "agent/chat_template.h"
#include "agent/memory.h"
#include "core/llama_model.h"
#include "core/lora.h"
#include "tests/test_support.h"

namespace tunedeck {
namespace {

using nlohmann::json;
using testing::CommandResult;
using testing::stories_dir;

// Keeps the per-user config and data of whoever runs the tests out of the way.
class AskCli : public ::testing::Test {
 protected:
  CommandResult ask(std::vector<std::string> args) {
    args.insert(args.begin(), {"tunedeck", "ask"});
    return testing::run_command(
        args, "", {"XDG_CONFIG_HOME=" + dir_.file("config"), "XDG_DATA_HOME=" + dir_.file("data")});
  }
  std::vector<std::string> stories(std::vector<std::string> extra) {
    std::vector<std::string> args = {"--model", stories_dir(), "--max-new-tokens", "20"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  testing::ScratchDir dir_;
};

TEST_F(AskCli, JsonHasTheAnswerStepsTokensAndTimings) {
  const CommandResult r = ask(stories({"--json", "--db", dir_.file("m.db"), "Once upon a time"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json out = json::parse(r.out);  // stdout holds exactly one JSON object
  EXPECT_EQ(out["outcome"], "answered");
  EXPECT_EQ(out["error"], "");
  ASSERT_TRUE(out["answer"].is_string());
  EXPECT_FALSE(out["answer"].get<std::string>().empty());
  ASSERT_EQ(out["steps"].size(), 1u);
  const json& step = out["steps"][0];
  EXPECT_EQ(step["calls"], json::array());
  EXPECT_EQ(step["completion_tokens"], 20);
  EXPECT_EQ(step["stop_reason"], "length");
  EXPECT_EQ(out["tokens"]["completion"], 20);
  EXPECT_EQ(out["tokens"]["prompt"], step["prompt_tokens"]);
  EXPECT_GT(out["tokens"]["prompt"].get<int>(), 100);  // system prompt and tool list
  for (const char* key : {"load_ms", "generate_ms", "tools_ms", "total_ms"})
    EXPECT_TRUE(out["timings"][key].is_number()) << key;
  EXPECT_EQ(out["model"]["template"], "tunedeck");  // stories260k has no chat template
  EXPECT_EQ(out["session"].get<std::string>().rfind("ask-", 0), 0u);
  // The answer is the raw text, trimmed (no tool calls here).
  const std::string raw = step["raw"];
  EXPECT_NE(raw.find(out["answer"].get<std::string>()), std::string::npos);
}

TEST_F(AskCli, StreamsTheSameAnswerAsJsonAndStoresTheMessages) {
  const std::string db = dir_.file("m.db");
  const CommandResult as_json = ask(stories({"--json", "--db", db, "Lily and Tom"}));
  ASSERT_EQ(as_json.exit_code, 0) << as_json.err;
  const std::string answer = json::parse(as_json.out)["answer"];
  const CommandResult plain = ask(stories({"--db", db, "Lily and Tom"}));
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(plain.out.rfind(answer, 0), 0u) << plain.out;  // greedy: same text, streamed
  EXPECT_EQ(plain.out.back(), '\n');
  EXPECT_NE(plain.err.find("[answered] 1 step, prompt "), std::string::npos) << plain.err;

  Memory memory(db);
  const std::vector<SessionInfo> sessions = memory.list_sessions();
  ASSERT_EQ(sessions.size(), 2u);  // a new session per run without --session
  for (const SessionInfo& session : sessions) {
    const std::vector<StoredMessage> messages = memory.load_messages(session.id);
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[0].message.role, "user");
    EXPECT_EQ(messages[0].message.content, "Lily and Tom");
    EXPECT_EQ(messages[1].message.role, "assistant");
    EXPECT_GT(messages[1].token_count, 0);
    EXPECT_NE(messages[1].message.content.find(answer), std::string::npos);
  }
}

TEST_F(AskCli, SessionContinuesAcrossTwoRuns) {
  const std::string db = dir_.file("m.db");
  const CommandResult first = ask(stories({"--json", "--db", db, "--session", "s", "Hi"}));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const CommandResult second = ask(stories({"--json", "--db", db, "--session", "s", "What next?"}));
  ASSERT_EQ(second.exit_code, 0) << second.err;

  const json a = json::parse(first.out);
  const json b = json::parse(second.out);
  EXPECT_EQ(a["session"], "s");
  EXPECT_EQ(b["session"], "s");
  // The second prompt carries the first turn (question, 20-token answer and markers).
  EXPECT_GT(b["tokens"]["prompt"].get<int>(), a["tokens"]["prompt"].get<int>() + 20);

  Memory memory(db);
  const std::vector<StoredMessage> messages = memory.load_messages(*memory.find_session("s"));
  ASSERT_EQ(messages.size(), 4u);
  EXPECT_EQ(messages[0].message.content, "Hi");
  EXPECT_EQ(messages[1].message.content, a["steps"][0]["raw"]);
  EXPECT_EQ(messages[2].message.content, "What next?");
  EXPECT_EQ(messages[3].message.content, b["steps"][0]["raw"]);
}

TEST_F(AskCli, DefaultDatabaseIsUnderXdgDataHome) {
  const CommandResult r = ask(stories({"--session", "here", "Hello"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string db = dir_.file("data") + "/tunedeck/tunedeck.db";
  ASSERT_TRUE(std::filesystem::exists(db));
  Memory memory(db);
  ASSERT_TRUE(memory.find_session("here"));
  EXPECT_EQ(memory.load_messages(*memory.find_session("here")).size(), 2u);
}

TEST_F(AskCli, WithoutAModelSaysHowToPointAtOne) {
  // A user config that clears the shipped default model (datebot).
  std::filesystem::create_directories(dir_.file("config") + "/tunedeck");
  testing::write_file(dir_.file("config") + "/tunedeck/config.toml", "[model]\npath = \"\"\n");
  const CommandResult r = ask({"--db", dir_.file("m.db"), "Hello"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("tunedeck ask: error: no model to talk to: pass --model DIR"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(dir_.file("config") + "/tunedeck/config.toml"), std::string::npos) << r.err;
}

TEST_F(AskCli, MissingModelFolderNamesIt) {
  const CommandResult r = ask({"--model", dir_.file("nowhere"), "--db", dir_.file("m.db"), "Hi"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(dir_.file("nowhere")), std::string::npos) << r.err;
}

TEST_F(AskCli, ModelFromTheConfigFile) {
  const std::string config = dir_.file("my.toml");
  testing::write_file(
      config, "[model]\npath = \"" + stories_dir() + "\"\n[sampling]\nmax_new_tokens = 7\n");
  const CommandResult r = ask({"--config", config, "--db", dir_.file("m.db"), "--json", "Hi"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["tokens"]["completion"], 7);
}

// A fresh stories260k adapter (B = 0, so it changes nothing) saved with `template_hash`.
std::string save_adapter(const std::string& dir, const std::string& template_hash) {
  const LlamaModel model = LlamaModel::load(stories_dir(), ModelLoadOptions{});
  LoraSettings settings;
  settings.rank = 2;
  std::shared_ptr<LoraAdapter> adapter =
      lora_create(model.config(), model.weights(), settings, /*seed=*/1);
  adapter->template_hash = template_hash;
  lora_save_peft(*adapter, dir);
  return dir;
}

TEST_F(AskCli, AdapterFromAnotherTemplateIsAWarning) {
  const std::string tunedeck_hash = TunedeckTemplate().template_hash();
  const std::string other = save_adapter(dir_.file("other"), "0123456789abcdef");
  const std::string same = save_adapter(dir_.file("same"), tunedeck_hash);
  const std::string db = dir_.file("m.db");

  const CommandResult base = ask(stories({"--json", "--db", db, "Hi"}));
  ASSERT_EQ(base.exit_code, 0) << base.err;
  CommandResult r = ask(stories({"--json", "--db", db, "--adapter", other, "Hi"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning: adapter " + other +
                       " was trained with chat template hash 0123456789abcdef but the template "
                       "in use ('tunedeck') has hash " +
                       tunedeck_hash),
            std::string::npos)
      << r.err;
  EXPECT_EQ(json::parse(r.out)["model"]["adapter"], other);
  // B = 0: the adapter leaves the model as it was.
  EXPECT_EQ(json::parse(r.out)["answer"], json::parse(base.out)["answer"]);

  r = ask(stories({"--json", "--db", db, "--adapter", same, "Hi"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
}

TEST_F(AskCli, UsageErrors) {
  CommandResult r = ask(stories({}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("expected exactly one question"), std::string::npos) << r.err;
  r = ask(stories({"--seed", "-3", "Hi"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--seed expects a non-negative integer, got '-3'"), std::string::npos)
      << r.err;
  r = ask(stories({"--bogus", "Hi"}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown option '--bogus'"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tunedeck
