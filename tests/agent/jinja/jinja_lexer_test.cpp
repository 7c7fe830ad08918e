// Cutting templates into tokens: tags, literals, line numbers, and the whitespace rules of
// transformers' settings (trim_blocks, lstrip_blocks, "-" and "+"), checked end to end against
// Python jinja2's output; malformed tags fail with the line.
#include "agent/jinja/jinja_lexer.h"

#include <gtest/gtest.h>

#include "tests/agent/jinja/jinja_test_support.h"

namespace tunedeck {
namespace {

using jinja::Token;
using jinja::TokenType;

std::vector<std::string> describe(const std::vector<Token>& tokens) {
  std::vector<std::string> out;
  for (const Token& t : tokens) {
    switch (t.type) {
      case TokenType::kData:
        out.push_back("data:" + t.text);
        break;
      case TokenType::kString:
        out.push_back("str:" + t.text);
        break;
      case TokenType::kInteger:
        out.push_back("int:" + std::to_string(t.integer));
        break;
      case TokenType::kFloat:
        out.push_back("float:" + t.text);
        break;
      default:
        out.push_back(jinja::describe_token(t));
    }
  }
  return out;
}

TEST(JinjaLexer, CutsTagsAndLiterals) {
  const auto tokens = jinja::tokenize("a{{ b.c(1, 'x\\n') }}{% if d >= 2.5 %}e{% endif %}", "t");
  const std::vector<std::string> expected = {"data:a",
                                             "begin of print statement",
                                             "b",
                                             ".",
                                             "c",
                                             "(",
                                             "int:1",
                                             ",",
                                             "str:x\n",
                                             ")",
                                             "end of print statement",
                                             "begin of statement block",
                                             "if",
                                             "d",
                                             ">=",
                                             "float:2.5",
                                             "end of statement block",
                                             "data:e",
                                             "begin of statement block",
                                             "endif",
                                             "end of statement block",
                                             "end of template"};
  EXPECT_EQ(describe(tokens), expected);
}

TEST(JinjaLexer, StringEscapesAndNumbers) {
  const auto tokens =
      jinja::tokenize(R"J({{ "\u00e9\x41\101\t\q" '한' 0x1F 1_000 0o17 0b101 1e3 }})J", "t");
  const std::vector<std::string> expected = {"begin of print statement",
                                             "str:\u00e9AA\t\\q",
                                             "str:한",
                                             "int:31",
                                             "int:1000",
                                             "int:15",
                                             "int:5",
                                             "float:1e3",
                                             "end of print statement",
                                             "end of template"};
  EXPECT_EQ(describe(tokens), expected);
}

TEST(JinjaLexer, CountsLines) {
  const auto tokens = jinja::tokenize("a\n\n{{ x\n + y }}\r\n{% if z %}", "t");
  ASSERT_GE(tokens.size(), 7u);
  EXPECT_EQ(tokens[0].line, 1);  // "a\n\n"
  EXPECT_EQ(tokens[1].line, 3);  // {{
  EXPECT_EQ(tokens[3].line, 4);  // +
  EXPECT_EQ(tokens[4].line, 4);  // y
}

TEST(JinjaLexer, BracketsInsideTagsDoNotCloseThem) {
  EXPECT_EQ(jinja_testing::render("{{ {'a': {'b': 1}} }}{{ '}}' }}{{ \"%}\" }}"),
            "{'a': {'b': 1}}}}%}");
}

TEST(JinjaLexer, WhitespaceRulesMatchJinja2) {
  const jinja_testing::RenderCase cases[] = {
      {R"J(  {% if true %}
    X
  {% endif %}
  Y
)J",
       R"J(    X
  Y)J"},
      {R"J(a
  {%- if true -%}  Z  {%- endif +%}
W
)J",
       R"J(aZ
W)J"},
      {R"J(a
  {%+ if true %}P{% endif %}
  {{ 1 }}  
)J",
       R"J(a
  P  1  )J"},
      {R"J({% raw %}{{ not }}{% endraw %}
)J",
       R"J({{ not }})J"},
      {R"J(  {%- raw -%}  {{ x }}  {%- endraw -%}  
)J",
       R"J({{ x }})J"},
      {R"J({# c #}
A
  {# c2 #}
B {#- c3 -#} C
)J",
       R"J(A
BC)J"},
      {R"J(x

)J",
       R"J(x
)J"},
      {R"J(x
yz
)J",
       R"J(x
y
z)J"},
      {R"J({% for i in [1,2] %}
  {{ i }}
{% endfor %}
)J",
       R"J(  1
  2
)J"},
      {R"J({% for i in [1,2] -%}
  {{ i }}
{%- endfor %})J",
       R"J(12)J"},
      {R"J({%- set a = 1 -%}

   {{ a }}   

{{- a -}}

)J",
       R"J(11)J"},
      {R"J(  {{ 1 }}
  {% if 1 %}a{% endif %}  b
)J",
       R"J(  1
a  b)J"},
      {R"J({% macro f() %}
  body
{% endmacro %}
[{{ f() }}])J",
       R"J([  body
])J"},
      {R"J({%- if true %}
{{- 'a' }}
{%- endif %}
)J",
       R"J(a)J"},
      {R"J(  {#- x #}
Y)J",
       R"J(Y)J"},
      {R"J(text {% if true %}
  inner
{% endif %} tail)J",
       R"J(text   inner
 tail)J"},
      {R"J(	{% if true %}
	T
	{% endif %}
)J",
       R"J(	T
)J"},
      {R"J({% if true %}   
{% endif %})J",
       R"J(   
)J"},
      {R"J(a  {%- if true %}b{% endif %})J", R"J(ab)J"},
      {R"J({{- 1 }}
{{ 2 -}}
  3)J",
       R"J(1
23)J"},
      {R"J(　{% if true %}x{% endif %})J", R"J(x)J"},
      {R"J({{ 'multi
line' }}
{{ "a" "b" }})J",
       R"J(multi
line
ab)J"},
  };
  for (const auto& c : cases) jinja_testing::expect_renders(c);
}

TEST(JinjaLexer, MalformedTagsFailWithTheLine) {
  struct Case {
    const char* text;
    int line;
    const char* message;
  };
  const Case cases[] = {
      {"a\n{{ x", 2, "no closing '}}'"},
      {"a\n\n{% if x", 3, "no closing '%}'"},
      {"{# never closed", 1, "missing end of comment tag"},
      {"x\n{{ 'abc }}", 2, "unterminated string literal"},
      {"{{ a $ b }}", 1, "unexpected character '$'"},
      {"{{ (a] }}", 1, "unexpected ']', expected ')'"},
      {"{{ a) }}", 1, "unexpected ')'"},
      {"{% raw %}never ended", 1, "missing {% endraw %}"},
      {"{{ '\\x4' }}", 1, "truncated \\x escape"},
      {"{{ 99999999999999999999 }}", 1, "too large"},
  };
  for (const Case& c : cases) {
    try {
      jinja::tokenize(c.text, "bad.jinja");
      ADD_FAILURE() << "no error for " << c.text;
    } catch (const JinjaError& e) {
      EXPECT_EQ(e.kind(), "TemplateSyntaxError") << c.text;
      EXPECT_EQ(e.template_name(), "bad.jinja");
      EXPECT_EQ(e.line(), c.line) << c.text;
      EXPECT_NE(e.message().find(c.message), std::string::npos) << c.text << " -> " << e.message();
    }
  }
}

}  // namespace
}  // namespace tunedeck
