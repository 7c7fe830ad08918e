// parse_tool_calls: calls and text around them; broken calls come back with an error; the tags
// are the syntax it is given.
#include "agent/tool_call_parser.h"

#include <gtest/gtest.h>

namespace tunedeck {
namespace {

using nlohmann::json;

// The tags every template here uses (ChatTemplate::tool_call_syntax()).
ParsedReply parse(const std::string& text) { return parse_tool_calls(text, ToolCallSyntax{}); }

TEST(ToolCallParser, PlainTextHasNoCalls) {
  const ParsedReply reply = parse("  2027년 1월 4일은 월요일입니다.\n");
  EXPECT_EQ(reply.content, "2027년 1월 4일은 월요일입니다.");
  EXPECT_TRUE(reply.calls.empty());
}

TEST(ToolCallParser, OneCall) {
  const ParsedReply reply = parse(
      R"(<tool_call>{"name": "add_days", "arguments": {"date": "2026-12-25", "days": 10}}</tool_call>)");
  EXPECT_EQ(reply.content, "");
  ASSERT_EQ(reply.calls.size(), 1u);
  const ParsedCall& call = reply.calls[0];
  EXPECT_TRUE(call.ok()) << call.error;
  EXPECT_EQ(call.name, "add_days");
  EXPECT_EQ(call.arguments, (json{{"date", "2026-12-25"}, {"days", 10}}));
  EXPECT_EQ(call.raw, R"({"name": "add_days", "arguments": {"date": "2026-12-25", "days": 10}})");
}

TEST(ToolCallParser, SeveralCallsWithTextAround) {
  const ParsedReply reply = parse(
      "Let me check both.\n<tool_call>\n{\"name\": \"today\", \"arguments\": {}}\n</tool_call>\n"
      "and\n<tool_call>{\"name\": \"weekday\", \"arguments\": {\"date\": \"2000-02-29\"}}"
      "</tool_call>\nDone.");
  EXPECT_EQ(reply.content, "Let me check both.\n\nand\n\nDone.");
  ASSERT_EQ(reply.calls.size(), 2u);
  EXPECT_EQ(reply.calls[0].name, "today");
  EXPECT_EQ(reply.calls[0].arguments, json::object());
  EXPECT_EQ(reply.calls[0].raw, "\n{\"name\": \"today\", \"arguments\": {}}\n");
  EXPECT_EQ(reply.calls[1].name, "weekday");
  EXPECT_EQ(reply.calls[1].arguments, (json{{"date", "2000-02-29"}}));
  EXPECT_TRUE(reply.calls[0].ok() && reply.calls[1].ok());
}

TEST(ToolCallParser, BrokenJsonIsKeptWithAnError) {
  const ParsedReply reply = parse(
      R"(<tool_call>{"name": "add_days", "arguments": {"date": "2026-12-25", "days": }}</tool_call>)");
  ASSERT_EQ(reply.calls.size(), 1u);
  const ParsedCall& call = reply.calls[0];
  EXPECT_FALSE(call.ok());
  EXPECT_EQ(call.name, "");
  EXPECT_EQ(call.raw, R"({"name": "add_days", "arguments": {"date": "2026-12-25", "days": }})");
  EXPECT_EQ(call.error.rfind("invalid JSON in <tool_call>: parse error at line 1, column 66:", 0),
            0u)
      << call.error;
}

TEST(ToolCallParser, MissingOrEmptyName) {
  const char* expected =
      R"(<tool_call> has no "name" string naming the tool; expected {"name": "...", "arguments": {...}})";
  EXPECT_EQ(parse(R"(<tool_call>{"arguments": {}}</tool_call>)").calls[0].error, expected);
  EXPECT_EQ(parse(R"(<tool_call>{"name": "", "arguments": {}}</tool_call>)").calls[0].error,
            expected);
  EXPECT_EQ(parse(R"(<tool_call>{"name": 7}</tool_call>)").calls[0].error, expected);
}

TEST(ToolCallParser, ArgumentsMustBeAnObject) {
  const ParsedCall call =
      parse(R"(<tool_call>{"name": "weekday", "arguments": ["2026-01-01"]}</tool_call>)").calls[0];
  EXPECT_EQ(call.name, "weekday");
  EXPECT_EQ(call.error, R"("arguments" must be a JSON object, got an array)");
}

TEST(ToolCallParser, ArgumentsGivenAsAJsonString) {
  const ParsedCall call =
      parse(
          R"(<tool_call>{"name": "weekday", "arguments": "{\"date\": \"2026-01-01\"}"}</tool_call>)")
          .calls[0];
  EXPECT_TRUE(call.ok()) << call.error;
  EXPECT_EQ(call.arguments, (json{{"date", "2026-01-01"}}));
  const ParsedCall bad =
      parse(R"(<tool_call>{"name": "weekday", "arguments": "tomorrow"}</tool_call>)").calls[0];
  EXPECT_EQ(bad.error.rfind(R"("arguments" is a string that is not valid JSON: parse error)", 0),
            0u)
      << bad.error;
  const ParsedCall not_object =
      parse(R"(<tool_call>{"name": "weekday", "arguments": "[1]"}</tool_call>)").calls[0];
  EXPECT_EQ(not_object.error, R"("arguments" must be a JSON object, got an array)");
}

TEST(ToolCallParser, MissingArgumentsMeanNoneAndParametersIsAnAlias) {
  const ParsedCall bare = parse(R"(<tool_call>{"name": "today"}</tool_call>)").calls[0];
  EXPECT_TRUE(bare.ok());
  EXPECT_EQ(bare.arguments, json::object());
  const ParsedCall llama3 =
      parse(R"(<tool_call>{"name": "weekday", "parameters": {"date": "2026-01-01"}}</tool_call>)")
          .calls[0];
  EXPECT_TRUE(llama3.ok());
  EXPECT_EQ(llama3.arguments, (json{{"date", "2026-01-01"}}));
}

TEST(ToolCallParser, UnclosedTagAtTheEnd) {
  const ParsedReply reply = parse(R"(Checking. <tool_call>{"name": "today", "arguments": {}})");
  EXPECT_EQ(reply.content, "Checking.");
  ASSERT_EQ(reply.calls.size(), 1u);
  EXPECT_EQ(reply.calls[0].raw, R"({"name": "today", "arguments": {}})");
  EXPECT_EQ(reply.calls[0].name, "today");
  EXPECT_EQ(reply.calls[0].error,
            "unclosed <tool_call>: no </tool_call> before the end of the reply");
}

TEST(ToolCallParser, UnclosedTagBeforeAnotherCallKeepsBoth) {
  const ParsedReply reply = parse(
      R"(<tool_call>{"name": "today"<tool_call>{"name": "today", "arguments": {}}</tool_call>)");
  ASSERT_EQ(reply.calls.size(), 2u);
  EXPECT_EQ(reply.calls[0].raw, R"({"name": "today")");
  EXPECT_EQ(
      reply.calls[0].error.rfind(
          "unclosed <tool_call>: no </tool_call> before the next <tool_call>; invalid JSON", 0),
      0u)
      << reply.calls[0].error;
  EXPECT_TRUE(reply.calls[1].ok());
  EXPECT_EQ(reply.calls[1].name, "today");
}

TEST(ToolCallParser, EmptyAndNonObjectCalls) {
  EXPECT_EQ(parse("<tool_call>  </tool_call>").calls[0].error,
            R"(empty <tool_call>; expected {"name": "...", "arguments": {...}})");
  EXPECT_EQ(parse(R"(<tool_call>["today"]</tool_call>)").calls[0].error,
            R"(<tool_call> holds an array; expected {"name": "...", "arguments": {...}})");
}

TEST(ToolCallParser, StrayCloseTagStaysInTheText) {
  const ParsedReply reply = parse("done</tool_call>");
  EXPECT_EQ(reply.content, "done</tool_call>");
  EXPECT_TRUE(reply.calls.empty());
}

TEST(ToolCallParser, ReadsTheTagsItIsGiven) {
  const ToolCallSyntax mistral{"[TOOL_CALLS]", "[/TOOL_CALLS]"};
  const ParsedReply reply = parse_tool_calls(
      R"(Checking. [TOOL_CALLS]{"name": "today"}[/TOOL_CALLS] <tool_call>{"name": "x"}</tool_call>)",
      mistral);
  EXPECT_EQ(reply.content, R"(Checking.  <tool_call>{"name": "x"}</tool_call>)");
  ASSERT_EQ(reply.calls.size(), 1u);
  EXPECT_EQ(reply.calls[0].name, "today");
  const std::string unclosed = parse_tool_calls("[TOOL_CALLS]{", mistral).calls[0].error;
  EXPECT_EQ(unclosed.rfind("unclosed [TOOL_CALLS]: no [/TOOL_CALLS] before the end of the reply; "
                           "invalid JSON in [TOOL_CALLS]: ",
                           0),
            0u)
      << unclosed;
}

TEST(ToolCallParser, Llama3JsonWithAndWithoutPythonTag) {
  const ToolCallSyntax llama3 = tool_call_syntax_llama3();
  const ParsedReply bare =
      parse_tool_calls(R"( {"name": "weekday", "parameters": {"date": "2026-02-20"}} )", llama3);
  EXPECT_EQ(bare.content, "");
  ASSERT_EQ(bare.calls.size(), 1u);
  EXPECT_TRUE(bare.calls[0].ok()) << bare.calls[0].error;
  EXPECT_EQ(bare.calls[0].name, "weekday");
  EXPECT_EQ(bare.calls[0].arguments, (json{{"date", "2026-02-20"}}));

  const ParsedReply tagged = parse_tool_calls(
      R"(<|python_tag|>{"name": "today", "parameters": {}}; {"name": "weekday", "parameters": {"date": "x}"}})",
      llama3);
  ASSERT_EQ(tagged.calls.size(), 2u);
  EXPECT_EQ(tagged.calls[0].name, "today");
  EXPECT_EQ(tagged.calls[1].arguments, (json{{"date", "x}"}}));  // a brace inside a string

  const ParsedReply answer = parse_tool_calls("It is a Friday. {\"name\": 1}", llama3);
  EXPECT_TRUE(answer.calls.empty());
  EXPECT_EQ(answer.content, "It is a Friday. {\"name\": 1}");
}

TEST(ToolCallParser, Llama3BrokenCallsComeBackWithErrors) {
  const ToolCallSyntax llama3 = tool_call_syntax_llama3();
  const ParsedReply unclosed = parse_tool_calls(R"({"name": "weekday", "parameters": {)", llama3);
  ASSERT_EQ(unclosed.calls.size(), 1u);
  EXPECT_EQ(unclosed.calls[0].error.rfind("unclosed JSON object", 0), 0u)
      << unclosed.calls[0].error;
  const ParsedReply python =
      parse_tool_calls("<|python_tag|>brave_search.call(query=\"x\")", llama3);
  ASSERT_EQ(python.calls.size(), 1u);
  EXPECT_NE(python.calls[0].error.find("python calls to built-in tools are not supported"),
            std::string::npos);
  const ParsedReply nameless = parse_tool_calls(R"({"parameters": {}})", llama3);
  ASSERT_EQ(nameless.calls.size(), 1u);
  EXPECT_NE(nameless.calls[0].error.find("no \"name\""), std::string::npos);
}

TEST(ToolCallParser, MistralToolCallsArray) {
  const ToolCallSyntax mistral = tool_call_syntax_mistral();
  const ParsedReply reply = parse_tool_calls(
      R"(Checking.[TOOL_CALLS] [{"name": "today", "arguments": {}}, {"name": "weekday", "arguments": {"date": "2027-01-04"}, "id": "abcdefghi"}])",
      mistral);
  EXPECT_EQ(reply.content, "Checking.");
  ASSERT_EQ(reply.calls.size(), 2u);
  EXPECT_EQ(reply.calls[0].name, "today");
  EXPECT_EQ(reply.calls[1].arguments, (json{{"date", "2027-01-04"}}));
  EXPECT_TRUE(parse_tool_calls("No calls here.", mistral).calls.empty());
  const ParsedReply broken = parse_tool_calls(R"([TOOL_CALLS] [{"name": "today", )", mistral);
  ASSERT_EQ(broken.calls.size(), 1u);
  EXPECT_EQ(broken.calls[0].error.rfind("invalid JSON after [TOOL_CALLS]", 0), 0u);
  EXPECT_EQ(broken.calls[0].raw, R"([{"name": "today",)");
}

TEST(ToolCallParser, DescribesEachFormat) {
  EXPECT_EQ(tool_call_syntax_description(ToolCallSyntax{}), "hermes (<tool_call>)");
  EXPECT_EQ(tool_call_syntax_description(tool_call_syntax_mistral()), "mistral ([TOOL_CALLS])");
  EXPECT_EQ(tool_call_syntax_description(tool_call_syntax_llama3()),
            "llama3-json ({\"name\", \"parameters\"}, <|python_tag|>)");
  ToolCallSyntax injected;
  injected.injected = true;
  EXPECT_EQ(tool_call_syntax_description(injected).rfind("hermes, injected (<tool_call>", 0), 0u);
}

}  // namespace
}  // namespace tunedeck
