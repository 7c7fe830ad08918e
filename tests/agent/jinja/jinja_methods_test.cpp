// Reaching into values: x.name (a Python attribute such as a dict method wins over a key),
// x[key] (the key wins), slices in code points, and the str/dict/list methods templates call.
// Expectations are Python jinja2's output.
#include "agent/jinja/jinja_methods.h"

#include <gtest/gtest.h>

#include "agent/jinja/jinja_json.h"
#include "tests/agent/jinja/jinja_test_support.h"

namespace tunedeck {
namespace {

using jinja_testing::ErrorCase;
using jinja_testing::RenderCase;

TEST(JinjaMethods, AttributesItemsAndSlices) {
  const RenderCase cases[] = {
      {R"J({{ d.a }} {{ d['b']['c'] }} {{ d.b.c }} {{ m[0].role }} {{ m[0]['role'] }} {{ x.0 }} {{ x[-1] }}[{{ x[5] }}])J",
       R"J(1 2 2 user user 1 3[])J"},
      {R"J({{ d['items'] }} {{ d.nope }}[{{ d.nope|length }}][{{ d.nope|upper }}] {{ d.nope is defined }} {{ n.x is defined }})J",
       R"J(5 [0][] False False)J"},
      {R"J({{ x[1:] }} {{ x[:-1] }} {{ x[::2] }} {{ x[::-1] }} {{ x[5:] }} {{ x[-10:2] }} {{ (1, 2, 3)[1:] }})J",
       R"J([2, 3] [1, 2] [1, 3] [3, 2, 1] [] [1, 2] (2, 3))J"},
      {R"J({{ k[1:3] }} {{ k[::-1] }} {{ k[0] }} {{ k[-1] }} {{ 'abc'[1] }}[{{ 'abc'[5] }}])J",
       R"J(녕하 계세 요세하녕안 안 계 b[])J"},
  };
  for (const auto& c : cases) jinja_testing::expect_renders(c);
}

TEST(JinjaMethods, StringMethods) {
  const RenderCase cases[] = {
      {R"J({{ s.strip() }}|{{ s.lstrip() }}|{{ s.rstrip() }}|{{ '  x  '.strip(' x') }}|{{ 'xxaxx'.strip('x') }})J",
       R"J(Hello World|Hello World  |  Hello World||a)J"},
      {R"J({{ s.split() }} {{ s.split('o') }} {{ s.split('o', 1) }} {{ s.rsplit('o', 1) }} {{ 'a,b,,c'.split(',') }} {{ ''.split() }} {{ 'a b c'.split(none, 1) }})J",
       R"J(['Hello', 'World'] ['  Hell', ' W', 'rld  '] ['  Hell', ' World  '] ['  Hello W', 'rld  '] ['a', 'b', '', 'c'] [] ['a', 'b c'])J"},
      {R"J({{ s.replace('l', 'L') }} {{ s.replace('l', 'L', 2) }} {{ k.replace('세계', 'world') }} {{ 'ab'.replace('', '-') }})J",
       R"J(  HeLLo WorLd     HeLLo World   안녕하세요 world -a-b-)J"},
      {R"J({{ s.startswith('  H') }} {{ s.endswith(('x', '  ')) }} {{ s.find('o') }} {{ s.rfind('o') }} {{ s.count('l') }} {{ k.find('세') }})J",
       R"J(True True 6 9 3 3)J"},
      {R"J({{ s.upper() }} {{ s.lower() }} {{ s.title() }} {{ 'hELLO wORLD'.capitalize() }} {{ '1st place'.title() }})J",
       R"J(  HELLO WORLD     hello world     Hello World   Hello world 1St Place)J"},
      {R"J({{ '{} and {}'.format(1, 'a') }} {{ '{0:>5}|{1:.2f}|{name}|{0!r}'.format('x', 3.14159, name='n') }} {{ '{:05d}|{:^7}|{:+.1e}'.format(42, 'mid', 12345.678) }})J",
       R"J(1 and a     x|3.14|n|'x' 00042|  mid  |+1.2e+04)J"},
      {R"J({{ ', '.join(['a', 'b']) }} {{ 'a\nb\r\nc'.splitlines() }} {{ '42'.isdigit() }} {{ 'ab'.isalpha() }} {{ 'x'.center(5) }}|{{ '7'.zfill(3) }})J",
       R"J(a, b ['a', 'b', 'c'] True True   x  |007)J"},
      {R"J({{ 'think</think>answer'.split('</think>')[-1] }} {{ '\n\nx'.lstrip('\n') }} {{ 'pre-x'.removeprefix('pre-') }})J",
       R"J(answer x x)J"},
  };
  for (const auto& c : cases) jinja_testing::expect_renders(c);
}

TEST(JinjaMethods, DictAndListMethods) {
  const RenderCase cases[] = {
      {R"J({{ d.items()|list }} {{ d.keys()|list }} {{ d.values()|list }} {{ d.items()|length }})J",
       R"J([('a', 1), ('b', {'c': 2}), ('items', 5)] ['a', 'b', 'items'] [1, {'c': 2}, 5] 3)J"},
      {R"J({{ d.get('a') }} {{ d.get('zz') }} {{ d.get('zz', 5) }} {{ m[1].get('x', 0) }})J",
       R"J(1 None 5 1)J"},
      {R"J({% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %})J",
       R"J(a=1;b={'c': 2};items=5;)J"},
      {R"J({{ x.index(2) }} {{ x.count(1) }})J", R"J(1 1)J"},
  };
  for (const auto& c : cases) jinja_testing::expect_renders(c);
}

TEST(JinjaMethods, MissingAndRefusedAttributes) {
  const ErrorCase cases[] = {
      {R"J({{ nope.x }})J", R"J(UndefinedError)J", R"J('nope' is undefined)J"},
      {R"J({{ d.nope.x }})J", R"J(UndefinedError)J", R"J('dict object' has no attribute 'nope')J"},
      {R"J({{ n.x.y }})J", R"J(UndefinedError)J", R"J('None' has no attribute 'x')J"},
      {R"J({{ x.append(4) }})J", R"J(SecurityError)J",
       R"J(access to attribute 'append' of 'list' object is unsafe.)J"},
      {R"J({{ d.update({}) }})J", R"J(SecurityError)J",
       R"J(access to attribute 'update' of 'dict' object is unsafe.)J"},
      {R"J({{ d.pop('a') }})J", R"J(SecurityError)J",
       R"J(access to attribute 'pop' of 'dict' object is unsafe.)J"},
      {R"J({{ s.__class__() }})J", R"J(SecurityError)J",
       R"J(access to attribute '__class__' of 'str' object is unsafe.)J"},
      {R"J({{ nope() }})J", R"J(UndefinedError)J", R"J('nope' is undefined)J"},
      {R"J({{ d.a() }})J", R"J(TypeError)J", R"J('int' object is not callable)J"},
      {R"J({{ x.index(9) }})J", R"J(ValueError)J", R"J(9 is not in list)J"},
      {R"J({{ 'a'.split('') }})J", R"J(ValueError)J", R"J(empty separator)J"},
      {R"J({{ x[::0] }})J", R"J(ValueError)J", R"J(slice step cannot be zero)J"},
  };
  for (const auto& c : cases) jinja_testing::expect_fails(c);
}

TEST(JinjaMethods, GetPathFollowsDotsAndIndexes) {
  using jinja::Value;
  const Value v =
      jinja::value_from_json(nlohmann::ordered_json::parse(R"({"a": {"b": [10, 20]}})"));
  EXPECT_EQ(jinja::get_path(v, "a.b.1").integer, 20);
  EXPECT_TRUE(jinja::get_path(v, "a.c.d").is_undefined());
}

}  // namespace
}  // namespace tunedeck
