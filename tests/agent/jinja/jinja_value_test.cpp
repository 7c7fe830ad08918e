// Values as Python sees them: printing (str and repr, floats in their shortest form), truth,
// equality across int/float/bool, ordering and its TypeError, iteration and len().
#include "agent/jinja/jinja_value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "agent/jinja/jinja_error.h"

namespace tunedeck {
namespace {

using jinja::Value;

TEST(JinjaValue, FloatReprMatchesPython) {
  const std::pair<double, const char*> cases[] = {
      {1.0, "1.0"},
      {0.1, "0.1"},
      {0.1 + 0.2, "0.30000000000000004"},
      {1e16, "1e+16"},
      {1e15, "1000000000000000.0"},
      {1.5e-5, "1.5e-05"},
      {0.0001, "0.0001"},
      {-2.5, "-2.5"},
      {123456789.0, "123456789.0"},
      {5e-324, "5e-324"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
      {-0.0, "-0.0"},
      {std::numeric_limits<double>::infinity(), "inf"},
      {std::nan(""), "nan"},
      {2.5e-7, "2.5e-07"},
      {12345.678, "12345.678"}};
  for (const auto& [value, text] : cases) EXPECT_EQ(jinja::float_repr(value), text) << value;
}

TEST(JinjaValue, PrintsAsPython) {
  const Value list =
      Value::from_list({Value::from_int(1), Value::from_string("it's"), Value::none(),
                        Value::from_bool(true), Value::from_float(2.0)});
  EXPECT_EQ(jinja::to_str(list), "[1, \"it's\", None, True, 2.0]");
  EXPECT_EQ(jinja::to_str(Value::from_list({Value::from_int(1)}, true)), "(1,)");
  jinja::Dict d;
  d.set(Value::from_string("k"), Value::from_string("a\nb"));
  d.set(Value::from_int(2), Value::from_list({}));
  EXPECT_EQ(jinja::to_str(Value::from_dict(d)), "{'k': 'a\\nb', 2: []}");
  EXPECT_EQ(jinja::to_str(Value::undefined("x")), "");
  EXPECT_EQ(jinja::to_repr(Value::from_string("<", true)), "Markup('<')");
  EXPECT_EQ(jinja::string_repr("both ' and \""), "'both \\' and \"'");
  EXPECT_EQ(jinja::string_repr("\x01\xc2\xa0한"), "'\\x01\\xa0한'");
}

TEST(JinjaValue, TruthAndEquality) {
  EXPECT_FALSE(jinja::truthy(Value::undefined("x")));
  EXPECT_FALSE(jinja::truthy(Value::from_string("")));
  EXPECT_FALSE(jinja::truthy(Value::from_float(0.0)));
  EXPECT_TRUE(jinja::truthy(Value::from_list({Value::none()})));
  EXPECT_TRUE(jinja::equals(Value::from_int(1), Value::from_float(1.0)));
  EXPECT_TRUE(jinja::equals(Value::from_int(1), Value::from_bool(true)));
  EXPECT_FALSE(jinja::equals(Value::from_list({}), Value::from_list({}, true)));
  EXPECT_TRUE(jinja::equals(Value::undefined("a"), Value::undefined("b")));
  EXPECT_FALSE(jinja::equals(Value::from_string("1"), Value::from_int(1)));
}

TEST(JinjaValue, OrderingRefusesMixedTypes) {
  EXPECT_TRUE(jinja::less_than(Value::from_int(1), Value::from_float(1.5)));
  EXPECT_TRUE(jinja::less_than(Value::from_string("a"), Value::from_string("가")));
  try {
    jinja::less_than(Value::from_string("a"), Value::from_int(1));
    FAIL();
  } catch (const JinjaError& e) {
    EXPECT_EQ(e.kind(), "TypeError");
    EXPECT_EQ(e.message(), "'<' not supported between instances of 'str' and 'int'");
  }
}

TEST(JinjaValue, IterationAndLength) {
  EXPECT_EQ(jinja::iterate(Value::from_string("한a")).size(), 2u);
  EXPECT_TRUE(jinja::iterate(Value::undefined("x")).empty());
  EXPECT_EQ(jinja::length(Value::from_string("한글")), 2);
  EXPECT_THROW(jinja::iterate(Value::from_int(3)), JinjaError);
  EXPECT_THROW(jinja::length(Value::none()), JinjaError);
}

TEST(JinjaValue, BoundArgsBindsAsPython) {
  jinja::CallArgs args;
  args.positional.push_back(Value::from_int(1));
  args.named.emplace_back("c", Value::from_int(3));
  const jinja::BoundArgs bound(args, "f", {"a", "b", "c"});
  EXPECT_EQ(bound.get(0).integer, 1);
  EXPECT_FALSE(bound.has(1));
  EXPECT_EQ(bound.int_or(2, 0), 3);
  args.named.emplace_back("zz", Value::none());
  EXPECT_THROW(jinja::BoundArgs(args, "f", {"a", "b", "c"}), JinjaError);
  EXPECT_THROW(jinja::BoundArgs(args, "f", {}), JinjaError);
}

}  // namespace
}  // namespace tunedeck
