#include "core/toml_reader.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace tunedeck {

toml::value toml_reader_parse(const std::string& text, const std::string& file) {
  std::istringstream in(text);
  try {
    return toml::parse(in, file);
  } catch (const toml::syntax_error& e) {
    throw TomlReaderError(file + ":" + std::to_string(e.location().line()) +
                          ": TOML syntax error\n" + e.what());
  }
}

std::string toml_reader_location(const std::string& file, const toml::value& value) {
  return file + ":" + std::to_string(value.location().line());
}

std::string toml_reader_type_name(const toml::value& value) {
  switch (value.type()) {
    case toml::value_t::boolean:
      return "a boolean";
    case toml::value_t::integer:
      return "an integer";
    case toml::value_t::floating:
      return "a float";
    case toml::value_t::string:
      return "a string";
    case toml::value_t::array:
      return "an array";
    case toml::value_t::table:
      return "a table";
    default:
      return "a date/time";
  }
}

void toml_reader_fail(const std::string& file, const toml::value& value, const std::string& message,
                      const std::string& marker, const std::vector<std::string>& hints) {
  std::string text =
      toml::format_error(toml_reader_location(file, value) + ": " + message, value, marker, hints);
  const std::string prefix = "[error] ";  // toml11 adds it; the caller says "error:" already
  if (text.rfind(prefix, 0) == 0) text.erase(0, prefix.size());
  throw TomlReaderError(text);
}

TomlReader::TomlReader(const toml::value& root, std::string file)
    : table_(root), name_("the top level"), file_(std::move(file)) {}

TomlReader::TomlReader(const toml::value& table, std::string name, std::string file)
    : table_(table), name_(std::move(name)), file_(std::move(file)) {}

void TomlReader::check_keys(const std::vector<std::string>& known) const {
  std::vector<std::string> keys;
  for (const auto& [key, ignored] : table_.as_table()) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  std::string known_list;
  for (const auto& k : known) known_list += (known_list.empty() ? "" : ", ") + k;
  for (const auto& key : keys)
    if (std::find(known.begin(), known.end(), key) == known.end())
      toml_reader_fail(file_, at(key), "unknown key '" + key + "' in " + name_, "unknown key",
                       {"known keys in " + name_ + ": " + known_list});
}

bool TomlReader::has(const std::string& key) const { return table_.as_table().count(key) > 0; }

const toml::value& TomlReader::at(const std::string& key) const {
  return table_.as_table().at(key);
}

std::optional<TomlReader> TomlReader::table(const std::string& key) const {
  if (!has(key)) return std::nullopt;
  const std::string path = path_.empty() ? key : path_ + "." + key;
  const toml::value& value = at(key);
  if (!value.is_table())
    toml_reader_fail(
        file_, value,
        "'" + key + "' must be a table ([" + path + "]), got " + toml_reader_type_name(value),
        "expected a table");
  TomlReader reader(value, "[" + path + "]", file_);
  reader.path_ = path;
  return reader;
}

void TomlReader::read_string(const std::string& key, std::string& out) const {
  if (!has(key)) return;
  out = expect(key, toml::value_t::string, "a string").as_string().str;
}

void TomlReader::read_choice(const std::string& key, std::string& out,
                             const std::vector<std::string>& choices) const {
  if (!has(key)) return;
  const std::string value = expect(key, toml::value_t::string, "a string").as_string().str;
  std::string choice_list;
  for (const auto& c : choices) choice_list += (choice_list.empty() ? "\"" : ", \"") + c + "\"";
  if (std::find(choices.begin(), choices.end(), value) == choices.end())
    fail(key, key + " = \"" + value + "\" is not one of " + choice_list, "not allowed");
  out = value;
}

void TomlReader::read_bool(const std::string& key, bool& out) const {
  if (!has(key)) return;
  out = expect(key, toml::value_t::boolean, "a boolean").as_boolean();
}

void TomlReader::read_int(const std::string& key, int& out, long long min, long long max) const {
  if (!has(key)) return;
  const long long value = expect(key, toml::value_t::integer, "an integer").as_integer();
  if (value < min || value > max)
    fail(key, key + " must be in " + std::to_string(min) + ".." + std::to_string(max),
         "out of range");
  out = static_cast<int>(value);
}

void TomlReader::read_u64(const std::string& key, std::uint64_t& out) const {
  if (!has(key)) return;
  const long long value = expect(key, toml::value_t::integer, "an integer").as_integer();
  if (value < 0) fail(key, key + " must be >= 0", "negative");
  out = static_cast<std::uint64_t>(value);
}

void TomlReader::read_double(const std::string& key, double& out, double min, double max) const {
  if (!has(key)) return;
  const toml::value& value = at(key);
  if (!value.is_floating() && !value.is_integer())
    fail(key, key + " must be a number, got " + toml_reader_type_name(value), "expected a number");
  const double number =
      value.is_floating() ? value.as_floating() : static_cast<double>(value.as_integer());
  if (number < min || number > max) {
    char range[96];
    std::snprintf(range, sizeof range, "%g..%g", min, max);
    fail(key, key + " must be in " + range, "out of range");
  }
  out = number;
}

void TomlReader::read_string_array(const std::string& key, std::vector<std::string>& out) const {
  if (!has(key)) return;
  std::vector<std::string> strings;
  for (const toml::value& item : expect(key, toml::value_t::array, "an array").as_array()) {
    if (!item.is_string())
      toml_reader_fail(
          file_, item,
          name_ + " " + key + " must hold strings, found " + toml_reader_type_name(item),
          "expected a string");
    strings.push_back(item.as_string().str);
  }
  out = std::move(strings);
}

void TomlReader::fail(const std::string& key, const std::string& message,
                      const std::string& marker) const {
  toml_reader_fail(file_, at(key), name_ + " " + message, marker);
}

const toml::value& TomlReader::expect(const std::string& key, toml::value_t type,
                                      const std::string& wanted) const {
  const toml::value& value = at(key);
  if (value.type() != type)
    fail(key, key + " must be " + wanted + ", got " + toml_reader_type_name(value),
         "expected " + wanted);
  return value;
}

}  // namespace tunedeck
