// Parsing: jinja2's grammar and precedence (checked by rendering against Python jinja2's
// output), and malformed templates: each fails with a TemplateSyntaxError (or, for an unknown
// filter or test, TemplateAssertionError) naming the template and line, never a crash.
#include "agent/jinja/jinja_parser.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/agent/jinja/jinja_test_support.h"
#include "tests/test_support.h"

namespace tunedeck {
namespace {

using jinja_testing::RenderCase;

TEST(JinjaParser, PrecedenceAndLiteralsMatchJinja2) {
  const RenderCase cases[] = {
      {R"J({{ not 1 in [2] }} {{ not 1 == 1 and true }} {{ 1 if false else 2 if false else 3 }} {{ 'a' if true }}[{{ 'a' if false }}])J",
       R"J(True False 3 a[])J"},
      {R"J({{ -2|abs }} {{ - 2 ** 2 }} {{ (x|length) * 2 }} {{ x|length * 2 }} {{ x|length + 1 > 3 }} {{ 'a' ~ x|length }})J",
       R"J(2 4 6 6 True a3)J"},
      {R"J({{ 'ab' 'cd' }} {{ [1, 2,] }} {{ {'a': 1,} }} {{ (1, 2,) }} {{ (1) }} {{ [] }} {{ {} }} {{ 1, 2 }})J",
       R"J(abcd [1, 2] {'a': 1} (1, 2) 1 [] {} (1, 2))J"},
      {R"J({{ x is defined and x|length is number }} {{ 'a' is string or false }} {{ d.b.c is divisibleby 2 }})J",
       R"J(True True True)J"},
      {R"J({{ m[0]['role'] == 'user' and m[1].role != 'user' }} {{ (m|first).role }} {{ m|map(attribute='role')|join('/') }})J",
       R"J(True user user/assistant)J"},
      {R"J({{ range(3)|list }} {{ range(1, 10, 3)|list }} {{ range(5, 0, -2)|list }} {{ dict(a=1, b=2) }} {{ namespace(a=1).a }})J",
       R"J([0, 1, 2] [1, 4, 7] [5, 3, 1] {'a': 1, 'b': 2} 1)J"},
      {R"J({% set a, b = 1, 2 %}{{ a }}{{ b }} {% set (c, e) = [3, 4] %}{{ c }}{{ e }})J",
       R"J(12 34)J"},
      {R"J({{ true }} {{ True }} {{ none }} {{ None }} {{ false }} {{ 1.5e3 }} {{ 1.5E-3 }})J",
       R"J(True True None None False 1500.0 0.0015)J"},
  };
  for (const auto& c : cases) jinja_testing::expect_renders(c);
}

TEST(JinjaParser, MalformedTemplatesFailClearly) {
  struct Case {
    const char* text;
    const char* kind;
    int line;
    const char* message;  // a part of it
  };
  const Case cases[] = {
      {R"J({% if x %}a)J", R"J(TemplateSyntaxError)J", 1,
       R"J(Unexpected end of template. Jinja was looking for the following tags: 'elif' or 'else' or 'endif'. The innermost block that needs to be closed is 'if')J"},
      {R"J(line1
{% for x in y %}
{{ x }})J",
       R"J(TemplateSyntaxError)J", 3,
       R"J(The innermost block that needs to be closed is 'for' (opened on line 2))J"},
      {R"J({% macro m() %})J", R"J(TemplateSyntaxError)J", 1, R"J('endmacro')J"},
      {R"J({% foo %})J", R"J(TemplateSyntaxError)J", 1, R"J(Encountered unknown tag 'foo'.)J"},
      {R"J({% if x %}
{% endfor %}{% endif %})J",
       R"J(TemplateSyntaxError)J", 2, R"J(Encountered unknown tag 'endfor'.)J"},
      {R"J({% for x in y %}{% if x %}{% endfor %})J", R"J(TemplateSyntaxError)J", 1,
       R"J(nesting mistake)J"},
      {R"J({% endif %})J", R"J(TemplateSyntaxError)J", 1, R"J(Encountered unknown tag 'endif'.)J"},
      {R"J({% if x %}{% else %}{% else %}{% endif %})J", R"J(TemplateSyntaxError)J", 1,
       R"J(Encountered unknown tag 'else'.)J"},
      {R"J({% include 'other.jinja' %})J", R"J(TemplateSyntaxError)J", 1,
       R"J('include' tag is not supported)J"},
      {R"J({{ }})J", R"J(TemplateSyntaxError)J", 1,
       R"J(expected an expression, got 'end of print statement')J"},
      {R"J({{ 1 + }})J", R"J(TemplateSyntaxError)J", 1, R"J(unexpected 'end of print statement')J"},
      {R"J({{ a b }})J", R"J(TemplateSyntaxError)J", 1,
       R"J(expected token 'end of print statement', got 'b')J"},
      {R"J({% if %}{% endif %})J", R"J(TemplateSyntaxError)J", 1, R"J(expected an expression)J"},
      {R"J({{ x|nofilter }})J", R"J(TemplateAssertionError)J", 1,
       R"J(No filter named 'nofilter'.)J"},
      {R"J({% if true %}{% for i in x %}
{{ i is notatest }}{% endfor %}{% endif %})J",
       R"J(TemplateAssertionError)J", 2, R"J(No test named 'notatest'.)J"},
      {R"J({{ x|nope if true }}{{ x|nope2 }})J", R"J(TemplateAssertionError)J", 1,
       R"J(No filter named 'nope2'.)J"},
      {R"J({% break %})J", R"J(TemplateSyntaxError)J", 1, R"J('break' outside of a for loop)J"},
      {R"J({% for x in y %}{% macro m() %}{% continue %}{% endmacro %}{% endfor %})J",
       R"J(TemplateSyntaxError)J", 1, R"J('continue' outside of a for loop)J"},
      {R"J({% set 1 = 2 %})J", R"J(TemplateSyntaxError)J", 1, R"J(expected token 'name')J"},
      {R"J({% set x %})J", R"J(TemplateSyntaxError)J", 1, R"J('endset')J"},
      {R"J({% macro m(a=1, b) %}{% endmacro %})J", R"J(TemplateSyntaxError)J", 1,
       R"J(non-default argument follows default argument)J"},
      {R"J({% for x in y recursive %}{% endfor %})J", R"J(TemplateSyntaxError)J", 1,
       R"J(recursive for loops are not supported)J"},
      {R"J({% call m %}{% endcall %})J", R"J(TemplateSyntaxError)J", 1, R"J(expected a call)J"},
      {R"J({{ f(a=1, 2) }})J", R"J(TemplateSyntaxError)J", 1,
       R"J(positional argument follows a keyword argument)J"},
      {R"J({{ x[] }})J", R"J(TemplateSyntaxError)J", 1, R"J(expected a subscript)J"},
      {R"J({{ x.'a' }})J", R"J(TemplateSyntaxError)J", 1, R"J(expected name or number)J"},
      {R"J({{ [1, 2 }})J", R"J(TemplateSyntaxError)J", 1, R"J(unexpected '}', expected ']')J"},
      {R"J({% for in x %}{% endfor %})J", R"J(TemplateSyntaxError)J", 1,
       R"J(expected token 'in', got 'x')J"},
      {R"J({% for a b %}{% endfor %})J", R"J(TemplateSyntaxError)J", 1,
       R"J(expected token 'in', got 'b')J"},
      {R"J({% if x %}{% endif extra %})J", R"J(TemplateSyntaxError)J", 1,
       R"J(expected token 'end of statement block', got 'extra')J"},
      {R"J({{ x is is defined }})J", R"J(TemplateAssertionError)J", 1, R"J(No test named 'is'.)J"},
  };
  for (const Case& c : cases) {
    try {
      JinjaTemplate::parse(c.text, "bad.jinja");
      ADD_FAILURE() << "parsed: " << c.text;
    } catch (const JinjaError& e) {
      EXPECT_EQ(e.kind(), c.kind) << c.text << " -> " << e.what();
      EXPECT_EQ(e.template_name(), "bad.jinja");
      EXPECT_EQ(e.line(), c.line) << c.text << " -> " << e.what();
      EXPECT_NE(e.message().find(c.message), std::string::npos) << c.text << " -> " << e.message();
      EXPECT_NE(
          std::string(e.what()).find("template 'bad.jinja' line " + std::to_string(c.line) + ": "),
          std::string::npos)
          << e.what();
    }
  }
}

TEST(JinjaParser, AbsurdNestingIsRefusedNotACrash) {
  const std::string deep_expression =
      "{{ " + std::string(5000, '(') + "1" + std::string(5000, ')') + " }}";
  EXPECT_THROW(JinjaTemplate::parse(deep_expression, "deep"), JinjaError);
  std::string deep_blocks;
  for (int i = 0; i < 5000; ++i) deep_blocks += "{% if true %}";
  EXPECT_THROW(JinjaTemplate::parse(deep_blocks, "deep"), JinjaError);
  std::string deep_not = "{{ ";
  for (int i = 0; i < 5000; ++i) deep_not += "not ";
  EXPECT_THROW(JinjaTemplate::parse(deep_not + "1 }}", "deep"), JinjaError);
}

TEST(JinjaParser, ParsesEveryTemplateInShared) {
  int parsed = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(testing::shared_dir() + "/templates")) {
    if (entry.path().extension() != ".jinja") continue;
    EXPECT_NO_THROW(jinja::parse_template(testing::read_file(entry.path().string()),
                                          entry.path().filename().string()))
        << entry.path();
    ++parsed;
  }
  EXPECT_EQ(parsed, 11);
}

}  // namespace
}  // namespace tunedeck
