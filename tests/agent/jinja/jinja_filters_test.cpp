// Jinja's filters with jinja2's meaning and Python's output, tojson as transformers defines it
// (json.dumps, ensure_ascii=False). Expectations are Python jinja2's output.
#include "agent/jinja/jinja_filters.h"

#include <gtest/gtest.h>

#include "tests/agent/jinja/jinja_test_support.h"

namespace tunedeck {
namespace {

using jinja_testing::ErrorCase;
using jinja_testing::RenderCase;

TEST(JinjaFilters, Strings) {
  const RenderCase cases[] = {
      {R"J({{ s|trim }}|{{ s|trim('H ') }}|{{ s|upper }}|{{ s|lower }}|{{ s|title }}|{{ s|capitalize }})J",
       R"J(Hello World|ello World|  HELLO WORLD  |  hello world  |  Hello World  |  hello world  )J"},
      {R"J({{ 'a-b c(d'|title }} {{ 'hello world'|title }} {{ k|upper }} {{ 'Élan'|lower }})J",
       R"J(A-B C(D Hello World 안녕하세요 세계 élan)J"},
      {R"J({{ 'hello'|replace('l', 'L') }} {{ 'hello'|replace('l', 'L', 1) }} {{ 'one two  three'|wordcount }} {{ k|wordcount }})J",
       R"J(heLLo heLlo 3 2)J"},
      {R"J({{ 'a\nb\n\nc'|indent }}|{{ 'a\nb\n\nc'|indent(2, true) }}|{{ 'a\nb\n\nc'|indent(2, blank=true) }}|{{ 'x'|indent('> ', first=true) }})J",
       R"J(a
    b

    c|  a
  b

  c|a
  b
  
  c|> x)J"},
      {R"J({{ nope|default('dflt') }} {{ ''|default('dflt') }} {{ ''|default('dflt', true) }} {{ n|d('x', true) }} {{ d.nope|d(1) }})J",
       R"J(dflt  dflt x 1)J"},
      {R"J({{ nope|string }}|{{ 5|string }} {{ x|string }} {{ t|string }} {{ n|string }} {{ 1.5|string }})J",
       R"J(|5 [1, 2, 3] True None 1.5)J"},
      {R"J({{ '<b>'|e }} {{ '<b>'|safe }} {{ '<b>'|escape|escape }} {{ 'long text here'|truncate(9) }} {{ 'abc'|center(9) }}|)J",
       R"J(&lt;b&gt; <b> &lt;b&gt; long text here    abc   |)J"},
      {R"J({{ '%s and %s'|format('a', 1) }} {{ '%(x)s!'|format(x='y') }})J", R"J(a and 1 y!)J"},
  };
  for (const auto& c : cases) jinja_testing::expect_renders(c);
}

TEST(JinjaFilters, Sequences) {
  const RenderCase cases[] = {
      {R"J({{ x|join(', ') }} {{ x|join }} {{ m|join(',', attribute='role') }} {{ x|first }} {{ x|last }} {{ e|first }}|{{ k|first }} {{ k|last }})J",
       R"J(1, 2, 3 123 user,assistant 1 3 |안 계)J"},
      {R"J({{ x|length }} {{ k|length }} {{ d|length }} {{ nope|length }} {{ x|count }})J",
       R"J(3 8 3 0 3)J"},
      {R"J({{ x|list }} {{ 'abc'|list }} {{ d|list }} {{ nope|list }} {{ x|reverse|list }} {{ k|reverse }})J",
       R"J([1, 2, 3] ['a', 'b', 'c'] ['a', 'b', 'items'] [] [3, 2, 1] 계세 요세하녕안)J"},
      {R"J({{ d|items|list }} {{ nope|items|list }} {{ d|dictsort }} {{ d|dictsort(reverse=true) }} {{ {'b': 1, 'A': 2, 'a': 0}|dictsort }} {{ {'b': 1, 'a': 2}|dictsort(by='value') }})J",
       R"J([('a', 1), ('b', {'c': 2}), ('items', 5)] [] [('a', 1), ('b', {'c': 2}), ('items', 5)] [('items', 5), ('b', {'c': 2}), ('a', 1)] [('A', 2), ('a', 0), ('b', 1)] [('b', 1), ('a', 2)])J"},
      {R"J({{ x|sum }} {{ x|sum(start=10) }} {{ [{'v': 1}, {'v': 2.5}]|sum(attribute='v') }} {{ x|max }} {{ x|min }} {{ ['b', 'A']|max }} {{ e|max }}|)J",
       R"J(6 16 3.5 3 1 b |)J"},
      {R"J({{ x|batch(2)|list }} {{ x|batch(2, 0)|list }})J",
       R"J([[1, 2], [3]] [[1, 2], [3, 0]])J"},
  };
  for (const auto& c : cases) jinja_testing::expect_renders(c);
}

TEST(JinjaFilters, SelectMapAndSort) {
  const RenderCase cases[] = {
      {R"J({{ m|selectattr('role', 'equalto', 'user')|list }} {{ m|rejectattr('role', 'equalto', 'user')|map(attribute='content')|list }})J",
       R"J([{'role': 'user', 'content': 'hi'}] ['yo'])J"},
      {R"J({{ m|map(attribute='x')|list }} {{ m|map(attribute='x', default=0)|list }} {{ m|selectattr('x')|list|length }} {{ m|selectattr('x', 'defined')|list|length }})J",
       R"J([Undefined, 1] [0, 1] 1 1)J"},
      {R"J({{ n|selectattr('x')|list }} {{ nope|map('upper')|list }} {{ x|select('odd')|list }} {{ x|reject('odd')|list }} {{ ['a', 'b']|map('upper')|list }} {{ [1.5, 2]|map('int')|list }})J",
       R"J([] [] [1, 3] [2] ['A', 'B'] [1, 2])J"},
      {R"J({{ ['b', 'A', 'a', 'B']|unique|list }} {{ ['b', 'A', 'a', 'B']|unique(case_sensitive=true)|list }} {{ m|unique(attribute='role')|list|length }})J",
       R"J(['b', 'A'] ['b', 'A', 'a', 'B'] 2)J"},
      {R"J({{ ['b', 'A', 'a', 'c']|sort }} {{ ['b', 'A', 'a']|sort(case_sensitive=true) }} {{ [3, 1, 2]|sort(reverse=true) }} {{ m|sort(attribute='role', reverse=true)|map(attribute='role')|list }})J",
       R"J(['A', 'a', 'b', 'c'] ['A', 'a', 'b'] [3, 2, 1] ['user', 'assistant'])J"},
      {R"J({{ x|sort(attribute='a') }} {{ m|sort(attribute='role,content', reverse=true)|map(attribute='role')|list }} {{ [{'t': ['a', 'b']}, {'t': 'a'}]|selectattr('t', 'iterable')|list|length }})J",
       R"J([1, 2, 3] ['user', 'assistant'] 2)J"},
  };
  for (const auto& c : cases) jinja_testing::expect_renders(c);
}

TEST(JinjaFilters, Numbers) {
  const RenderCase cases[] = {
      {R"J({{ 3.7|int }} {{ '42'|int }} {{ 'x'|int }} {{ 'x'|int(-1) }} {{ 1.0|int }} {{ true|int }} {{ '0x1A'|int(base=16) }} {{ ' 12 '|int }} {{ '1e3'|int }} {{ '1_000'|int }})J",
       R"J(3 42 0 -1 1 1 26 12 1000 1000)J"},
      {R"J({{ '3.5'|float }} {{ 1|float }} {{ 'x'|float }} {{ 'nan'|float }} {{ '-inf'|float }})J",
       R"J(3.5 1.0 0.0 nan -inf)J"},
      {R"J({{ 2.5|round }} {{ 3.5|round }} {{ -2.5|round }} {{ 2.675|round(2) }} {{ 0.125|round(2) }} {{ 7|round }} {{ 2.1|round(0, 'ceil') }} {{ 2.9|round(0, 'floor') }} {{ f|round(1) }})J",
       R"J(2.0 4.0 -2.0 2.67 0.12 7 3.0 2.0 2.5)J"},
      {R"J({{ -3|abs }} {{ -2.5|abs }} {{ (-3)|abs }})J", R"J(3 2.5 3)J"},
  };
  for (const auto& c : cases) jinja_testing::expect_renders(c);
}

TEST(JinjaFilters, ToJsonIsPythonJsonDumps) {
  const RenderCase cases[] = {
      {R"J({{ d|tojson }} {{ x|tojson }} {{ k|tojson }} {{ f|tojson }} {{ n|tojson }} {{ t|tojson }} {{ 'q"\\\n\t'|tojson }})J",
       R"J({"a": 1, "b": {"c": 2}, "items": 5} [1, 2, 3] "안녕하세요 세계" 2.5 null true "q\"\\\n\t")J"},
      {R"J({{ d|tojson(indent=2) }})J",
       R"J({
  "a": 1,
  "b": {
    "c": 2
  },
  "items": 5
})J"},
      {R"J({{ m|tojson(indent=4) }} {{ e|tojson(indent=2) }} {{ {}|tojson(indent=2) }})J",
       R"J([
    {
        "role": "user",
        "content": "hi"
    },
    {
        "role": "assistant",
        "content": "yo",
        "x": 1
    }
] [] {})J"},
      {R"J({{ x|tojson(indent='\t') }} {{ d|tojson(sort_keys=true) }} {{ d|tojson(separators=(',', ':')) }})J",
       R"J([
	1,
	2,
	3
] {"a": 1, "b": {"c": 2}, "items": 5} {"a":1,"b":{"c":2},"items":5})J"},
      {R"J({{ k|tojson(true) }} {{ k|tojson(ensure_ascii=true) }} {{ ('a', 1)|tojson }} {{ {1: 'int key', none: 'none key'}|tojson }})J",
       R"J("\uc548\ub155\ud558\uc138\uc694 \uc138\uacc4" "\uc548\ub155\ud558\uc138\uc694 \uc138\uacc4" ["a", 1] {"1": "int key", "null": "none key"})J"},
      {R"J({{ 1.0|tojson }} {{ 1e20|tojson }} {{ 0.1|tojson }} {{ '<b>&'|tojson }} {{ 'a\u0001b'|tojson }} {{ '😀'|tojson }} {{ '😀'|tojson(true) }})J",
       R"J(1.0 1e+20 0.1 "<b>&" "a\u0001b" "😀" "\ud83d\ude00")J"},
  };
  for (const auto& c : cases) jinja_testing::expect_renders(c);
}

TEST(JinjaFilters, Failures) {
  const ErrorCase cases[] = {
      {R"J({{ nope|tojson }})J", R"J(TypeError)J",
       R"J(Object of type Undefined is not JSON serializable)J"},
      {R"J({{ d.nope|tojson }})J", R"J(TypeError)J",
       R"J(Object of type Undefined is not JSON serializable)J"},
      {R"J({{ 5|length }})J", R"J(TypeError)J", R"J(object of type 'int' has no len())J"},
      {R"J({{ x|items|list }})J", R"J(TypeError)J", R"J(Can only get item pairs from a mapping.)J"},
      {R"J({{ 'a'|abs }})J", R"J(TypeError)J", R"J(bad operand type for abs(): 'str')J"},
      {R"J({{ nope|abs }})J", R"J(TypeError)J", R"J(bad operand type for abs(): 'Undefined')J"},
      {R"J({{ 'a'|round }})J", R"J(TypeError)J", R"J(type str doesn't define __round__ method)J"},
      {R"J({{ x|join(attribute='q')|upper }}{{ x[0].q.r }})J", R"J(UndefinedError)J",
       R"J('int object' has no attribute 'q')J"},
      {R"J({{ [1, 'a']|sort }})J", R"J(TypeError)J",
       R"J('<' not supported between instances of 'str' and 'int')J"},
      {R"J({{ x|unknown_filter }})J", R"J(TemplateAssertionError)J",
       R"J(No filter named 'unknown_filter'.)J"},
      {R"J({{ x|selectattr('a', 'nosuchtest')|list }})J", R"J(TemplateRuntimeError)J",
       R"J(No test named 'nosuchtest'.)J"},
      {R"J({{ m|sum(attribute='x') }})J", R"J(UndefinedError)J",
       R"J('dict object' has no attribute 'x')J"},
  };
  for (const auto& c : cases) jinja_testing::expect_fails(c);
}

TEST(JinjaFilters, KnowsItsNames) {
  EXPECT_TRUE(jinja::filter_exists("tojson"));
  EXPECT_TRUE(jinja::filter_exists("d"));
  EXPECT_FALSE(jinja::filter_exists("nope"));
  EXPECT_THROW(jinja::apply_filter("nope", jinja::Value::none(), {}), JinjaError);
}

}  // namespace
}  // namespace tunedeck
