// Argument validation against the JSON-schema subset tools use, and the check of the schemas
// themselves (user tools declare theirs in TOML).
#include "agent/json_schema.h"

#include <gtest/gtest.h>

namespace tunedeck {
namespace {

using nlohmann::json;

const json& lookup_schema() {
  static const json schema = json::parse(R"({
    "type": "object",
    "properties": {
      "date": {"type": "string", "description": "YYYY-MM-DD"},
      "days": {"type": "integer", "minimum": -10, "maximum": 10},
      "ratio": {"type": "number", "minimum": 0, "maximum": 1},
      "unit": {"type": "string", "enum": ["day", "week"]},
      "exact": {"type": "boolean"},
      "tags": {"type": "array", "items": {"type": "string"}},
      "range": {"type": "object", "properties": {"from": {"type": "string"}},
                "required": ["from"], "additionalProperties": false}
    },
    "required": ["date"],
    "additionalProperties": false
  })");
  return schema;
}

std::string violation(const json& arguments, const json& schema = lookup_schema()) {
  try {
    json_schema_validate(schema, arguments);
  } catch (const JsonSchemaError& e) {
    return e.what();
  }
  return "";
}

TEST(JsonSchema, AcceptsValidArguments) {
  EXPECT_EQ(violation({{"date", "2026-01-01"}}), "");
  EXPECT_EQ(violation(json::parse(R"({"date": "x", "days": -10, "ratio": 0.5, "unit": "week",
      "exact": true, "tags": ["a", "b"], "range": {"from": "y"}})")),
            "");
  EXPECT_EQ(violation({{"date", "x"}, {"ratio", 1}}), "");  // an integer is a number
}

TEST(JsonSchema, NamesTheArgumentAndTheProblem) {
  EXPECT_EQ(violation(json::object()), "missing required argument 'date'");
  EXPECT_EQ(violation({{"date", 5}}), "argument 'date': expected a string, got integer 5");
  EXPECT_EQ(violation({{"date", "x"}, {"days", "3"}}),
            "argument 'days': expected an integer, got string \"3\"");
  EXPECT_EQ(violation({{"date", "x"}, {"days", 3.0}}),
            "argument 'days': expected an integer, got number 3.0");
  EXPECT_EQ(violation({{"date", "x"}, {"days", 11}}),
            "argument 'days': 11 is above the maximum 10");
  EXPECT_EQ(violation({{"date", "x"}, {"days", -11}}),
            "argument 'days': -11 is below the minimum -10");
  EXPECT_EQ(violation({{"date", "x"}, {"ratio", 1.5}}),
            "argument 'ratio': 1.5 is above the maximum 1");
  EXPECT_EQ(violation({{"date", "x"}, {"unit", "month"}}),
            "argument 'unit': \"month\" is not one of \"day\", \"week\"");
  EXPECT_EQ(violation({{"date", "x"}, {"exact", "yes"}}),
            "argument 'exact': expected a boolean, got string \"yes\"");
  EXPECT_EQ(violation({{"date", "x"}, {"tags", {"a", 2}}}),
            "argument 'tags[1]': expected a string, got integer 2");
  EXPECT_EQ(violation({{"date", "x"}, {"range", json::object()}}),
            "missing required argument 'range.from'");
  EXPECT_EQ(violation({{"date", "x"}, {"range", {{"from", "a"}, {"to", "b"}}}}),
            "unexpected argument 'range.to' (allowed: from)");
  EXPECT_EQ(violation({{"date", "x"}, {"when", "now"}}),
            "unexpected argument 'when' (allowed: date, days, exact, range, ratio, tags, unit)");
  EXPECT_EQ(violation(json::array()), "arguments: expected an object, got array []");
  EXPECT_EQ(violation(nullptr), "arguments: expected an object, got null");
}

TEST(JsonSchema, LongValuesAreCutInMessages) {
  EXPECT_EQ(violation({{"date", 1}, {"days", std::string(500, 'x')}}),
            "argument 'date': expected a string, got integer 1");
  EXPECT_EQ(violation({{"date", "x"}, {"days", std::string(100, 'x')}}),
            "argument 'days': expected an integer, got string \"" + std::string(56, 'x') + "...");
}

TEST(JsonSchema, OpenObjectsAllowExtraArguments) {
  const json open = {{"type", "object"}, {"properties", {{"a", {{"type", "string"}}}}}};
  EXPECT_EQ(violation({{"a", "x"}, {"b", 1}}, open), "");
}

TEST(JsonSchema, CheckAcceptsTheSupportedSubset) {
  EXPECT_NO_THROW(json_schema_check(lookup_schema(), "parameters"));
  EXPECT_NO_THROW(json_schema_check({{"type", "object"}}, "parameters"));
}

TEST(JsonSchema, CheckRejectsWhatItCannotValidate) {
  auto problem = [](const json& schema) -> std::string {
    try {
      json_schema_check(schema, "parameters");
    } catch (const JsonSchemaError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_EQ(problem(json::parse(R"({"type": "object", "properties": {"d": {"type": "string",
      "format": "date"}}})")),
            "parameters.properties.d: unsupported schema keyword 'format' (supported: "
            "additionalProperties, default, description, enum, items, maximum, minimum, "
            "properties, required, title, type)");
  EXPECT_EQ(problem({{"type", "datetime"}}),
            "parameters: 'type' must be one of array, boolean, integer, null, number, object, "
            "string, found \"datetime\"");
  EXPECT_EQ(problem({{"type", "object"}, {"required", {"x"}}}),
            "parameters: required property 'x' is not declared in 'properties'");
  EXPECT_EQ(problem({{"type", "object"}, {"additionalProperties", {{"type", "string"}}}}),
            "parameters: 'additionalProperties' must be true or false");
  EXPECT_EQ(problem({{"enum", json::array()}}), "parameters: 'enum' must be a non-empty array");
  EXPECT_EQ(problem({{"type", "integer"}, {"minimum", "0"}}),
            "parameters: 'minimum' must be a number");
  EXPECT_EQ(problem("object"), "parameters: a schema must be a JSON object");
}

TEST(JsonSchema, DescribeForPeople) {
  EXPECT_EQ(json_schema_describe({{"type", "integer"}, {"minimum", -5}, {"maximum", 5}}),
            "integer -5..5");
  EXPECT_EQ(json_schema_describe({{"type", "number"}, {"minimum", 0}}), "number >= 0");
  EXPECT_EQ(json_schema_describe({{"type", "string"}, {"enum", {"a", "b"}}}),
            "string, one of: \"a\", \"b\"");
  EXPECT_EQ(json_schema_describe({{"type", "array"}, {"items", {{"type", "string"}}}}),
            "array of string");
  EXPECT_EQ(json_schema_describe(json::object()), "any");
}

}  // namespace
}  // namespace tunedeck
