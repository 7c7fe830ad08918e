// Strict reading of tunedeck's TOML files (toml11), shared by session/app_config and
// train/train_config: parsing, then each table's keys checked against the known ones and each
// value's type and range. Every error is a TomlReaderError that starts "file:line: ", names the
// table and key, and ends with toml11's excerpt of the line. Not what any key means.
// No state beyond the parsed value a reader looks at; any thread.
#pragma once
#include <climits>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <toml.hpp>
#include <vector>

namespace tunedeck {

struct TomlReaderError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Parses `text`; `file` names it in errors ("file:line: TOML syntax error" and toml11's account).
toml::value toml_reader_parse(const std::string& text, const std::string& file);

// "file:line" of `value`.
std::string toml_reader_location(const std::string& file, const toml::value& value);

// "a string", "an integer", "a float", "a boolean", "an array", "a table" or "a date/time".
std::string toml_reader_type_name(const toml::value& value);

// Throws "file:line: message", then toml11's excerpt of the line with `marker` under `value`,
// then the hints.
[[noreturn]] void toml_reader_fail(const std::string& file, const toml::value& value,
                                   const std::string& message, const std::string& marker,
                                   const std::vector<std::string>& hints = {});

// Reads the keys of one table of one file: the top level, a [section], one [[tools]] entry.
// Each read_* leaves `out` as it is when the key is absent, and throws when the value has
// another type or is out of range. REQUIRES: `table` is a table and outlives the reader.
class TomlReader {
 public:
  // The top level of a parsed file.
  TomlReader(const toml::value& root, std::string file);
  // A table named in errors by `name` ("[[tools]]").
  TomlReader(const toml::value& table, std::string name, std::string file);

  // Every key of the table must be one of `known`.
  void check_keys(const std::vector<std::string>& known) const;
  bool has(const std::string& key) const;
  const toml::value& at(const std::string& key) const;  // REQUIRES: has(key)

  // The table under `key` ([model] at the top level, [model.config] under [model]); nullopt
  // when absent. Throws when the value is not a table.
  std::optional<TomlReader> table(const std::string& key) const;

  void read_string(const std::string& key, std::string& out) const;
  // One of `choices`.
  void read_choice(const std::string& key, std::string& out,
                   const std::vector<std::string>& choices) const;
  void read_bool(const std::string& key, bool& out) const;
  void read_int(const std::string& key, int& out, long long min = INT_MIN,
                long long max = INT_MAX) const;
  void read_u64(const std::string& key, std::uint64_t& out) const;
  // Integers are taken where a float is expected (temperature = 1).
  void read_double(const std::string& key, double& out,
                   double min = -std::numeric_limits<double>::infinity(),
                   double max = std::numeric_limits<double>::infinity()) const;
  void read_string_array(const std::string& key, std::vector<std::string>& out) const;

  // Throws "file:line: <name> message" pointing at the value of `key`.
  [[noreturn]] void fail(const std::string& key, const std::string& message,
                         const std::string& marker) const;

  const std::string& file() const { return file_; }
  const std::string& name() const { return name_; }  // "[model]", "the top level"

 private:
  const toml::value& expect(const std::string& key, toml::value_t type,
                            const std::string& wanted) const;

  const toml::value& table_;
  std::string name_;
  std::string path_;  // "model.config": the dotted name of a table reached by table(); "" else
  std::string file_;
};

}  // namespace tunedeck
