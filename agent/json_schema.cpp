#include "agent/json_schema.h"

#include <set>

namespace tunedeck {
namespace {

using nlohmann::json;

const std::set<std::string>& supported_keywords() {
  static const std::set<std::string> kKeywords = {"type",
                                                  "properties",
                                                  "required",
                                                  "enum",
                                                  "minimum",
                                                  "maximum",
                                                  "items",
                                                  "description",
                                                  "title",
                                                  "default",
                                                  "additionalProperties"};
  return kKeywords;
}

const std::set<std::string>& supported_types() {
  static const std::set<std::string> kTypes = {"object",  "string", "integer", "number",
                                               "boolean", "array",  "null"};
  return kTypes;
}

std::string join(const std::set<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

// A value as it appears in messages, cut so one huge argument cannot flood the model's context.
std::string shown(const json& value) {
  std::string text = value.dump();
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return text;
}

std::string kind_of(const json& value) {
  if (value.is_number_integer()) return "integer";
  if (value.is_number()) return "number";
  if (value.is_string()) return "string";
  if (value.is_boolean()) return "boolean";
  if (value.is_null()) return "null";
  if (value.is_array()) return "array";
  return "object";
}

// "\"a\", \"b\"" for an enum's options.
std::string listed_options(const json& options) {
  std::string text;
  for (const json& option : options) text += (text.empty() ? "" : ", ") + option.dump();
  return text;
}

std::string with_article(const std::string& type) {
  const bool vowel = !type.empty() && std::string("aeiou").find(type[0]) != std::string::npos;
  return (vowel ? "an " : "a ") + type;
}

bool has_type(const json& value, const std::string& type) {
  if (type == "object") return value.is_object();
  if (type == "string") return value.is_string();
  if (type == "integer") return value.is_number_integer();
  if (type == "number") return value.is_number();
  if (type == "boolean") return value.is_boolean();
  if (type == "array") return value.is_array();
  return value.is_null();
}

// ---- json_schema_check ----

void check_node(const json& schema, const std::string& where);

void check_object_keywords(const json& schema, const std::string& where) {
  if (schema.contains("properties")) {
    const json& properties = schema["properties"];
    if (!properties.is_object())
      throw JsonSchemaError(where + ": 'properties' must be an object of schemas");
    for (const auto& [name, property] : properties.items())
      check_node(property, where + ".properties." + name);
  }
  if (schema.contains("required")) {
    const json& required = schema["required"];
    if (!required.is_array())
      throw JsonSchemaError(where + ": 'required' must be an array of property names");
    for (const json& name : required) {
      if (!name.is_string())
        throw JsonSchemaError(where + ": 'required' must hold strings, found " + shown(name));
      if (!schema.contains("properties") || !schema["properties"].contains(name.get<std::string>()))
        throw JsonSchemaError(where + ": required property '" + name.get<std::string>() +
                              "' is not declared in 'properties'");
    }
  }
  if (schema.contains("additionalProperties") && !schema["additionalProperties"].is_boolean())
    throw JsonSchemaError(where + ": 'additionalProperties' must be true or false");
}

void check_node(const json& schema, const std::string& where) {
  if (!schema.is_object()) throw JsonSchemaError(where + ": a schema must be a JSON object");
  for (const auto& [keyword, value] : schema.items())
    if (!supported_keywords().count(keyword))
      throw JsonSchemaError(where + ": unsupported schema keyword '" + keyword +
                            "' (supported: " + join(supported_keywords()) + ")");
  if (schema.contains("type")) {
    const json& type = schema["type"];
    if (!type.is_string() || !supported_types().count(type.get<std::string>()))
      throw JsonSchemaError(where + ": 'type' must be one of " + join(supported_types()) +
                            ", found " + shown(type));
  }
  if (schema.contains("enum") && (!schema["enum"].is_array() || schema["enum"].empty()))
    throw JsonSchemaError(where + ": 'enum' must be a non-empty array");
  for (const char* bound : {"minimum", "maximum"})
    if (schema.contains(bound) && !schema[bound].is_number())
      throw JsonSchemaError(where + ": '" + bound + "' must be a number");
  if (schema.contains("items")) check_node(schema["items"], where + ".items");
  check_object_keywords(schema, where);
}

// ---- json_schema_validate ----

// How the value at `path` is named: the whole arguments object, or one argument inside it.
std::string subject(const std::string& path) {
  return path.empty() ? "arguments" : "argument '" + path + "'";
}

std::string child_path(const std::string& path, const std::string& name) {
  return path.empty() ? name : path + "." + name;
}

void validate_node(const json& schema, const json& value, const std::string& path);

void validate_object(const json& schema, const json& value, const std::string& path) {
  const json no_properties = json::object();
  const json& properties = schema.contains("properties") ? schema["properties"] : no_properties;
  if (schema.contains("required"))
    for (const json& name : schema["required"])
      if (!value.contains(name.get<std::string>()))
        throw JsonSchemaError("missing required argument '" +
                              child_path(path, name.get<std::string>()) + "'");
  const bool closed = schema.value("additionalProperties", true) == false;
  for (const auto& [name, item] : value.items()) {
    if (properties.contains(name)) {
      validate_node(properties[name], item, child_path(path, name));
    } else if (closed) {
      std::set<std::string> allowed;
      for (const auto& [known, ignored] : properties.items()) allowed.insert(known);
      throw JsonSchemaError("unexpected argument '" + child_path(path, name) + "' (allowed: " +
                            (allowed.empty() ? std::string("none") : join(allowed)) + ")");
    }
  }
}

void validate_bounds(const json& schema, const json& value, const std::string& path) {
  if (schema.contains("minimum") && value.get<double>() < schema["minimum"].get<double>())
    throw JsonSchemaError(subject(path) + ": " + shown(value) + " is below the minimum " +
                          schema["minimum"].dump());
  if (schema.contains("maximum") && value.get<double>() > schema["maximum"].get<double>())
    throw JsonSchemaError(subject(path) + ": " + shown(value) + " is above the maximum " +
                          schema["maximum"].dump());
}

void validate_node(const json& schema, const json& value, const std::string& path) {
  if (schema.contains("type")) {
    const std::string type = schema["type"].get<std::string>();
    if (!has_type(value, type))
      throw JsonSchemaError(subject(path) + ": expected " + with_article(type) + ", got " +
                            (value.is_null() ? "null" : kind_of(value) + " " + shown(value)));
  }
  if (schema.contains("enum")) {
    bool listed = false;
    for (const json& option : schema["enum"]) listed = listed || option == value;
    if (!listed)
      throw JsonSchemaError(subject(path) + ": " + shown(value) + " is not one of " +
                            listed_options(schema["enum"]));
  }
  if (value.is_number()) validate_bounds(schema, value, path);
  if (value.is_object()) validate_object(schema, value, path);
  if (value.is_array() && schema.contains("items"))
    for (size_t i = 0; i < value.size(); ++i)
      validate_node(schema["items"], value[i], path + "[" + std::to_string(i) + "]");
}

}  // namespace

void json_schema_check(const json& schema, const std::string& where) { check_node(schema, where); }

void json_schema_validate(const json& schema, const json& arguments) {
  validate_node(schema, arguments, "");
}

std::string json_schema_describe(const json& schema) {
  std::string text = schema.contains("type") ? schema["type"].get<std::string>() : "any";
  const bool has_min = schema.contains("minimum"), has_max = schema.contains("maximum");
  if (has_min && has_max)
    text += " " + schema["minimum"].dump() + ".." + schema["maximum"].dump();
  else if (has_min)
    text += " >= " + schema["minimum"].dump();
  else if (has_max)
    text += " <= " + schema["maximum"].dump();
  if (schema.contains("enum")) text += ", one of: " + listed_options(schema["enum"]);
  if (schema.contains("items")) text += " of " + json_schema_describe(schema["items"]);
  return text;
}

}  // namespace tunedeck
