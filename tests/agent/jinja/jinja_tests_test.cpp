// Jinja's tests (`x is NAME`) with jinja2's meaning: an undefined value is iterable, a bool is
// a number but not an integer. Expectations are Python jinja2's output.
#include "agent/jinja/jinja_tests.h"

#include <gtest/gtest.h>

#include "tests/agent/jinja/jinja_test_support.h"

namespace tunedeck {
namespace {

using jinja_testing::ErrorCase;
using jinja_testing::RenderCase;

TEST(JinjaTests, TypesAndValues) {
  const RenderCase cases[] = {
      {R"J({{ nope is defined }} {{ nope is undefined }} {{ x is defined }} {{ n is none }} {{ n is not none }} {{ d.nope is defined }} {{ m[0].content is defined }})J",
       R"J(False True True True False False True)J"},
      {R"J({{ x is iterable }} {{ nope is iterable }} {{ 1 is iterable }} {{ s is iterable }} {{ d is iterable }} {{ x is sequence }} {{ d is sequence }} {{ 1 is sequence }})J",
       R"J(True True False True True True True False)J"},
      {R"J({{ d is mapping }} {{ x is mapping }} {{ s is string }} {{ 1 is string }} {{ '<'|safe is string }})J",
       R"J(True False True False True)J"},
      {R"J({{ 1 is number }} {{ 1.5 is number }} {{ true is number }} {{ 1 is integer }} {{ true is integer }} {{ 1.5 is float }} {{ 1 is float }})J",
       R"J(True True True True False True False)J"},
      {R"J({{ true is boolean }} {{ 1 is boolean }} {{ true is true }} {{ 1 is true }} {{ false is false }} {{ n is false }})J",
       R"J(True False True False True False)J"},
      {R"J({{ 3 is odd }} {{ 4 is even }} {{ 9 is divisibleby 3 }} {{ 9 is divisibleby(4) }} {{ s is lower }} {{ 'AB' is upper }} {{ 'aB' is upper }})J",
       R"J(True True True False False True False)J"},
      {R"J({{ 1 is equalto 1 }} {{ 1 is eq 2 }} {{ 1 is ne 2 }} {{ 1 is lt 2 }} {{ 2 is le 2 }} {{ 3 is gt 2 }} {{ 2 is ge 3 }} {{ 'a' is in 'abc' }} {{ 4 is in x }})J",
       R"J(True False True True True True False True False)J"},
      {R"J({{ n is sameas none }} {{ true is sameas true }} {{ range is callable }} {{ x is callable }} {{ '<'|safe is escaped }} {{ 'x' is escaped }})J",
       R"J(True True True False True False)J"},
      {R"J({{ 'upper' is filter }} {{ 'defined' is test }} {{ 'nope' is filter }})J",
       R"J(True True False)J"},
      {R"J({{ 'a' if x is defined else 'b' }} {{ not x is defined }} {{ x is not string and x is iterable }})J",
       R"J(a False True)J"},
  };
  for (const auto& c : cases) jinja_testing::expect_renders(c);
}

TEST(JinjaTests, Failures) {
  const ErrorCase cases[] = {
      {R"J({{ nope is odd }})J", R"J(UndefinedError)J", R"J('nope' is undefined)J"},
      {R"J({{ 'a' is odd }})J", R"J(TypeError)J",
       R"J(not all arguments converted during string formatting)J"},
      {R"J({{ 1 is lt 'a' }})J", R"J(TypeError)J",
       R"J('<' not supported between instances of 'int' and 'str')J"},
      {R"J({{ 1 is gt 'a' }})J", R"J(TypeError)J",
       R"J('>' not supported between instances of 'int' and 'str')J"},
      {R"J({{ 1 is ge none }})J", R"J(TypeError)J",
       R"J('>=' not supported between instances of 'int' and 'NoneType')J"},
      {R"J({{ x is nosuchtest }})J", R"J(TemplateAssertionError)J",
       R"J(No test named 'nosuchtest'.)J"},
      {R"J({{ 1 is equalto }})J", R"J(TypeError)J", R"J(eq expected 2 arguments, got 1)J"},
  };
  for (const auto& c : cases) jinja_testing::expect_fails(c);
}

TEST(JinjaTests, KnowsItsNames) {
  EXPECT_TRUE(jinja::test_exists("defined"));
  EXPECT_TRUE(jinja::test_exists("=="));
  EXPECT_FALSE(jinja::test_exists("nope"));
}

}  // namespace
}  // namespace tunedeck
