// Jinja's operators: Python's arithmetic (int stays int, / is true division, // and % floor
// toward minus infinity), concatenation of str/list, ~, comparisons, `in`, Markup escaping, and
// printf-style formatting. Expectations are Python jinja2's output.
#include "agent/jinja/jinja_operators.h"

#include <gtest/gtest.h>

#include "tests/agent/jinja/jinja_test_support.h"

namespace tunedeck {
namespace {

using jinja_testing::ErrorCase;
using jinja_testing::RenderCase;

TEST(JinjaOperators, ArithmeticAsPython) {
  const RenderCase cases[] = {
      {R"J({{ 1 + 2 }} {{ 1 - 2.5 }} {{ 2 * 3 }} {{ 2 * 1.5 }} {{ true + 1 }})J",
       R"J(3 -1.5 6 3.0 2)J"},
      {R"J({{ 1 / 2 }} {{ 4 / 2 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ 7.5 // 2 }})J",
       R"J(0.5 2.0 3 -4 3.0)J"},
      {R"J({{ 7 % 3 }} {{ -7 % 3 }} {{ 7 % -3 }} {{ 5.5 % 2 }})J", R"J(1 2 -2 1.5)J"},
      {R"J({{ 2 ** 10 }} {{ 2 ** -1 }} {{ 2 ** 3 ** 2 }} {{ -2 ** 2 }} {{ 2.0 ** 2 }})J",
       R"J(1024 0.5 64 4 4.0)J"},
      {R"J({{ 2 * 3 + 4 }} {{ 2 + 3 * 4 }} {{ (2 + 3) * 4 }} {{ (1 ~ 2) ~ 3 }} {{ -(x|length) }})J",
       R"J(10 14 20 123 -3)J"},
      {R"J({{ 'ab' + 'cd' }} {{ 'ab' * 3 }} {{ 3 * 'ab' }} {{ 'ab' * 0 }} {{ [1] * 2 }} {{ x + [4] }} {{ (1,) + (2,) }})J",
       R"J(abcd ababab ababab  [1, 1] [1, 2, 3, 4] (1, 2))J"},
      {R"J({{ s ~ 1 ~ none ~ true ~ 1.0 ~ x ~ nope }})J",
       R"J(  Hello World  1NoneTrue1.0[1, 2, 3])J"},
      {R"J({{ 0.1 + 0.2 }} {{ 1e20 }} {{ 1.5e-7 }} {{ 3.0 * 2 }} {{ -f }} {{ +f }})J",
       R"J(0.30000000000000004 1e+20 1.5e-07 6.0 -2.5 2.5)J"},
      {R"J({{ true and 1 }} {{ 0 or 'x' }} {{ [] or none }} {{ 'a' and '' }} {{ not 0 }} {{ not x }})J",
       R"J(1 x None  True False)J"},
      {R"J({{ 'yes' if t else 'no' }} {{ 'yes' if n else 'no' }}[{{ 'yes' if n }}])J",
       R"J(yes no[])J"},
  };
  for (const auto& c : cases) jinja_testing::expect_renders(c);
}

TEST(JinjaOperators, ComparisonsAndMembership) {
  const RenderCase cases[] = {
      {R"J({{ 1 == 1.0 }} {{ 1 == true }} {{ x == [1, 2, 3] }} {{ (1, 2) == [1, 2] }} {{ {'a': 1, 'b': 2} == {'b': 2, 'a': 1} }} {{ nope == nope }} {{ n == none }})J",
       R"J(True True True False True True True)J"},
      {R"J({{ 1 < 2 < 3 }} {{ 1 < 3 < 2 }} {{ 2 >= 2 }} {{ 'a' < 'b' }} {{ '가' > 'z' }} {{ [1, 2] < [1, 3] }} {{ [1] < [1, 0] }})J",
       R"J(True False True True True True True)J"},
      {R"J({{ 'a' in 'abc' }} {{ 1 in x }} {{ 5 not in x }} {{ 'a' in d }} {{ 'zz' in d }} {{ 1 in nope }} {{ nope in x }} {{ '세' in k }})J",
       R"J(True True True True False False False True)J"},
      {R"J({{ not 1 == 2 }} {{ not 'a' in 'b' }} {{ 1 != 2 }})J", R"J(True True True)J"},
  };
  for (const auto& c : cases) jinja_testing::expect_renders(c);
}

TEST(JinjaOperators, MarkupEscapesWhatIsAddedToIt) {
  const RenderCase cases[] = {
      {R"J({{ '<b>'|safe + '<i>' }} {{ '<i>' + '<b>'|safe }} {{ '<b>'|safe ~ '<i>' }} {{ ('<b>'|safe + '&')|length }})J",
       R"J(<b>&lt;i&gt; &lt;i&gt;<b> <b><i> 8)J"},
      {R"J({{ 'Use "'|safe + d.b|tojson + '"'|safe }})J", R"J(Use "{&#34;c&#34;: 2}")J"},
  };
  for (const auto& c : cases) jinja_testing::expect_renders(c);
}

TEST(JinjaOperators, FailuresSayWhatPythonSays) {
  const ErrorCase cases[] = {
      {R"J({{ 'a' + 1 }})J", R"J(TypeError)J", R"J(can only concatenate str (not "int") to str)J"},
      {R"J({{ 1 + 'a' }})J", R"J(TypeError)J",
       R"J(unsupported operand type(s) for +: 'int' and 'str')J"},
      {R"J({{ x + d }})J", R"J(TypeError)J", R"J(can only concatenate list (not "dict") to list)J"},
      {R"J({{ 'a' + d }})J", R"J(TypeError)J", R"J(can only concatenate str (not "dict") to str)J"},
      {R"J({{ '<'|safe + 1 }})J", R"J(TypeError)J",
       R"J(unsupported operand type(s) for +: 'Markup' and 'int')J"},
      {R"J({{ 'a' + d.nope }})J", R"J(UndefinedError)J",
       R"J('dict object' has no attribute 'nope')J"},
      {R"J({{ nope + 1 }})J", R"J(UndefinedError)J", R"J('nope' is undefined)J"},
      {R"J({{ 1 / 0 }})J", R"J(ZeroDivisionError)J", R"J(division by zero)J"},
      {R"J({{ 1 // 0 }})J", R"J(ZeroDivisionError)J", R"J(integer division or modulo by zero)J"},
      {R"J({{ 1 % 0 }})J", R"J(ZeroDivisionError)J", R"J(integer modulo by zero)J"},
      {R"J({{ 1.0 / 0 }})J", R"J(ZeroDivisionError)J", R"J(float division by zero)J"},
      {R"J({{ 'a' * 1.5 }})J", R"J(TypeError)J",
       R"J(can't multiply sequence by non-int of type 'float')J"},
      {R"J({{ 'a' - 'b' }})J", R"J(TypeError)J",
       R"J(unsupported operand type(s) for -: 'str' and 'str')J"},
      {R"J({{ -'a' }})J", R"J(TypeError)J", R"J(bad operand type for unary -: 'str')J"},
      {R"J({{ 'a' < 1 }})J", R"J(TypeError)J",
       R"J('<' not supported between instances of 'str' and 'int')J"},
      {R"J({{ 'a' > 1 }})J", R"J(TypeError)J",
       R"J('>' not supported between instances of 'str' and 'int')J"},
      {R"J({{ x >= 'a' }})J", R"J(TypeError)J",
       R"J('>=' not supported between instances of 'list' and 'str')J"},
      {R"J({{ 1 <= none }})J", R"J(TypeError)J",
       R"J('<=' not supported between instances of 'int' and 'NoneType')J"},
      {R"J({{ x < d }})J", R"J(TypeError)J",
       R"J('<' not supported between instances of 'list' and 'dict')J"},
      {R"J({{ nope < 1 }})J", R"J(UndefinedError)J", R"J('nope' is undefined)J"},
      {R"J({{ 'x' in 5 }})J", R"J(TypeError)J", R"J(argument of type 'int' is not iterable)J"},
      {R"J({{ 5 in 'x' }})J", R"J(TypeError)J",
       R"J('in <string>' requires string as left operand, not int)J"},
      {R"J({{ 1 in n }})J", R"J(TypeError)J", R"J(argument of type 'NoneType' is not iterable)J"},
      {R"J({{ 1 ~ 2 + 3 }})J", R"J(TypeError)J",
       R"J(can only concatenate str (not "int") to str)J"},
      {R"J({{ -x|length }})J", R"J(TypeError)J", R"J(bad operand type for unary -: 'list')J"},
  };
  for (const auto& c : cases) jinja_testing::expect_fails(c);
}

TEST(JinjaOperators, PercentFormat) {
  using jinja::Value;
  EXPECT_EQ(jinja::percent_format(
                "%s and %d", Value::from_list({Value::from_string("x"), Value::from_int(3)}, true)),
            "x and 3");
  EXPECT_EQ(
      jinja::percent_format("%05.1f|%-3s|%x|%+d|%%",
                            Value::from_list({Value::from_float(3.14159), Value::from_string("a"),
                                              Value::from_int(255), Value::from_int(3)},
                                             true)),
      "003.1|a  |ff|+3|%");
  EXPECT_EQ(jinja::percent_format("%r", Value::from_string("it's")), "\"it's\"");
  EXPECT_THROW(jinja::percent_format("%s %s", Value::from_string("one")), JinjaError);
}

}  // namespace
}  // namespace tunedeck
