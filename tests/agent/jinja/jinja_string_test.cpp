// Python's str operations over UTF-8: counted in code points, Python's whitespace, split and
// splitlines rules, case mapping of the scripts covered.
#include "agent/jinja/jinja_string.h"

#include <gtest/gtest.h>

#include "agent/jinja/jinja_error.h"

namespace tunedeck {
namespace {

using Parts = std::vector<std::string>;

TEST(JinjaString, DecodesAndCountsCodePoints) {
  EXPECT_EQ(jinja::code_point_count("안녕 a"), 4);
  EXPECT_EQ(jinja::utf8_encode(jinja::utf8_decode("é한😀")), "é한😀");
  EXPECT_EQ(jinja::utf8_decode("\xff").size(), 1u);  // an invalid byte is one replacement character
  EXPECT_EQ(jinja::utf8_decode("\xe2\x82").size(), 2u);
}

TEST(JinjaString, StripsPythonWhitespace) {
  EXPECT_EQ(jinja::py_strip("\u3000\t x \xc2\xa0\n", std::nullopt, true, true), "x");
  EXPECT_EQ(jinja::py_strip("  x  ", std::nullopt, true, false), "x  ");
  EXPECT_EQ(jinja::py_strip("xxaxx", std::string("x"), true, true), "a");
  EXPECT_EQ(jinja::py_strip("세계세", std::string("세"), true, true), "계");
}

TEST(JinjaString, SplitsAsPython) {
  EXPECT_EQ(jinja::py_split("a,b,,c", std::string(","), -1), (Parts{"a", "b", "", "c"}));
  EXPECT_EQ(jinja::py_split("  a  b c ", std::nullopt, -1), (Parts{"a", "b", "c"}));
  EXPECT_EQ(jinja::py_split("  a  b c ", std::nullopt, 1), (Parts{"a", "b c"}));
  EXPECT_EQ(jinja::py_split("", std::nullopt, -1), Parts{});
  EXPECT_EQ(jinja::py_split("", std::string(","), -1), Parts{""});
  EXPECT_EQ(jinja::py_rsplit("a b c", std::nullopt, 1), (Parts{"a b", "c"}));
  EXPECT_EQ(jinja::py_rsplit("a,b,c", std::string(","), 1), (Parts{"a,b", "c"}));
  EXPECT_THROW(jinja::py_split("a", std::string(""), -1), JinjaError);
}

TEST(JinjaString, SplitsLines) {
  EXPECT_EQ(jinja::py_splitlines("a\r\nb\rc\n\nd", false), (Parts{"a", "b", "c", "", "d"}));
  EXPECT_EQ(jinja::py_splitlines("a\nb\n", true), (Parts{"a\n", "b\n"}));
  EXPECT_EQ(jinja::py_splitlines("a\u2028b", false), (Parts{"a", "b"}));
}

TEST(JinjaString, Replaces) {
  EXPECT_EQ(jinja::py_replace("hello", "l", "L", -1), "heLLo");
  EXPECT_EQ(jinja::py_replace("hello", "l", "L", 1), "heLlo");
  EXPECT_EQ(jinja::py_replace("한글", "", "-", -1), "-한-글-");
}

TEST(JinjaString, MapsCase) {
  EXPECT_EQ(jinja::py_upper("straße élan ωμέγα мир"), "STRAßE ÉLAN ΩΜΈΓΑ МИР");
  EXPECT_EQ(jinja::py_lower("ÉLAN МИР"), "élan мир");
  EXPECT_EQ(jinja::py_title("hello wORLD 1st x-ray"), "Hello World 1St X-Ray");
  EXPECT_EQ(jinja::py_capitalize("hELLO World"), "Hello world");
}

TEST(JinjaString, FindsInCodePoints) {
  EXPECT_EQ(jinja::py_find("안녕 a a", "a", false), 3);
  EXPECT_EQ(jinja::py_find("안녕 a a", "a", true), 5);
  EXPECT_EQ(jinja::py_find("abc", "z", false), -1);
  EXPECT_EQ(jinja::py_count("aaa", "a"), 3);
  EXPECT_EQ(jinja::py_count("ab", ""), 3);
}

}  // namespace
}  // namespace tunedeck
