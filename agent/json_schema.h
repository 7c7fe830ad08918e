// Validation of tool arguments against the subset of JSON schema tools use: type (object, string,
// integer, number, boolean, array, null), properties, required, enum, minimum, maximum, items,
// additionalProperties (true/false); description/title/default are accepted and ignored.
// Not a general JSON-schema implementation ($ref, oneOf, format, patterns are refused by check).
// Pure functions; thread-safe.
#pragma once
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace tunedeck {

// The message names the argument and what is wrong:
//   "argument 'days': expected an integer, got string \"3\""
//   "missing required argument 'date'"
//   "unexpected argument 'when' (allowed: date, days)"
struct JsonSchemaError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws JsonSchemaError when `schema` uses something outside the supported subset or is
// malformed; `where` prefixes the message ("tool 'lookup' parameters").
void json_schema_check(const nlohmann::json& schema, const std::string& where);

// Throws JsonSchemaError on the first way `arguments` breaks `schema`.
// "integer" means a JSON integer literal: 3 passes, 3.0 and "3" do not.
void json_schema_validate(const nlohmann::json& schema, const nlohmann::json& arguments);

// One line for people: "integer -100000..100000", "string, one of: \"a\", \"b\"", "any".
std::string json_schema_describe(const nlohmann::json& schema);

}  // namespace tunedeck
