// Rendering: loops, jinja2's scoping (a loop iteration is a scope, `if` is not, macros see their
// definition's scope as it is when called), macros and call blocks, set/filter blocks, globals,
// Python's printing of values, and runtime errors placed at their line. Expectations are Python
// jinja2's output.
#include "agent/jinja/jinja_render.h"

#include <gtest/gtest.h>

#include <thread>

#include "tests/agent/jinja/jinja_test_support.h"

namespace tunedeck {
namespace {

using jinja_testing::ErrorCase;
using jinja_testing::RenderCase;

TEST(JinjaRender, PrintsValuesAsPython) {
  const RenderCase cases[] = {
      {R"J({{ 1 }} {{ 1.0 }} {{ 1e16 }} {{ 1e15 }} {{ 0.0001 }} {{ 0.00001 }} {{ 123456789.0 }} {{ -0.0 }} {{ 2 ** 62 }})J",
       R"J(1 1.0 1e+16 1000000000000000.0 0.0001 1e-05 123456789.0 -0.0 4611686018427387904)J"},
      {R"J({{ true }} {{ none }} {{ n }} {{ t }} {{ nope }}|{{ [1, 'a', none, true, 1.0] }} {{ (1,) }} {{ (1, 2) }} {{ () }})J",
       R"J(True None None True |[1, 'a', None, True, 1.0] (1,) (1, 2) ())J"},
      {R"J({{ {'a': [1], 'b': "it's", 'c': 'say "hi"', 'd': 'both \' "'} }} {{ ['x\ny', '\t', '\\', '\x7f', '\u00a0', '한'] }})J",
       R"J({'a': [1], 'b': "it's", 'c': 'say "hi"', 'd': 'both \' "'} ['x\ny', '\t', '\\', '\x7f', '\xa0', '한'])J"},
      {R"J({{ m }} {{ d }} {{ k }} {{ ['<'|safe] }} {{ namespace(a=1) }})J",
       R"J([{'role': 'user', 'content': 'hi'}, {'role': 'assistant', 'content': 'yo', 'x': 1}] {'a': 1, 'b': {'c': 2}, 'items': 5} 안녕하세요 세계 [Markup('<')] <Namespace {'a': 1}>)J"},
  };
  for (const auto& c : cases) jinja_testing::expect_renders(c);
}

TEST(JinjaRender, Loops) {
  const RenderCase cases[] = {
      {R"J({% for i in x %}{{ loop.index }}{{ loop.index0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.previtem }}{{ loop.nextitem }};{% endfor %})J",
       R"J(10TrueFalse3322;21FalseFalse32113;32FalseTrue3102;)J"},
      {R"J({% for i in x if i > 1 %}{{ loop.index }}/{{ loop.length }}:{{ i }} {% else %}none{% endfor %}|{% for i in e %}x{% else %}empty{% endfor %}|{% for i in x if i > 5 %}x{% else %}filtered{% endfor %})J",
       R"J(1/2:2 2/2:3 |empty|filtered)J"},
      {R"J({% for i in x %}{% if i == 2 %}{% continue %}{% endif %}{{ i }}{% if i == 3 %}{% break %}{% endif %}{% endfor %})J",
       R"J(13)J"},
      {R"J({% for i in x %}{% for j in x %}{% if j > i %}{% break %}{% endif %}{{ j }}{% endfor %};{% endfor %})J",
       R"J(1;12;123;)J"},
      {R"J({% for a, b in [(1, 2), (3, 4)] %}{{ a }}{{ b }}{% endfor %} {% for k, v in d|items %}{{ k }}={{ v }},{% endfor %} {% for key in d %}{{ key }}{% endfor %} {% for c in 'ab' %}{{ c }}{% endfor %} {% for q in nope %}never{% endfor %})J",
       R"J(1234 a=1,b={'c': 2},items=5, abitems ab )J"},
      {R"J({% for i in x %}{% set outer = loop %}{% for j in [0] %}{{ outer.index }}{{ loop.index }}{% endfor %}{% endfor %})J",
       R"J(112131)J"},
      {R"J({% for i in range(4) %}{{ loop.cycle('a', 'b') }}{{ loop.changed(i // 2) }} {% endfor %})J",
       R"J(aTrue bFalse aTrue bFalse )J"},
      {R"J({% for message in m[::-1] %}{{ message.role }}{% endfor %} {% for message in m %}{{ loop.previtem.role if loop.previtem }}{% endfor %})J",
       R"J(assistantuser user)J"},
  };
  for (const auto& c : cases) jinja_testing::expect_renders(c);
}

TEST(JinjaRender, Scoping) {
  const RenderCase cases[] = {
      {R"J({% set y = 1 %}{% for i in x %}{{ y }}{% set y = y + 1 %}{{ y }}{% endfor %}{{ y }})J",
       R"J(1212121)J"},
      {R"J({% for i in x %}{% set z = i %}{% endfor %}[{{ z }}] {% if true %}{% set w = 5 %}{% endif %}{{ w }})J",
       R"J([] 5)J"},
      {R"J({% set ns = namespace(c=0, l=[]) %}{% for i in x %}{% set ns.c = ns.c + i %}{% set ns.l = ns.l + [i] %}{% endfor %}{{ ns.c }} {{ ns.l }} {{ namespace({'a': 1}, b=2).b }})J",
       R"J(6 [1, 2, 3] 2)J"},
      {R"J({% macro show() %}{{ g }}{% endmacro %}{% set g = 1 %}{{ show() }}{% set g = 2 %}{{ show() }}{% for i in [3] %}{% set g = i %}{{ show() }}{% endfor %})J",
       R"J(122)J"},
      {R"J({% with a = 1, b = 2 %}{{ a + b }}{% endwith %}[{{ a }}] {% set messages = m[1:] %}{{ messages|length }})J",
       R"J(3[] 1)J"},
      {R"J({% set blk %}{% set inner = 1 %}{{ inner }}{% endset %}{{ blk }}[{{ inner }}])J",
       R"J(1[])J"},
      {R"J({% set x = x + [4] %}{{ x }} {% for x in [9] %}{{ x }}{% endfor %} {{ x }})J",
       R"J([1, 2, 3, 4] 9 [1, 2, 3, 4])J"},
  };
  for (const auto& c : cases) jinja_testing::expect_renders(c);
}

TEST(JinjaRender, MacrosAndCallBlocks) {
  const RenderCase cases[] = {
      {R"J({% macro m(a, b=2) %}[{{ a }}|{{ b }}]{% endmacro %}{{ m(1) }}{{ m(1, 3) }}{{ m(b=5, a=0) }}{{ m() }})J",
       R"J([1|2][1|3][0|5][|2])J"},
      {R"J({% macro m(a) %}{{ a }}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1, 2, 3, z=4) }})J",
       R"J(1(2, 3){'z': 4})J"},
      {R"J({% macro m(a, b=a ~ '!') %}{{ b }}{% endmacro %}{{ m('x') }})J", R"J(x!)J"},
      {R"J({% macro outer() %}<{{ caller() }}>{% endmacro %}{% call outer() %}inside {{ x|length }}{% endcall %})J",
       R"J(<inside 3>)J"},
      {R"J({% macro each(items) %}{% for i in items %}{{ caller(i) }}{% endfor %}{% endmacro %}{% call(item) each(x) %}({{ item }}){% endcall %})J",
       R"J((1)(2)(3))J"},
      {R"J({% macro first() %}{{ second() }}{% endmacro %}{% macro second() %}two{% endmacro %}{{ first() }})J",
       R"J(two)J"},
      {R"J({% macro t(n) %}{{ 'x' * n }}{% endmacro %}{{ t(3) + '|' + t(1) }} {{ t(2)|length }})J",
       R"J(xxx|x 2)J"},
  };
  for (const auto& c : cases) jinja_testing::expect_renders(c);
}

TEST(JinjaRender, Blocks) {
  const RenderCase cases[] = {
      {R"J({% set z %}block {{ x|length }}{% endset %}{{ z }}|{% set w | upper %}abc{% endset %}{{ w }}|{% filter upper %}hi {{ s|trim }}{% endfilter %})J",
       R"J(block 3|ABC|HI HELLO WORLD)J"},
      {R"J({% filter trim|upper %}  spaced  {% endfilter %}|{% set ns = namespace() %}{% set ns.t %}in ns{% endset %}{{ ns.t }})J",
       R"J(SPACED|in ns)J"},
      {R"J({% set j = joiner('|') %}{% for i in x %}{{ j() }}{{ i }}{% endfor %})J", R"J(1|2|3)J"},
      {R"J({% if 'markdown' is filter %}{{ x|markdown }}{% else %}no markdown{% endif %} {{ x|nope if false else 'lenient' }})J",
       R"J(no markdown lenient)J"},
  };
  for (const auto& c : cases) jinja_testing::expect_renders(c);
}

TEST(JinjaRender, RuntimeErrorsSayWhatJinja2Says) {
  const ErrorCase cases[] = {
      {R"J({{ nope.x }})J", R"J(UndefinedError)J", R"J('nope' is undefined)J"},
      {R"J({{ nope() }})J", R"J(UndefinedError)J", R"J('nope' is undefined)J"},
      {R"J({{ d.a() }})J", R"J(TypeError)J", R"J('int' object is not callable)J"},
      {R"J({% for a, b in x %}{% endfor %})J", R"J(TypeError)J",
       R"J(cannot unpack non-iterable int object)J"},
      {R"J({% for a, b in [[1]] %}{% endfor %})J", R"J(ValueError)J",
       R"J(not enough values to unpack (expected 2, got 1))J"},
      {R"J({% for a, b in [[1, 2, 3]] %}{% endfor %})J", R"J(ValueError)J",
       R"J(too many values to unpack (expected 2))J"},
      {R"J({% for i in 5 %}{% endfor %})J", R"J(TypeError)J", R"J('int' object is not iterable)J"},
      {R"J({% for i in n %}{% endfor %})J", R"J(TypeError)J",
       R"J('NoneType' object is not iterable)J"},
      {R"J({% macro m(a) %}{% endmacro %}{{ m(1, 2) }})J", R"J(TypeError)J",
       R"J(macro 'm' takes not more than 1 argument(s))J"},
      {R"J({% macro m(a) %}{% endmacro %}{{ m(b=2) }})J", R"J(TypeError)J",
       R"J(macro 'm' takes no keyword argument 'b')J"},
      {R"J({% macro m(a) %}{% endmacro %}{{ m(1, a=2) }})J", R"J(TypeError)J",
       R"J(macro 'm' takes no keyword argument 'a')J"},
      {R"J({% macro m(a) %}{{ a + 1 }}{% endmacro %}{{ m() }})J", R"J(UndefinedError)J",
       R"J(parameter 'a' was not provided)J"},
      {R"J({% set ns = namespace() %}{% set ns.a = 1 %}{% set d.q = 1 %})J",
       R"J(TemplateRuntimeError)J", R"J(cannot assign attribute on non-namespace object)J"},
      {R"J({% for i in x %}{% set loop.x = 1 %}{% endfor %})J", R"J(TemplateRuntimeError)J",
       R"J(cannot assign attribute on non-namespace object)J"},
      {R"J({{ range(200000)|length }})J", R"J(OverflowError)J",
       R"J(Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).)J"},
      {R"J({{ range(1, 2, 0) }})J", R"J(ValueError)J", R"J(range() arg 3 must not be zero)J"},
      {R"J({{ raise_exception('boom') }})J", R"J(ValueError)J", R"J(boom)J"},
      {R"J({% set a, b = 1 %})J", R"J(TypeError)J", R"J(cannot unpack non-iterable int object)J"},
      {R"J({{ ('x' if false).y }})J", R"J(UndefinedError)J",
       R"J(the inline if-expression on line 1 evaluated to false and no else section was defined.)J"},
      {R"J({% if true %}{{ x|nope }}{% endif %})J", R"J(TemplateRuntimeError)J",
       R"J(No filter named 'nope' found.)J"},
      {R"J({{ x if x is nope else 1 }})J", R"J(TemplateRuntimeError)J",
       R"J(No test named 'nope' found.)J"},
  };
  for (const auto& c : cases) jinja_testing::expect_fails(c);
}

TEST(JinjaRender, ErrorsNameTheTemplateAndLine) {
  const std::string text =
      "line one\n{% for m in messages %}\n{{ raise_exception('bad role: ' ~ m.role) }}\n{% endfor "
      "%}";
  try {
    JinjaTemplate::parse(text, "my-model")
        .render({{"messages", {{{"role", "robot"}}}}}, jinja_testing::test_functions());
    FAIL() << "no error";
  } catch (const JinjaError& e) {
    EXPECT_EQ(e.kind(), "ValueError");
    EXPECT_EQ(e.message(), "bad role: robot");
    EXPECT_EQ(e.template_name(), "my-model");
    EXPECT_EQ(e.line(), 3);
    EXPECT_STREQ(e.what(), "template 'my-model' line 3: ValueError: bad role: robot");
  }
  const JinjaError inside_macro =
      jinja_testing::render_error("{% macro m() %}\n\n{{ nope.x }}{% endmacro %}\n{{ m() }}");
  EXPECT_EQ(inside_macro.line(), 3);
  EXPECT_EQ(inside_macro.message(), "'nope' is undefined");
}

TEST(JinjaRender, RecursionIsBoundedNotACrash) {
  const JinjaError e =
      jinja_testing::render_error("{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(0) }}");
  EXPECT_EQ(e.kind(), "RecursionError");
  EXPECT_EQ(
      jinja_testing::render(
          "{% macro f(n) %}{{ n }}{% if n > 0 %}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(5) }}"),
      "543210");
}

TEST(JinjaRender, RendersAreIndependent) {
  const JinjaTemplate t = JinjaTemplate::parse(
      "{% set ns = namespace(n=0) %}{% for i in x %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n "
      "}}",
      "t");
  const nlohmann::ordered_json context = {{"x", {1, 2, 3}}};
  EXPECT_EQ(t.render(context), "6");
  EXPECT_EQ(t.render(context), "6");
  std::vector<std::thread> threads;
  std::vector<std::string> results(4);
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&, i] {
      for (int k = 0; k < 200; ++k) results[i] = t.render(context);
    });
  for (auto& thread : threads) thread.join();
  for (const auto& r : results) EXPECT_EQ(r, "6");
}

}  // namespace
}  // namespace tunedeck
