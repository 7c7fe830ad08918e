// JSON in and out: the context keeps its key order, and tojson writes what Python's json.dumps
// writes (separators, indent, ensure_ascii, sort_keys, floats, escapes).
#include "agent/jinja/jinja_json.h"

#include <gtest/gtest.h>

#include "agent/jinja/jinja_error.h"

namespace tunedeck {
namespace {

using jinja::JsonDumpOptions;
using nlohmann::ordered_json;

std::string dumps(const std::string& json_text, const JsonDumpOptions& options = {}) {
  return jinja::json_dumps(jinja::value_from_json(ordered_json::parse(json_text)), options);
}

TEST(JinjaJson, DumpsLikePython) {
  EXPECT_EQ(dumps(R"({"z": 1, "a": [1.0, 2.5, true, null, "é\n\u0001"]})"),
            R"({"z": 1, "a": [1.0, 2.5, true, null, "é\n\u0001"]})");
  JsonDumpOptions indented;
  indented.indent = "  ";
  EXPECT_EQ(dumps(R"({"a": [1, {}], "b": []})", indented),
            "{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": []\n}");
  JsonDumpOptions ascii;
  ascii.ensure_ascii = true;
  EXPECT_EQ(dumps(R"(["한", "😀"])", ascii), R"(["\ud55c", "\ud83d\ude00"])");
  JsonDumpOptions compact;
  compact.item_separator = ",";
  compact.key_separator = ":";
  compact.sort_keys = true;
  EXPECT_EQ(dumps(R"({"b": 1, "a": {"d": 2, "c": 3}})", compact), R"({"a":{"c":3,"d":2},"b":1})");
  EXPECT_EQ(dumps(R"(1e20)"), "1e+20");
}

TEST(JinjaJson, KeepsKeyOrderAndNumbers) {
  const ordered_json j = ordered_json::parse(
      R"({"type": "function", "function": {"name": "f"}, "n": 18446744073709551615})");
  const jinja::Value v = jinja::value_from_json(j);
  ASSERT_TRUE(v.is_dict());
  EXPECT_EQ(v.dict->entries[0].first.text, "type");
  EXPECT_EQ(v.dict->entries[2].second.kind, jinja::Value::Kind::kFloat);  // past int64: a float
  EXPECT_EQ(jinja::value_to_json(v).dump(),
            ordered_json::parse(
                R"({"type": "function", "function": {"name": "f"}, "n": 1.8446744073709552e19})")
                .dump());
}

TEST(JinjaJson, RefusesWhatJsonCannotHold) {
  try {
    jinja::json_dumps(jinja::Value::undefined("x"), {});
    FAIL();
  } catch (const JinjaError& e) {
    EXPECT_EQ(e.kind(), "TypeError");
    EXPECT_EQ(e.message(), "Object of type Undefined is not JSON serializable");
  }
  jinja::Dict d;
  d.set(jinja::Value::from_list({}, true), jinja::Value::none());
  EXPECT_THROW(jinja::json_dumps(jinja::Value::from_dict(d), {}), JinjaError);
}

}  // namespace
}  // namespace tunedeck
