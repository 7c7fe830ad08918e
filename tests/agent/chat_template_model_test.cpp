// ModelChatTemplate over the real templates of ../shared/templates and the tokenizer folders:
// the conversations go in as transformers receives them (the renderings equal expected/*.json
// byte for byte for the templates with tool support, when the tool calls arrive as tunedeck's raw
// text), the tool-call format each
// template uses is detected, templates without tool support get the Hermes instructions, the
// end-of-turn markers and strftime_now's clock, template errors, and the segments.
#include "agent/chat_template_model.h"

#include <gtest/gtest.h>

#include "tests/agent/model_templates.h"
#include "tests/test_support.h"

namespace tunedeck {
namespace {

using nlohmann::json;
using namespace testing::model_templates;

// A Hugging Face message list as tunedeck stores it: an assistant's tool_calls become Hermes
// text (what a dataset row or a Qwen model writes), a tool result keeps its name.
ChatMessages stored_form(const json& messages) {
  ChatMessages out;
  for (const json& m : messages) {
    ChatMessage message{m["role"], m.value("content", ""), m.value("name", "")};
    for (const json& call : m.value("tool_calls", json::array())) {
      message.content +=
          "<tool_call>\n" +
          json{{"name", call["function"]["name"]}, {"arguments", call["function"]["arguments"]}}
              .dump() +
          "\n</tool_call>";
    }
    out.push_back(message);
  }
  return out;
}

// Every conversation of conversations.json through the adapter against what transformers
// rendered (or refused).
void expect_expected_renderings(const std::string& file) {
  const std::string stem = file.substr(0, file.rfind('.'));
  const json conversations =
      json::parse(testing::read_file(templates_dir() + "/conversations.json"));
  const json expected =
      json::parse(testing::read_file(templates_dir() + "/expected/" + stem + ".json"));
  const ModelChatTemplate tmpl = template_file(file);
  ASSERT_EQ(conversations["cases"].size(), expected["cases"].size());
  for (size_t i = 0; i < expected["cases"].size(); i++) {
    const json& conversation = conversations["cases"][i];
    const json& want = expected["cases"][i];
    const json tools = conversation["tools"].get<bool>() ? conversations["tools"] : json();
    SCOPED_TRACE(file + " / " + want["name"].get<std::string>());
    try {
      const std::string text = tmpl.render(stored_form(conversation["messages"]), tools,
                                           conversation["add_generation_prompt"]);
      ASSERT_TRUE(want.contains("text")) << "rendered where transformers refused: " << text;
      EXPECT_EQ(text, want["text"].get<std::string>());
    } catch (const std::runtime_error& e) {
      ASSERT_TRUE(want.contains("error")) << e.what();
    }
  }
}

TEST(ModelChatTemplate, RendersAsTransformersFromStoredMessages) {
  for (const char* file :
       {"Qwen-Qwen2.5-7B-Instruct.jinja", "meta-llama-Llama-3.1-8B-Instruct.jinja",
        "meta-llama-Llama-3.2-3B-Instruct.jinja", "meta-llama-Llama-3.3-70B-Instruct.jinja",
        "NousResearch-Hermes-2-Pro-Llama-3-8B-tool_use.jinja"}) {
    expect_expected_renderings(file);
  }
}

TEST(ModelChatTemplate, DetectsEachFamilysToolCallFormat) {
  EXPECT_EQ(tool_call_syntax_description(
                template_file("Qwen-Qwen2.5-7B-Instruct.jinja").tool_call_syntax()),
            "hermes (<tool_call>)");
  EXPECT_EQ(template_file("NousResearch-Hermes-2-Pro-Llama-3-8B-tool_use.jinja")
                .tool_call_syntax()
                .format,
            ToolCallFormat::kHermes);
  for (const char* llama :
       {"meta-llama-Llama-3.1-8B-Instruct.jinja", "meta-llama-Llama-3.2-3B-Instruct.jinja",
        "meta-llama-Llama-3.3-70B-Instruct.jinja"}) {
    const ToolCallSyntax syntax = template_file(llama).tool_call_syntax();
    EXPECT_EQ(syntax.format, ToolCallFormat::kLlama3Json) << llama;
    EXPECT_EQ(syntax.open, "<|python_tag|>");
  }
  EXPECT_TRUE(template_file("google-gemma-2-2b-it.jinja").tool_call_syntax().injected);
  EXPECT_TRUE(tokenizer_folder_template("gemma3").tool_call_syntax().injected);
  EXPECT_TRUE(tokenizer_folder_template("llama3").tool_call_syntax().injected);  // base template
  const ToolCallSyntax qwen3 = tokenizer_folder_template("qwen3").tool_call_syntax();
  EXPECT_EQ(qwen3.format, ToolCallFormat::kHermes);
  EXPECT_FALSE(qwen3.injected);
}

TEST(ModelChatTemplate, MistralCallsGoBackStructuredWithIds) {
  const ModelChatTemplate tmpl = mistral_like();
  EXPECT_EQ(tool_call_syntax_description(tmpl.tool_call_syntax()), "mistral ([TOOL_CALLS])");
  const ChatMessages messages = {
      {"user", "Which weekday?", ""},
      {"assistant", R"([TOOL_CALLS] [{"name": "weekday", "arguments": {"date": "2027-01-04"}}])",
       ""},
      {"tool", R"({"weekday": "Monday"})", "weekday"},
      {"assistant", "A Monday.", ""}};
  EXPECT_EQ(
      tmpl.render(messages, json(), false),
      "[INST] Which weekday?[/INST]"
      R"([TOOL_CALLS] [{"name": "weekday", "arguments": {"date": "2027-01-04"}, "id": "call00001"}]</s>)"
      R"([TOOL_RESULTS] {"content": {"weekday": "Monday"}, "call_id": "call00001"}[/TOOL_RESULTS])"
      " A Monday.</s>");
  EXPECT_EQ(tmpl.stop_strings(), (std::vector<std::string>{"</s>"}));
}

TEST(ModelChatTemplate, InjectsHermesToolsWhereTheTemplateHasNone) {
  const ModelChatTemplate gemma = tokenizer_folder_template("gemma3");
  const json tools = chat_template_canonical_tools();
  const ChatMessages messages = {{"user", "Which weekday is 2027-01-04?", ""},
                                 {"assistant",
                                  "<tool_call>\n{\"name\": \"weekday\", \"arguments\": {\"date\": "
                                  "\"2027-01-04\"}}\n</tool_call>",
                                  ""},
                                 {"tool", R"({"weekday": "Monday"})", "weekday"},
                                 {"tool", R"({"extra": 1})", "weekday"}};
  const std::string text = gemma.render(messages, tools, true);
  // BOS is the tokenizer's to add (add_bos_token: true), so the text starts at the first turn.
  EXPECT_EQ(text.rfind("<start_of_turn>user\n# Tools\n\nYou may call one or more functions", 0), 0u)
      << text;
  EXPECT_NE(text.find("</tool_call>\n\nWhich weekday is 2027-01-04?<end_of_turn>\n"),
            std::string::npos);
  EXPECT_NE(text.find("<start_of_turn>model\n<tool_call>\n{\"name\": \"weekday\""),
            std::string::npos);
  EXPECT_NE(text.find("<start_of_turn>user\n<tool_response>\n{\"weekday\": \"Monday\"}\n"
                      "</tool_response>\n<tool_response>\n{\"extra\": 1}\n</tool_response>"
                      "<end_of_turn>\n<start_of_turn>model\n"),
            std::string::npos)
      << text;
  // With a system message the block follows it (Gemma 3 merges both into the first user turn).
  ChatMessages with_system = messages;
  with_system.insert(with_system.begin(), ChatMessage{"system", "Be brief.", ""});
  EXPECT_EQ(
      gemma.render(with_system, tools, true).rfind("<start_of_turn>user\nBe brief.\n\n# Tools", 0),
      0u);
}

TEST(ModelChatTemplate, TemplateErrorsNameTheTemplatesMessage) {
  const ModelChatTemplate gemma = tokenizer_folder_template("gemma3");
  try {
    gemma.render({{"user", "a", ""}, {"user", "b", ""}}, json(), true);
    FAIL() << "rendered two user turns in a row";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "Conversation roles must alternate user/assistant/user/assistant/..."),
              std::string::npos)
        << e.what();
  }
}

TEST(ModelChatTemplate, EndOfTurnMarkersAndSpecialTexts) {
  const ModelChatTemplate qwen3 = tokenizer_folder_template("qwen3");
  EXPECT_EQ(qwen3.stop_strings(), (std::vector<std::string>{"<|im_end|>"}));
  const ModelChatTemplate llama3 = tokenizer_folder_template("llama3");
  EXPECT_EQ(llama3.stop_strings(), (std::vector<std::string>{"<|eot_id|>", "<|end_of_text|>"}));
  const ModelChatTemplate gemma3 = tokenizer_folder_template("gemma3");
  EXPECT_EQ(gemma3.stop_strings(), (std::vector<std::string>{"<end_of_turn>"}));
  const std::vector<std::string> specials = gemma3.special_texts();
  EXPECT_NE(std::find(specials.begin(), specials.end(), "<bos>"), specials.end());
}

TEST(ModelChatTemplate, StrftimeNowReadsTheGivenClock) {
  ModelTemplateOptions options;
  options.clock = [] { return date_tm(2027, 1, 4); };
  const std::string file = "meta-llama-Llama-3.2-3B-Instruct.jinja";
  const ModelChatTemplate tmpl(
      JinjaChatTemplate(
          JinjaTemplate::parse(testing::read_file(templates_dir() + "/" + file), file), "<s>",
          "</s>"),
      options);
  EXPECT_NE(tmpl.render({{"user", "hi", ""}}, json(), true).find("Today Date: 04 Jan 2027"),
            std::string::npos);
  // The adapter's hash does not change with the date.
  ModelTemplateOptions later = options;
  later.clock = [] { return date_tm(2031, 5, 6); };
  const ModelChatTemplate tomorrow(
      JinjaChatTemplate(
          JinjaTemplate::parse(testing::read_file(templates_dir() + "/" + file), file), "<s>",
          "</s>"),
      later);
  EXPECT_EQ(tmpl.template_hash(), tomorrow.template_hash());
}

TEST(ModelChatTemplate, SegmentsPutTheAnswerAndItsEndMarkerOnTheAssistant) {
  const ModelChatTemplate qwen = template_file("Qwen-Qwen2.5-7B-Instruct.jinja");
  const std::vector<TemplateSegment> segments = qwen.render_segments(
      {{"user", "hi", ""}, {"assistant", "hello", ""}, {"user", "bye", ""}}, json(), false);
  ASSERT_EQ(segments.size(), 3u);
  EXPECT_FALSE(segments[0].is_assistant_output);
  EXPECT_EQ(segments[0].text.substr(segments[0].text.size() - 22), "<|im_start|>assistant\n");
  EXPECT_TRUE(segments[1].is_assistant_output);
  EXPECT_EQ(segments[1].text, "hello<|im_end|>");
  EXPECT_EQ(segments[2].text, "\n<|im_start|>user\nbye<|im_end|>\n");
}

TEST(ModelChatTemplate, FolderSelection) {
  EXPECT_TRUE(model_has_own_chat_template(tokenizers_dir() + "/qwen3"));
  EXPECT_FALSE(model_has_own_chat_template(testing::datebot_dir()));  // tunedeck's own Jinja
  EXPECT_FALSE(model_has_own_chat_template(testing::stories_dir()));  // none
}

}  // namespace
}  // namespace tunedeck
