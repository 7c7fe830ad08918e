// `tunedeck template render`, run as the real binary: a model folder's template and a template
// file render the shared conversations exactly as transformers does; a template's refusal exits 1
// with its own message.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/test_support.h"

namespace tunedeck {
namespace {

using nlohmann::ordered_json;
using testing::CommandResult;
using testing::run_command;

class TemplateCli : public ::testing::Test {
 protected:
  // Writes case `name` of shared/templates/conversations.json as a --conversation file.
  std::string conversation_file(const std::string& name) {
    const ordered_json all =
        ordered_json::parse(testing::read_file(templates_ + "/conversations.json"));
    for (const auto& c : all["cases"]) {
      if (c["name"] != name) continue;
      ordered_json file = {{"messages", c["messages"]},
                           {"add_generation_prompt", c["add_generation_prompt"]}};
      if (c["tools"].get<bool>()) file["tools"] = all["tools"];
      const std::string path = dir_.file(name + ".json");
      testing::write_file(path, file.dump());
      return path;
    }
    ADD_FAILURE() << "no case " << name;
    return "";
  }
  // The text transformers renders for case `name` (expected/<expected>.json).
  std::string expected_text(const std::string& expected, const std::string& name) {
    const ordered_json file =
        ordered_json::parse(testing::read_file(templates_ + "/expected/" + expected + ".json"));
    for (const auto& c : file["cases"])
      if (c["name"] == name) return c.value("text", "");
    return "";
  }

  const std::string templates_ = testing::shared_dir() + "/templates";
  testing::ScratchDir dir_;
};

TEST_F(TemplateCli, RendersAModelFoldersTemplate) {
  const CommandResult r = run_command(
      {"tunedeck", "template", "render", "--model", testing::shared_dir() + "/tokenizers/qwen3",
       "--conversation", conversation_file("tool_call_and_result")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, expected_text("qwen3-tokenizer_config", "tool_call_and_result"));
  EXPECT_EQ(r.err, "");
}

TEST_F(TemplateCli, RendersATemplateFileAsJson) {
  const CommandResult r =
      run_command({"tunedeck", "template", "render", "--template",
                   templates_ + "/NousResearch-Hermes-2-Pro-Llama-3-8B-tool_use.jinja",
                   "--conversation", conversation_file("tools_offered"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ordered_json::parse(r.out)["text"],
            expected_text("NousResearch-Hermes-2-Pro-Llama-3-8B-tool_use", "tools_offered"));
}

TEST_F(TemplateCli, StrftimeNowFollowsTunedeckToday) {
  const CommandResult r = run_command({"tunedeck", "template", "render", "--template",
                                       templates_ + "/meta-llama-Llama-3.2-3B-Instruct.jinja",
                                       "--conversation", conversation_file("one_user_turn")},
                                      "", {"TUNEDECK_TODAY=2026-02-20"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Today Date: 20 Feb 2026\n"), std::string::npos) << r.out;
}

TEST_F(TemplateCli, ExtraKeysBecomeTemplateVariables) {
  const std::string path = dir_.file("think.json");
  testing::write_file(
      path,
      R"({"messages": [{"role": "user", "content": "hi"}], "add_generation_prompt": true, "enable_thinking": false})");
  const CommandResult r =
      run_command({"tunedeck", "template", "render", "--model",
                   testing::shared_dir() + "/tokenizers/qwen3", "--conversation", path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n");
}

TEST_F(TemplateCli, ARefusalExitsOneWithTheTemplatesMessage) {
  const CommandResult r = run_command({"tunedeck", "template", "render", "--template",
                                       templates_ + "/google-gemma-2-2b-it.jinja", "--conversation",
                                       conversation_file("system_and_history")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("System role not supported"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("google-gemma-2-2b-it.jinja' line 1"), std::string::npos) << r.err;
}

TEST_F(TemplateCli, MistakesAreReported) {
  const std::string conversation = conversation_file("one_user_turn");
  CommandResult r = run_command({"tunedeck", "template", "render", "--conversation", conversation});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--model DIR or --template FILE"), std::string::npos) << r.err;
  r = run_command(
      {"tunedeck", "template", "render", "--model", dir_.path(), "--conversation", conversation});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no chat template in " + dir_.path()), std::string::npos) << r.err;
  r = run_command({"tunedeck", "template", "render", "--template",
                   templates_ + "/google-gemma-2-2b-it.jinja", "--conversation",
                   dir_.file("missing.json")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("cannot read the conversation"), std::string::npos) << r.err;
  const std::string broken = dir_.file("broken.jinja");
  testing::write_file(broken, "ok\n{% for m in messages %}");
  r = run_command(
      {"tunedeck", "template", "render", "--template", broken, "--conversation", conversation});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("TemplateSyntaxError"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tunedeck
