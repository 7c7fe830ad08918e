// Every real chat template in ../shared/templates (11) and the three tokenizer folders renders
// every conversation of conversations.json byte for byte as transformers does (expected/*.json,
// made by render_hf.py), and raises where it raises. Also: loading a model folder's template (a
// string, a named list, chat_template.jinja), the tokens, the clock and strftime.
#include "agent/jinja/jinja_chat_template.h"

#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>

#include "tests/test_support.h"

namespace tunedeck {
namespace {

using nlohmann::ordered_json;
namespace fs = std::filesystem;

std::tm december_7_2026() {
  std::tm t{};
  t.tm_year = 2026 - 1900;
  t.tm_mon = 11;
  t.tm_mday = 7;
  timegm(&t);  // fills in the weekday (a Monday) and the day of the year
  return t;
}

ordered_json read_json(const std::string& path) {
  return ordered_json::parse(testing::read_file(path));
}

// Renders each case of conversations.json with `tmpl` and compares with `expected_file`.
// Returns the number of cases checked.
int check_against_expected(const JinjaChatTemplate& tmpl, const std::string& expected_file) {
  const std::string dir = testing::shared_dir() + "/templates/";
  const ordered_json conversations = read_json(dir + "conversations.json");
  const ordered_json expected = read_json(dir + "expected/" + expected_file);
  EXPECT_EQ(expected["cases"].size(), conversations["cases"].size());
  int checked = 0;
  for (size_t i = 0; i < conversations["cases"].size() && i < expected["cases"].size(); ++i) {
    const ordered_json& c = conversations["cases"][i];
    const ordered_json& want = expected["cases"][i];
    SCOPED_TRACE(expected_file + " / " + c["name"].get<std::string>());
    EXPECT_EQ(want["name"], c["name"]);
    JinjaChatInputs inputs;
    inputs.messages = c["messages"];
    inputs.add_generation_prompt = c["add_generation_prompt"].get<bool>();
    if (c["tools"].get<bool>()) inputs.tools = conversations["tools"];
    ++checked;
    if (want.contains("error")) {
      try {
        const std::string text = tmpl.render(inputs, december_7_2026());
        ADD_FAILURE() << "rendered instead of raising " << want["error"] << ":\n" << text;
      } catch (const JinjaError& e) {
        EXPECT_EQ(e.kind() + ": " + e.message(), want["error"].get<std::string>()) << e.what();
      }
      continue;
    }
    try {
      EXPECT_EQ(tmpl.render(inputs, december_7_2026()), want["text"].get<std::string>());
    } catch (const JinjaError& e) {
      ADD_FAILURE() << e.what();
    }
  }
  return checked;
}

TEST(JinjaChatTemplate, EveryTemplateMatchesTransformers) {
  int templates = 0, cases = 0;
  for (const auto& entry : fs::directory_iterator(testing::shared_dir() + "/templates")) {
    if (entry.path().extension() != ".jinja") continue;
    const std::string name = entry.path().stem().string();
    const ordered_json expected =
        read_json(testing::shared_dir() + "/templates/expected/" + name + ".json");
    const JinjaChatTemplate tmpl(
        JinjaTemplate::parse(testing::read_file(entry.path().string()), name),
        expected["bos_token"].get<std::string>(), expected["eos_token"].get<std::string>());
    cases += check_against_expected(tmpl, name + ".json");
    ++templates;
  }
  EXPECT_EQ(templates, 11);
  EXPECT_EQ(cases, 55);
}

TEST(JinjaChatTemplate, TokenizerFoldersMatchTransformers) {
  for (const char* model : {"qwen3", "llama3", "gemma3"}) {
    const JinjaChatTemplate tmpl =
        JinjaChatTemplate::load(testing::shared_dir() + "/tokenizers/" + model);
    const ordered_json expected = read_json(testing::shared_dir() + "/templates/expected/" + model +
                                            "-tokenizer_config.json");
    EXPECT_EQ(tmpl.bos_token(), expected["bos_token"].get<std::string>()) << model;
    EXPECT_EQ(tmpl.eos_token(), expected["eos_token"].get<std::string>()) << model;
    EXPECT_EQ(check_against_expected(tmpl, std::string(model) + "-tokenizer_config.json"), 5);
  }
}

TEST(JinjaChatTemplate, ExtraVariablesReachTheTemplate) {
  const JinjaChatTemplate tmpl =
      JinjaChatTemplate::load(testing::shared_dir() + "/tokenizers/qwen3");
  JinjaChatInputs inputs;
  inputs.messages = ordered_json::parse(R"([{"role": "user", "content": "hi"}])");
  inputs.add_generation_prompt = true;
  inputs.extra = {{"enable_thinking", false}};
  EXPECT_EQ(tmpl.render(inputs, december_7_2026()),
            "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n");
}

TEST(JinjaChatTemplate, NamedTemplatesPickToolUseWhenToolsAreGiven) {
  testing::ScratchDir dir;
  testing::write_file(dir.file("tokenizer_config.json"), R"({
    "bos_token": {"__type": "AddedToken", "content": "<B>"}, "eos_token": "<E>",
    "chat_template": [{"name": "default", "template": "{{ bos_token }}plain{{ eos_token }}"},
                      {"name": "tool_use", "template": "tools:{{ tools|length }}"}]})");
  const JinjaChatTemplate tmpl = JinjaChatTemplate::load(dir.path());
  JinjaChatInputs inputs;
  EXPECT_EQ(tmpl.render(inputs, december_7_2026()), "<B>plain<E>");
  inputs.tools = ordered_json::parse(R"([{"type": "function", "function": {"name": "f"}}])");
  EXPECT_EQ(tmpl.render(inputs, december_7_2026()), "tools:1");
}

TEST(JinjaChatTemplate, ChatTemplateJinjaFileWins) {
  testing::ScratchDir dir;
  testing::write_file(dir.file("tokenizer_config.json"),
                      R"({"eos_token": "</s>", "chat_template": "old"})");
  testing::write_file(dir.file("chat_template.jinja"), "new {{ eos_token }}\n");
  EXPECT_EQ(JinjaChatTemplate::load(dir.path()).render({}, december_7_2026()), "new </s>");
  testing::ScratchDir only_jinja;
  testing::write_file(only_jinja.file("chat_template.jinja"), "[{{ bos_token }}]");
  EXPECT_EQ(JinjaChatTemplate::load(only_jinja.path()).render({}, december_7_2026()), "[]");
}

TEST(JinjaChatTemplate, LoadFailuresNameTheFile) {
  testing::ScratchDir empty;
  try {
    JinjaChatTemplate::load(empty.path());
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no chat template in " + empty.path()), std::string::npos)
        << e.what();
  }
  testing::ScratchDir no_template;
  testing::write_file(no_template.file("tokenizer_config.json"), R"({"eos_token": "</s>"})");
  EXPECT_THROW(JinjaChatTemplate::load(no_template.path()), std::runtime_error);
  testing::ScratchDir broken;
  testing::write_file(broken.file("tokenizer_config.json"), "{not json");
  EXPECT_THROW(JinjaChatTemplate::load(broken.path()), std::runtime_error);
  testing::ScratchDir bad_template;
  testing::write_file(bad_template.file("tokenizer_config.json"),
                      R"({"chat_template": "{% if x %}"})");
  EXPECT_THROW(JinjaChatTemplate::load(bad_template.path()), JinjaError);
  testing::ScratchDir no_default;
  testing::write_file(
      no_default.file("tokenizer_config.json"),
      R"({"chat_template": [{"name": "a", "template": "A"}, {"name": "b", "template": "B"}]})");
  EXPECT_THROW(JinjaChatTemplate::load(no_default.path()).render({}, december_7_2026()),
               std::runtime_error);
}

TEST(JinjaChatTemplate, RaiseExceptionCarriesTheTemplatesMessage) {
  const JinjaChatTemplate tmpl =
      JinjaChatTemplate::load(testing::shared_dir() + "/tokenizers/gemma3");
  JinjaChatInputs inputs;
  inputs.messages = ordered_json::parse(R"([{"role": "assistant", "content": "first"}])");
  try {
    tmpl.render(inputs, december_7_2026());
    FAIL();
  } catch (const JinjaError& e) {
    EXPECT_EQ(e.message(), "Conversation roles must alternate user/assistant/user/assistant/...");
    EXPECT_GT(e.line(), 1);
    EXPECT_NE(std::string(e.what()).find("tokenizer_config.json"), std::string::npos) << e.what();
  }
}

TEST(JinjaChatTemplate, ClockFollowsTunedeckToday) {
  testing::ScopedEnv today("TUNEDECK_TODAY", "2026-02-20");
  const std::tm t = jinja_chat_clock();
  EXPECT_EQ(jinja_strftime("%d %b %Y|%A %B %j|%Y-%m-%d %H:%M:%S %p|%e|%y %u %w %%", t),
            "20 Feb 2026|Friday February 051|2026-02-20 00:00:00 AM|20|26 5 5 %");
  testing::ScopedEnv bad("TUNEDECK_TODAY", "2026-02-30");
  EXPECT_THROW(jinja_chat_clock(), std::runtime_error);
}

TEST(JinjaChatTemplate, StrftimeNowUsesTheGivenClock) {
  const JinjaChatTemplate tmpl(JinjaTemplate::parse("{{ strftime_now('%d %b %Y') }}", "t"), "", "");
  EXPECT_EQ(tmpl.render({}, december_7_2026()), "07 Dec 2026");
}

}  // namespace
}  // namespace tunedeck
