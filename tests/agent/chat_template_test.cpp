// Each family renders one fixed conversation (system, user, a tool call, its result, the answer)
// exactly as its published template does; the expected strings were written by hand from those
// templates (see the header comment of each agent/chat_template_<family>.cpp for deviations).
#include "agent/chat_template.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "tests/test_support.h"

namespace tunedeck {
namespace {

// System, user, a tool call, its result, the answer.
ChatMessages date_conversation() {
  ChatMessages messages = chat_template_canonical_conversation();
  messages.pop_back();  // ends on the answer
  return messages;
}

nlohmann::json weekday_tools() {
  return nlohmann::json::parse(R"([{"type": "function", "function": {
      "name": "weekday", "description": "The weekday of a date.",
      "parameters": {"type": "object",
                     "properties": {"date": {"type": "string", "description": "YYYY-MM-DD"}},
                     "required": ["date"]}}}])");
}

// weekday_tools()[0] as Python's json.dumps writes it (one line).
const char* const kToolJson =
    R"({"type": "function", "function": {"name": "weekday", "description": )"
    R"("The weekday of a date.", "parameters": {"type": "object", "properties": )"
    R"({"date": {"type": "string", "description": "YYYY-MM-DD"}}, "required": ["date"]}}})";

// The Qwen2.5 tool block, as chatml, llama2 and gemma write it.
std::string hermes_block() {
  return std::string(
             "# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
             "You are provided with function signatures within <tools></tools> XML tags:\n"
             "<tools>\n") +
         kToolJson +
         "\n</tools>\n\nFor each function call, return a json object with function name and "
         "arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n"
         "{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call>";
}

const char* const kCall =
    "<tool_call>\n{\"name\": \"weekday\", \"arguments\": {\"date\": \"2027-01-04\"}}\n</tool_call>";
const char* const kResult = "{\"date\": \"2027-01-04\", \"weekday\": \"Monday\"}";

std::string render_family(const std::string& name, bool add_generation_prompt = false) {
  return chat_template_by_name(name)->render(date_conversation(), weekday_tools(),
                                             add_generation_prompt);
}

std::vector<std::string> assistant_texts(const std::string& name) {
  std::vector<std::string> texts;
  for (const TemplateSegment& segment :
       chat_template_by_name(name)->render_segments(date_conversation(), weekday_tools(), false)) {
    if (segment.is_assistant_output) texts.push_back(segment.text);
  }
  return texts;
}

TEST(ChatTemplate, ChatmlMatchesQwen25) {
  const std::string expected = "<|im_start|>system\nYou are a date assistant.\n\n" +
                               hermes_block() + "<|im_end|>\n" +
                               "<|im_start|>user\nWhat day of the week is 2027-01-04?<|im_end|>\n"
                               "<|im_start|>assistant\n" +
                               kCall +
                               "<|im_end|>\n"
                               "<|im_start|>user\n<tool_response>\n" +
                               kResult +
                               "\n</tool_response><|im_end|>\n"
                               "<|im_start|>assistant\n2027-01-04 is a Monday.<|im_end|>\n";
  EXPECT_EQ(render_family("chatml"), expected);
  EXPECT_EQ(render_family("chatml", true), expected + "<|im_start|>assistant\n");
  EXPECT_EQ(assistant_texts("chatml"),
            (std::vector<std::string>{kCall + std::string("<|im_end|>"),
                                      "2027-01-04 is a Monday.<|im_end|>"}));
}

TEST(ChatTemplate, Llama2MatchesLlama2Chat) {
  const std::string expected = "[INST] <<SYS>>\nYou are a date assistant.\n\n" + hermes_block() +
                               "\n<</SYS>>\n\nWhat day of the week is 2027-01-04? [/INST] " +
                               kCall + " </s>" + "<s>[INST] <tool_response>\n" + kResult +
                               "\n</tool_response> [/INST]" + " 2027-01-04 is a Monday. </s>";
  EXPECT_EQ(render_family("llama2"), expected);
  EXPECT_EQ(render_family("llama2", true), expected);  // no generation marker in Llama-2
  EXPECT_EQ(assistant_texts("llama2"), (std::vector<std::string>{" " + std::string(kCall) + " </s>",
                                                                 " 2027-01-04 is a Monday. </s>"}));
}

TEST(ChatTemplate, Llama3MatchesLlama31Instruct) {
  const std::string tool_indented = R"({
    "type": "function",
    "function": {
        "name": "weekday",
        "description": "The weekday of a date.",
        "parameters": {
            "type": "object",
            "properties": {
                "date": {
                    "type": "string",
                    "description": "YYYY-MM-DD"
                }
            },
            "required": [
                "date"
            ]
        }
    }
})";
  const std::string expected =
      "<|start_header_id|>system<|end_header_id|>\n\nEnvironment: ipython\n"
      "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n"
      "You are a date assistant.<|eot_id|>"
      "<|start_header_id|>user<|end_header_id|>\n\n"
      "Given the following functions, please respond with a JSON for a function call with its "
      "proper arguments that best answers the given prompt.\n\n"
      "Respond in the format {\"name\": function name, \"parameters\": dictionary of argument "
      "name and its value}.Do not use variables.\n\n" +
      tool_indented + "\n\nWhat day of the week is 2027-01-04?<|eot_id|>" +
      "<|start_header_id|>assistant<|end_header_id|>\n\n" + kCall + "<|eot_id|>" +
      "<|start_header_id|>ipython<|end_header_id|>\n\n" + kResult + "<|eot_id|>" +
      "<|start_header_id|>assistant<|end_header_id|>\n\n2027-01-04 is a Monday.<|eot_id|>";
  EXPECT_EQ(render_family("llama3"), expected);
  EXPECT_EQ(render_family("llama3", true),
            expected + "<|start_header_id|>assistant<|end_header_id|>\n\n");
  EXPECT_EQ(assistant_texts("llama3"),
            (std::vector<std::string>{kCall + std::string("<|eot_id|>"),
                                      "2027-01-04 is a Monday.<|eot_id|>"}));
}

TEST(ChatTemplate, Llama3TodayDateIsAConstructorArgument) {
  const std::string text = Llama3Template("04 Jan 2027").render({{"user", "hi", ""}}, {}, true);
  EXPECT_EQ(text,
            "<|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\n"
            "Today Date: 04 Jan 2027\n\n<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n"
            "hi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n");
}

TEST(ChatTemplate, MistralMatchesMistral7bInstructV03) {
  const std::string expected =
      std::string("[AVAILABLE_TOOLS] [") + kToolJson + "][/AVAILABLE_TOOLS]" +
      "[INST] You are a date assistant.\n\nWhat day of the week is 2027-01-04?[/INST] " + kCall +
      "</s>" + "[TOOL_RESULTS] {\"content\": " + kResult + "}[/TOOL_RESULTS]" +
      " 2027-01-04 is a Monday.</s>";
  EXPECT_EQ(render_family("mistral"), expected);
  EXPECT_EQ(render_family("mistral", true), expected);  // no generation marker in Mistral
  EXPECT_EQ(assistant_texts("mistral"), (std::vector<std::string>{" " + std::string(kCall) + "</s>",
                                                                  " 2027-01-04 is a Monday.</s>"}));
}

TEST(ChatTemplate, MistralSystemGoesToTheLastUserTurn) {
  const ChatMessages messages = {{"system", "Be brief.", ""},
                                 {"user", "Hi", ""},
                                 {"assistant", "Hello", ""},
                                 {"user", "Bye", ""}};
  EXPECT_EQ(MistralTemplate().render(messages, {}, true),
            "[INST] Hi[/INST] Hello</s>[INST] Be brief.\n\nBye[/INST]");
}

TEST(ChatTemplate, GemmaMatchesGemma2It) {
  const std::string expected =
      "<start_of_turn>user\nYou are a date assistant.\n\n" + hermes_block() +
      "\n\nWhat day of the week is 2027-01-04?<end_of_turn>\n" + "<start_of_turn>model\n" + kCall +
      "<end_of_turn>\n" + "<start_of_turn>user\n<tool_response>\n" + kResult +
      "\n</tool_response><end_of_turn>\n" +
      "<start_of_turn>model\n2027-01-04 is a Monday.<end_of_turn>\n";
  EXPECT_EQ(render_family("gemma"), expected);
  EXPECT_EQ(render_family("gemma", true), expected + "<start_of_turn>model\n");
  EXPECT_EQ(assistant_texts("gemma"),
            (std::vector<std::string>{kCall + std::string("<end_of_turn>"),
                                      "2027-01-04 is a Monday.<end_of_turn>"}));
}

TEST(ChatTemplate, TunedeckFormat) {
  const std::string expected =
      std::string("<|system|>\nYou are a date assistant.\n\nTools:\n") +
      "- weekday(date: string): The weekday of a date.\n"
      "Call a tool with <tool_call>{\"name\": TOOL, \"arguments\": {ARGS}}</tool_call><|end|>\n"
      "<|user|>\nWhat day of the week is 2027-01-04?<|end|>\n" +
      "<|assistant|>\n" + kCall + "<|end|>\n" + "<|tool|>\n" + kResult + "<|end|>\n" +
      "<|assistant|>\n2027-01-04 is a Monday.<|end|>\n";
  EXPECT_EQ(render_family("tunedeck"), expected);
  EXPECT_EQ(render_family("tunedeck", true), expected + "<|assistant|>\n");
  EXPECT_EQ(
      assistant_texts("tunedeck"),
      (std::vector<std::string>{kCall + std::string("<|end|>"), "2027-01-04 is a Monday.<|end|>"}));
}

TEST(ChatTemplate, TunedeckSignaturesListRequiredArgumentsFirstAndMarkOptionalOnes) {
  const nlohmann::json tools = nlohmann::json::parse(R"([{"type": "function", "function": {
      "name": "add_days", "description": "Shift a date.",
      "parameters": {"type": "object", "properties": {
          "date": {"type": "string"}, "days": {"type": "integer"}, "calendar": {"type": "string"}},
          "required": ["days", "date"]}}},
      {"type": "function", "function": {"name": "today", "parameters": {"type": "object",
          "properties": {}}}}])");
  EXPECT_EQ(TunedeckTemplate().render({}, tools, false),
            "<|system|>\nTools:\n- add_days(days: integer, date: string, calendar?: string): "
            "Shift a date.\n- today()\n"
            "Call a tool with <tool_call>{\"name\": TOOL, \"arguments\": {ARGS}}</tool_call>"
            "<|end|>\n");
}

TEST(ChatTemplate, WithoutSystemOrToolsNoSystemTurnIsInvented) {
  const ChatMessages messages = {{"user", "Hi", ""}};
  EXPECT_EQ(ChatmlTemplate().render(messages, {}, true),
            "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
  EXPECT_EQ(TunedeckTemplate().render(messages, {}, true), "<|user|>\nHi<|end|>\n<|assistant|>\n");
  EXPECT_EQ(GemmaTemplate().render(messages, {}, true),
            "<start_of_turn>user\nHi<end_of_turn>\n<start_of_turn>model\n");
  EXPECT_EQ(Llama2Template().render(messages, {}, true), "[INST] Hi [/INST]");
}

TEST(ChatTemplate, Llama2MultiTurnWritesBosBetweenTurnsButNotFirst) {
  const ChatMessages messages = {
      {"system", "S", ""}, {"user", " Hi ", ""}, {"assistant", "Hello", ""}, {"user", "Bye", ""}};
  // The published template strips the *combined* system+user text, so " Hi" keeps its space.
  EXPECT_EQ(Llama2Template().render(messages, {}, true),
            "[INST] <<SYS>>\nS\n<</SYS>>\n\n Hi [/INST] Hello </s><s>[INST] Bye [/INST]");
}

TEST(ChatTemplate, ConsecutiveToolResultsShareOneUserTurnInChatml) {
  const ChatMessages messages = {{"user", "Q", ""},
                                 {"assistant", "calls", ""},
                                 {"tool", "A", "today"},
                                 {"tool", "B", "weekday"}};
  EXPECT_EQ(ChatmlTemplate().render(messages, {}, false),
            "<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\ncalls<|im_end|>\n"
            "<|im_start|>user\n<tool_response>\nA\n</tool_response>\n<tool_response>\nB\n"
            "</tool_response><|im_end|>\n");
}

TEST(ChatTemplate, KoreanTextInToolsIsWrittenAsUtf8NotEscaped) {
  const nlohmann::json tools = nlohmann::json::parse(
      R"([{"type": "function", "function": {"name": "weekday", "description": "날짜의 요일"}}])");
  const std::string text = ChatmlTemplate().render({{"user", "안녕", ""}}, tools, false);
  EXPECT_NE(
      text.find(
          R"({"type": "function", "function": {"name": "weekday", "description": "날짜의 요일"}})"),
      std::string::npos)
      << text;
}

class EveryFamily : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryFamily, SegmentsConcatenateToRender) {
  const auto chat_template = chat_template_by_name(GetParam());
  for (bool add_generation_prompt : {false, true}) {
    std::string joined;
    for (const TemplateSegment& segment : chat_template->render_segments(
             date_conversation(), weekday_tools(), add_generation_prompt)) {
      EXPECT_FALSE(segment.text.empty());
      joined += segment.text;
    }
    EXPECT_EQ(joined,
              chat_template->render(date_conversation(), weekday_tools(), add_generation_prompt));
  }
}

TEST_P(EveryFamily, EachAssistantSegmentEndsWithAStopString) {
  const auto chat_template = chat_template_by_name(GetParam());
  int assistant_segments = 0;
  for (const TemplateSegment& segment :
       chat_template->render_segments(date_conversation(), weekday_tools(), false)) {
    if (!segment.is_assistant_output) continue;
    assistant_segments++;
    bool ends_with_stop = false;
    for (const std::string& stop : chat_template->stop_strings()) {
      ends_with_stop |=
          segment.text.size() >= stop.size() &&
          segment.text.compare(segment.text.size() - stop.size(), stop.size(), stop) == 0;
    }
    EXPECT_TRUE(ends_with_stop) << segment.text;
  }
  EXPECT_EQ(assistant_segments, 2);
}

// What the model is trained to emit after a prompt is what it is asked to emit at chat time: the
// text before each assistant segment equals the rendering of the earlier messages with the
// generation prompt.
TEST_P(EveryFamily, PromptBeforeEachAnswerIsTheGenerationPrompt) {
  const auto chat_template = chat_template_by_name(GetParam());
  const ChatMessages messages = date_conversation();
  const std::vector<size_t> answer_indices = {2, 4};
  std::string before;
  size_t answer = 0;
  for (const TemplateSegment& segment :
       chat_template->render_segments(messages, weekday_tools(), false)) {
    if (segment.is_assistant_output) {
      const ChatMessages prefix(messages.begin(), messages.begin() + answer_indices[answer]);
      EXPECT_EQ(before, chat_template->render(prefix, weekday_tools(), true)) << answer;
      answer++;
    }
    before += segment.text;
  }
  EXPECT_EQ(answer, 2u);
}

TEST_P(EveryFamily, NeverWritesBosAsText) {
  const auto chat_template = chat_template_by_name(GetParam());
  const std::string text = chat_template->render(date_conversation(), weekday_tools(), true);
  for (const char* bos : {"<s>", "<bos>", "<|begin_of_text|>"}) {
    EXPECT_NE(text.rfind(bos, 0), 0u) << bos;
  }
}

TEST_P(EveryFamily, ToolCallsAreWrittenInHermesTags) {
  const auto chat_template = chat_template_by_name(GetParam());
  EXPECT_EQ(chat_template->tool_call_syntax().open, "<tool_call>");
  EXPECT_EQ(chat_template->tool_call_syntax().close, "</tool_call>");
}

TEST_P(EveryFamily, NameAndHashAreStable) {
  const auto chat_template = chat_template_by_name(GetParam());
  EXPECT_EQ(chat_template->name(), GetParam());
  const std::string hash = chat_template->template_hash();
  EXPECT_EQ(hash.size(), 16u);
  EXPECT_EQ(hash.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(hash, chat_template_by_name(GetParam())->template_hash());
}

TEST_P(EveryFamily, RejectsUnknownRoleNamingTheMessage) {
  const auto chat_template = chat_template_by_name(GetParam());
  try {
    chat_template->render({{"user", "hi", ""}, {"robot", "beep", ""}}, {}, true);
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "chat template '" + GetParam() +
                  "': message 1 has unknown role 'robot' (expected system, user, assistant or "
                  "tool)");
  }
}

TEST_P(EveryFamily, RejectsMalformedTools) {
  const auto chat_template = chat_template_by_name(GetParam());
  const ChatMessages messages = {{"user", "hi", ""}};
  EXPECT_THROW(chat_template->render(messages, nlohmann::json::object(), true),
               std::invalid_argument);
  try {
    chat_template->render(messages, nlohmann::json::parse(R"([{"type": "function",
        "function": {"description": "no name"}}])"),
                          true);
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "chat template '" + GetParam() + "': tools[0].function.name must be a string");
  }
}

INSTANTIATE_TEST_SUITE_P(ChatTemplate, EveryFamily,
                         ::testing::Values("chatml", "llama2", "llama3", "mistral", "gemma",
                                           "tunedeck"));

TEST(ChatTemplate, HashesDifferBetweenFamilies) {
  std::vector<std::string> hashes;
  for (const std::string& name : chat_template_names()) {
    const std::string hash = chat_template_by_name(name)->template_hash();
    for (const std::string& other : hashes) EXPECT_NE(hash, other) << name;
    hashes.push_back(hash);
  }
  EXPECT_EQ(hashes.size(), 6u);
}

TEST(ChatTemplate, FamiliesWithoutALaterSystemSlotRejectOne) {
  const ChatMessages messages = {{"user", "hi", ""}, {"system", "late", ""}};
  for (const char* name : {"llama2", "mistral", "gemma"}) {
    try {
      chat_template_by_name(name)->render(messages, {}, true);
      FAIL() << name;
    } catch (const std::invalid_argument& e) {
      EXPECT_EQ(std::string(e.what()), std::string("chat template '") + name +
                                           "': message 1 is a system message; this format "
                                           "allows one, first");
    }
  }
  EXPECT_EQ(ChatmlTemplate().render(messages, {}, false),
            "<|im_start|>user\nhi<|im_end|>\n<|im_start|>system\nlate<|im_end|>\n");
}

TEST(ChatTemplate, Llama3WithToolsNeedsAFirstUserMessage) {
  EXPECT_THROW(Llama3Template().render({{"system", "s", ""}}, weekday_tools(), true),
               std::invalid_argument);
}

TEST(ChatTemplate, UnknownNameListsTheKnownOnes) {
  try {
    chat_template_by_name("vicuna");
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "unknown chat template 'vicuna' (known: chatml, llama2, llama3, mistral, gemma, "
              "tunedeck)");
  }
}

TEST(ChatTemplate, NamesAllResolve) {
  for (const std::string& name : chat_template_names()) {
    EXPECT_EQ(chat_template_by_name(name)->name(), name);
  }
}

nlohmann::json config_with(const std::string& chat_template) {
  return nlohmann::json{{"bos_token", "<s>"}, {"chat_template", chat_template}};
}

TEST(ChatTemplateDetect, RecognisesEachFamilyFromItsMarkers) {
  EXPECT_EQ(
      chat_template_detect(
          config_with("{%- for message in messages %}{{- '<|im_start|>' + message.role + '\\n' + "
                      "message.content + '<|im_end|>' + '\\n' }}{%- endfor %}")
              .dump()),
      "chatml");
  EXPECT_EQ(chat_template_detect(
                config_with("{{- bos_token }}{{- '<|start_header_id|>' + message['role'] + "
                            "'<|end_header_id|>\\n\\n' }}")
                    .dump()),
            "llama3");
  EXPECT_EQ(chat_template_detect(
                config_with("{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' "
                            "%}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}")
                    .dump()),
            "llama2");
  EXPECT_EQ(
      chat_template_detect(
          config_with("{{- bos_token }}{{- \"[INST] \" + message[\"content\"] + \"[/INST]\" }}")
              .dump()),
      "mistral");
  EXPECT_EQ(chat_template_detect(
                config_with("{{ bos_token }}{{ '<start_of_turn>' + role + '\\n' }}").dump()),
            "gemma");
  EXPECT_EQ(chat_template_detect(config_with("{#- tunedeck chat format -#}<|user|>").dump()),
            "tunedeck");
}

TEST(ChatTemplateDetect, UsesTheDefaultOfANamedList) {
  const nlohmann::json config = {
      {"chat_template",
       {{{"name", "tool_use"}, {"template", "[INST] tools"}},
        {{"name", "default"}, {"template", "<|im_start|>{{ message.content }}"}}}}};
  EXPECT_EQ(chat_template_detect(config.dump()), "chatml");
}

TEST(ChatTemplateDetect, EmptyWhenAbsentOrUnknown) {
  EXPECT_EQ(chat_template_detect(R"({"bos_token": "<s>"})"), "");
  EXPECT_EQ(chat_template_detect(config_with("### Human: {{ content }}").dump()), "");
}

TEST(ChatTemplateDetect, RejectsTextThatIsNotJson) {
  try {
    chat_template_detect("{not json");
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).rfind("tokenizer_config.json is not valid JSON: ", 0), 0u)
        << e.what();
  }
}

TEST(ChatTemplateDetect, WhatTokenizerTrainWritesDetectsAsTheSameFamily) {
  for (const std::string& name : chat_template_names()) {
    EXPECT_EQ(chat_template_detect(config_with(chat_template_for_tokenizer_config(name)).dump()),
              name);
  }
  EXPECT_THROW(chat_template_for_tokenizer_config("alpaca"), std::invalid_argument);
}

// Renders TunedeckTemplate::jinja() with Python's jinja2 the way transformers'
// apply_chat_template does (sandboxed, trim_blocks, lstrip_blocks). "" when python3 or jinja2 is
// missing.
std::string render_jinja_with_python(const ChatMessages& messages, const nlohmann::json& tools,
                                     bool add_generation_prompt) {
  nlohmann::json input = {{"template", TunedeckTemplate::jinja()},
                          {"add_generation_prompt", add_generation_prompt},
                          {"tools", tools.empty() ? nlohmann::json(nullptr) : tools}};
  input["messages"] = nlohmann::json::array();
  for (const auto& m : messages)
    input["messages"].push_back({{"role", m.role}, {"content", m.content}});
  const char* script =
      "import json, sys\n"
      "try:\n"
      "    from jinja2.sandbox import ImmutableSandboxedEnvironment\n"
      "except ImportError:\n"
      "    sys.exit(3)\n"
      "d = json.load(sys.stdin)\n"
      "env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)\n"
      "sys.stdout.write(env.from_string(d['template']).render(messages=d['messages'], "
      "tools=d['tools'],"
      " add_generation_prompt=d['add_generation_prompt']))\n";
  testing::CommandResult r =
      testing::run_command({"/usr/bin/env", "python3", "-c", script}, input.dump());
  if (r.exit_code == 3 || r.exit_code == 127) return "";
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

TEST(ChatTemplateJinja, RendersExactlyAsTunedeckDoes) {
  TunedeckTemplate tmpl;
  const ChatMessages full = date_conversation();
  const ChatMessages without_system(full.begin() + 1, full.end());
  nlohmann::json two_tools = weekday_tools();
  two_tools.push_back(nlohmann::json::parse(R"({"type": "function", "function": {
      "name": "add_days", "parameters": {"type": "object",
      "properties": {"days": {"type": "integer"}, "date": {"type": "string"}, "zone": {}},
      "required": ["date", "days"]}}})"));
  struct Case {
    ChatMessages messages;
    nlohmann::json tools;
    bool generation_prompt;
  };
  const std::vector<Case> cases = {
      {date_conversation(), weekday_tools(), false},        {date_conversation(), two_tools, true},
      {date_conversation(), nlohmann::json::array(), true}, {without_system, weekday_tools(), true},
      {without_system, nlohmann::json::array(), false},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const std::string jinja =
        render_jinja_with_python(cases[i].messages, cases[i].tools, cases[i].generation_prompt);
    if (jinja.empty() && i == 0) GTEST_SKIP() << "python3 with jinja2 is not installed";
    EXPECT_EQ(jinja, tmpl.render(cases[i].messages, cases[i].tools, cases[i].generation_prompt))
        << "case " << i;
  }
}

}  // namespace
}  // namespace tunedeck
