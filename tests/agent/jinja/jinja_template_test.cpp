// The engine's public face: parse once, render with JSON variables (key order kept) and the
// caller's functions; errors come back as JinjaError naming the template and line.
#include "agent/jinja/jinja_template.h"

#include <gtest/gtest.h>

namespace tunedeck {
namespace {

using nlohmann::ordered_json;

TEST(JinjaTemplate, RendersVariablesKeepingKeyOrder) {
  const JinjaTemplate t = JinjaTemplate::parse("{{ tool|tojson }} {{ n }} {{ missing }}|", "t");
  EXPECT_EQ(t.name(), "t");
  EXPECT_EQ(t.render(ordered_json::parse(
                R"({"tool": {"type": "function", "function": {"name": "f"}}, "n": 1.0})")),
            R"({"type": "function", "function": {"name": "f"}} 1.0 |)");
}

TEST(JinjaTemplate, CallsFunctionsWithJsonArguments) {
  JinjaFunctions functions;
  std::vector<ordered_json> seen;
  functions["shout"] = [&](const std::vector<ordered_json>& args) -> ordered_json {
    seen = args;
    return args[0].get<std::string>() + "!";
  };
  const JinjaTemplate t = JinjaTemplate::parse("{{ shout('hi', [1, none], nope) }}", "t");
  EXPECT_EQ(t.render(ordered_json::object(), functions), "hi!");
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[1], ordered_json::parse("[1, null]"));
  EXPECT_TRUE(seen[2].is_null());  // undefined arrives as null
  EXPECT_THROW(
      JinjaTemplate::parse("{{ shout(x=1) }}", "t").render(ordered_json::object(), functions),
      JinjaError);
}

TEST(JinjaTemplate, FunctionErrorsGetTheLine) {
  JinjaFunctions functions;
  functions["fail"] = [](const std::vector<ordered_json>&) -> ordered_json {
    throw JinjaError("ValueError", "no way");
  };
  functions["crash"] = [](const std::vector<ordered_json>&) -> ordered_json {
    throw std::runtime_error("disk full");
  };
  try {
    JinjaTemplate::parse("a\n{{ fail() }}", "mine").render(ordered_json::object(), functions);
    FAIL();
  } catch (const JinjaError& e) {
    EXPECT_STREQ(e.what(), "template 'mine' line 2: ValueError: no way");
  }
  try {
    JinjaTemplate::parse("{{ crash() }}", "mine").render(ordered_json::object(), functions);
    FAIL();
  } catch (const JinjaError& e) {
    EXPECT_EQ(e.kind(), "Exception");
    EXPECT_EQ(e.message(), "crash(): disk full");
    EXPECT_EQ(e.line(), 1);
  }
}

TEST(JinjaTemplate, RejectsVariablesThatAreNotAnObject) {
  EXPECT_THROW(JinjaTemplate::parse("x", "t").render(ordered_json::array()), JinjaError);
}

TEST(JinjaTemplate, SyntaxErrorsComeFromParse) {
  try {
    JinjaTemplate::parse("ok\n{% if x %}", "broken.jinja");
    FAIL();
  } catch (const JinjaError& e) {
    EXPECT_EQ(e.kind(), "TemplateSyntaxError");
    EXPECT_EQ(e.template_name(), "broken.jinja");
    EXPECT_EQ(e.line(), 2);
  }
}

}  // namespace
}  // namespace tunedeck
