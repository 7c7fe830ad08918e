// JSON in and out of the Jinja engine: the render context (nlohmann::ordered_json, whose objects
// keep their key order as Python's dicts do) becomes Values, and `tojson` writes Values the way
// Python's json.dumps does (transformers' tojson: ensure_ascii=False, indent, separators,
// sort_keys). Not a JSON parser. Pure functions; thread-safe.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "agent/jinja/jinja_value.h"

namespace tunedeck::jinja {

Value value_from_json(const nlohmann::ordered_json& j);
// Undefined becomes null; tuples become arrays; a non-string dict key is written as str(key);
// callables and objects become their str().
nlohmann::ordered_json value_to_json(const Value& v);

struct JsonDumpOptions {
  bool ensure_ascii = false;                  // true: non-ASCII as \uXXXX
  std::optional<std::string> indent;          // none: one line; else the text of one indent level
  std::optional<std::string> item_separator;  // default ", " (one line) or "," (indented)
  std::string key_separator = ": ";
  bool sort_keys = false;
};

// json.dumps(v, ...). Throws TypeError "Object of type Undefined is not JSON serializable" (and
// the like) for what JSON cannot hold.
std::string json_dumps(const Value& v, const JsonDumpOptions& options);

}  // namespace tunedeck::jinja
