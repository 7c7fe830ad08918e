#include "session/app_config.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <toml.hpp>

#include "core/paths.h"

namespace tunedeck {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

std::string home_dir() {
  const std::string home = env_or_empty("HOME");
  if (home.empty()) throw AppConfigError("HOME is not set; cannot find the per-user folders");
  return home;
}

std::string location_of(const std::string& file, const toml::value& value) {
  return file + ":" + std::to_string(value.location().line());
}

// "file:line: message" followed by toml11's excerpt of the line with a marker under the value.
[[noreturn]] void fail_at(const std::string& file, const toml::value& value,
                          const std::string& message, const std::string& marker,
                          const std::vector<std::string>& hints = {}) {
  std::string text =
      toml::format_error(location_of(file, value) + ": " + message, value, marker, hints);
  const std::string prefix = "[error] ";  // toml11 adds it; the caller says "error:" already
  if (text.rfind(prefix, 0) == 0) text.erase(0, prefix.size());
  throw AppConfigError(text);
}

std::string type_name(const toml::value& value) {
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

// A relative path is taken relative to the config file's folder; "~/" means $HOME.
std::string resolved_path(const std::string& path, const std::string& config_file) {
  if (path.empty()) return path;
  if (path == "~" || path.rfind("~/", 0) == 0) return home_dir() + path.substr(1);
  const fs::path p(path);
  if (p.is_absolute()) return path;
  return (fs::absolute(config_file).parent_path() / p).lexically_normal().string();
}

// Reads the keys of one table ([model], one [[tools]] entry, ...) of one file, strictly.
class TableReader {
 public:
  TableReader(const toml::value& table, std::string name, std::string file)
      : table_(table), name_(std::move(name)), file_(std::move(file)) {}

  // Every key of the table must be one of `known`.
  void check_keys(const std::vector<std::string>& known) const {
    std::vector<std::string> keys;
    for (const auto& [key, ignored] : table_.as_table()) keys.push_back(key);
    std::sort(keys.begin(), keys.end());
    std::string known_list;
    for (const auto& k : known) known_list += (known_list.empty() ? "" : ", ") + k;
    for (const auto& key : keys)
      if (std::find(known.begin(), known.end(), key) == known.end())
        fail_at(file_, table_.as_table().at(key), "unknown key '" + key + "' in " + name_,
                "unknown key", {"known keys in " + name_ + ": " + known_list});
  }

  bool has(const std::string& key) const { return table_.as_table().count(key) > 0; }
  const toml::value& at(const std::string& key) const { return table_.as_table().at(key); }

  void read_string(const std::string& key, std::string& out) const {
    if (!has(key)) return;
    out = expect(key, toml::value_t::string, "a string").as_string().str;
  }

  void read_choice(const std::string& key, std::string& out,
                   const std::vector<std::string>& choices) const {
    if (!has(key)) return;
    const std::string value = expect(key, toml::value_t::string, "a string").as_string().str;
    std::string choice_list;
    for (const auto& c : choices) choice_list += (choice_list.empty() ? "\"" : ", \"") + c + "\"";
    if (std::find(choices.begin(), choices.end(), value) == choices.end())
      fail(key, key + " = \"" + value + "\" is not one of " + choice_list, "not allowed");
    out = value;
  }

  void read_path(const std::string& key, std::string& out) const {
    if (!has(key)) return;
    out = resolved_path(expect(key, toml::value_t::string, "a string").as_string().str, file_);
  }

  void read_int(const std::string& key, int& out, long long min, long long max) const {
    if (!has(key)) return;
    const long long value = expect(key, toml::value_t::integer, "an integer").as_integer();
    check_range(key, static_cast<double>(value), static_cast<double>(min),
                static_cast<double>(max));
    out = static_cast<int>(value);
  }

  void read_u64(const std::string& key, std::uint64_t& out) const {
    if (!has(key)) return;
    const long long value = expect(key, toml::value_t::integer, "an integer").as_integer();
    if (value < 0) fail_at(file_, at(key), name_ + " " + key + " must be >= 0", "negative");
    out = static_cast<std::uint64_t>(value);
  }

  // Integers are accepted where a float is expected (temperature = 1).
  void read_double(const std::string& key, double& out, double min, double max) const {
    if (!has(key)) return;
    const toml::value& value = at(key);
    if (!value.is_floating() && !value.is_integer())
      fail_at(file_, value, name_ + " " + key + " must be a number, got " + type_name(value),
              "expected a number");
    const double number =
        value.is_floating() ? value.as_floating() : static_cast<double>(value.as_integer());
    check_range(key, number, min, max);
    out = number;
  }

  std::vector<std::string> read_string_array(const std::string& key) const {
    std::vector<std::string> out;
    for (const toml::value& item : expect(key, toml::value_t::array, "an array").as_array()) {
      if (!item.is_string())
        fail_at(file_, item, name_ + " " + key + " must hold strings, found " + type_name(item),
                "expected a string");
      out.push_back(item.as_string().str);
    }
    return out;
  }

  // Throws "file:line: [section] message" pointing at the value of `key`.
  [[noreturn]] void fail(const std::string& key, const std::string& message,
                         const std::string& marker) const {
    fail_at(file_, at(key), name_ + " " + message, marker);
  }

  const std::string& file() const { return file_; }
  const std::string& name() const { return name_; }

 private:
  const toml::value& expect(const std::string& key, toml::value_t type,
                            const std::string& wanted) const {
    const toml::value& value = at(key);
    if (value.type() != type)
      fail_at(file_, value, name_ + " " + key + " must be " + wanted + ", got " + type_name(value),
              "expected " + wanted);
    return value;
  }

  void check_range(const std::string& key, double value, double min, double max) const {
    if (value < min || value > max) {
      char range[96];
      std::snprintf(range, sizeof range, "%g..%g", min, max);
      fail_at(file_, at(key), name_ + " " + key + " must be in " + range, "out of range");
    }
  }

  const toml::value& table_;
  std::string name_;
  std::string file_;
};

// The [section] `name` of `root` as a reader, or nullopt-like false when absent.
const toml::value* section_of(const toml::value& root, const std::string& name,
                              const std::string& file) {
  const auto& table = root.as_table();
  const auto it = table.find(name);
  if (it == table.end()) return nullptr;
  if (!it->second.is_table())
    fail_at(file, it->second,
            "'" + name + "' must be a table ([" + name + "]), got " + type_name(it->second),
            "expected a table");
  return &it->second;
}

// "cpu", "cuda" or "cuda:N".
void read_device(const TableReader& r, std::string& device) {
  if (!r.has("device")) return;
  std::string value;
  r.read_string("device", value);
  const bool indexed =
      value.rfind("cuda:", 0) == 0 && value.size() > 5 &&
      std::all_of(value.begin() + 5, value.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (value != "cpu" && value != "cuda" && !indexed)
    r.fail("device", "device = \"" + value + "\" is not one of \"cpu\", \"cuda\", \"cuda:N\"",
           "not allowed");
  device = value;
}

void read_model(const TableReader& r, ModelSettings& model) {
  r.check_keys({"path", "device", "dtype", "threads", "adapter"});
  r.read_path("path", model.path);
  read_device(r, model.device);
  r.read_choice("dtype", model.dtype, {"f32", "bf16", "f16"});
  r.read_int("threads", model.threads, 0, 4096);
  r.read_path("adapter", model.adapter);
}

void read_sampling(const TableReader& r, SamplingSettings& sampling) {
  r.check_keys(
      {"temperature", "top_k", "top_p", "min_p", "repeat_penalty", "max_new_tokens", "seed"});
  r.read_double("temperature", sampling.temperature, 0, 100);
  r.read_int("top_k", sampling.top_k, 0, 1 << 30);
  r.read_double("top_p", sampling.top_p, 0, 1);
  r.read_double("min_p", sampling.min_p, 0, 1);
  r.read_double("repeat_penalty", sampling.repeat_penalty, 0.01, 100);
  r.read_int("max_new_tokens", sampling.max_new_tokens, 1, 1 << 24);
  r.read_u64("seed", sampling.seed);
}

void read_agent(const TableReader& r, AgentSettings& agent) {
  r.check_keys({"max_steps", "system_prompt", "template"});
  r.read_int("max_steps", agent.max_steps, 1, 1000);
  r.read_string("system_prompt", agent.system_prompt);
  r.read_string("template", agent.template_name);
}

void read_memory(const TableReader& r, MemorySettings& memory) {
  r.check_keys({"db"});
  r.read_path("db", memory.db);
}

void read_stats(const TableReader& r, StatsSettings& stats) {
  r.check_keys({"interval_s", "nvml_library"});
  r.read_double("interval_s", stats.interval_s, 0.01, 3600);
  r.read_string("nvml_library", stats.nvml_library);
  // A bare soname goes through the loader's search path; anything with a '/' is a file.
  if (stats.nvml_library.find('/') != std::string::npos)
    r.read_path("nvml_library", stats.nvml_library);
}

// ---- [[tools]] ----

json json_from_toml(const toml::value& value, const std::string& file) {
  switch (value.type()) {
    case toml::value_t::boolean:
      return value.as_boolean();
    case toml::value_t::integer:
      return value.as_integer();
    case toml::value_t::floating:
      return value.as_floating();
    case toml::value_t::string:
      return value.as_string().str;
    case toml::value_t::array: {
      json array = json::array();
      for (const auto& item : value.as_array()) array.push_back(json_from_toml(item, file));
      return array;
    }
    case toml::value_t::table: {
      json object = json::object();
      for (const auto& [key, item] : value.as_table()) object[key] = json_from_toml(item, file);
      return object;
    }
    default:
      fail_at(file, value, "dates and times cannot appear in a JSON schema", "not JSON");
  }
}

// parameters = { type = "object", ... } (a TOML table) or parameters = '{"type": "object"}'.
json read_parameters(const TableReader& r) {
  const toml::value& value = r.at("parameters");
  if (value.is_table()) return json_from_toml(value, r.file());
  if (!value.is_string())
    fail_at(r.file(), value,
            r.name() + " parameters must be a table or a JSON string, got " + type_name(value),
            "expected a table");
  try {
    return json::parse(value.as_string().str);
  } catch (const json::parse_error& e) {
    fail_at(r.file(), value, r.name() + " parameters is not valid JSON: " + e.what(), "here");
  }
}

UserToolSpec read_tool(const toml::value& table, const std::string& file) {
  if (!table.is_table())
    fail_at(file, table, "each [[tools]] entry must be a table, got " + type_name(table),
            "expected a table");
  const TableReader r(table, "[[tools]]", file);
  r.check_keys(
      {"name", "description", "parameters", "argv", "cwd", "timeout_s", "max_output_bytes"});
  for (const char* required : {"name", "description", "argv"})
    if (!r.has(required))
      fail_at(file, table, std::string("[[tools]] entry has no '") + required + "'", "this entry",
              {"a tool needs name, description and argv"});
  UserToolSpec spec;
  spec.origin = location_of(file, table);
  r.read_string("name", spec.name);
  r.read_string("description", spec.description);
  if (r.has("parameters")) spec.parameters = read_parameters(r);
  spec.argv = r.read_string_array("argv");
  // A program named by a relative path (./scripts/x.sh) is found beside the config file.
  if (!spec.argv.empty() && spec.argv[0].find('/') != std::string::npos)
    spec.argv[0] = resolved_path(spec.argv[0], file);
  r.read_path("cwd", spec.cwd);
  r.read_double("timeout_s", spec.timeout_s, 0.001, 3600);
  int max_output_bytes = static_cast<int>(spec.max_output_bytes);
  r.read_int("max_output_bytes", max_output_bytes, 1, 64 << 20);
  spec.max_output_bytes = static_cast<std::size_t>(max_output_bytes);
  try {
    user_tool_check(spec);
  } catch (const std::invalid_argument& e) {
    fail_at(file, table, e.what(), "this tool");
  }
  return spec;
}

// Tools of a later layer replace those of the same name; inside one file a name is used once.
void read_tools(const toml::value& root, const std::string& file,
                std::vector<UserToolSpec>& tools) {
  const auto it = root.as_table().find("tools");
  if (it == root.as_table().end()) return;
  if (!it->second.is_array())
    fail_at(file, it->second, "'tools' must be an array of tables ([[tools]])",
            "expected [[tools]]");
  std::set<std::string> seen;
  for (const toml::value& table : it->second.as_array()) {
    UserToolSpec spec = read_tool(table, file);
    if (!seen.insert(spec.name).second)
      fail_at(file, table, "tool '" + spec.name + "' is declared twice in this file", "again");
    tools.erase(std::remove_if(tools.begin(), tools.end(),
                               [&](const UserToolSpec& t) { return t.name == spec.name; }),
                tools.end());
    tools.push_back(std::move(spec));
  }
}

toml::value parse_file(const std::string& path) {
  if (!fs::is_regular_file(path)) throw AppConfigError(path + ": config file not found");
  try {
    return toml::parse(path);
  } catch (const toml::syntax_error& e) {
    throw AppConfigError(path + ":" + std::to_string(e.location().line()) +
                         ": TOML syntax error\n" + e.what());
  } catch (const std::runtime_error& e) {
    throw AppConfigError(path + ": " + e.what());
  }
}

std::string executable_dir() {
  std::error_code error;
  const fs::path exe = fs::read_symlink("/proc/self/exe", error);
  return error ? "" : exe.parent_path().string();
}

bool holds_shipped_config(const std::string& dir) {
  return !dir.empty() && fs::is_regular_file(fs::path(dir) / "tunedeck.toml");
}

}  // namespace

SamplingParams SamplingSettings::to_params() const {
  SamplingParams params;
  params.temperature = static_cast<float>(temperature);
  params.top_k = top_k;
  params.top_p = static_cast<float>(top_p);
  params.min_p = static_cast<float>(min_p);
  params.repeat_penalty = static_cast<float>(repeat_penalty);
  params.seed = seed;
  return params;
}

void app_config_apply_file(AppConfig& config, const std::string& path) {
  const toml::value root = parse_file(path);
  const std::vector<std::string> sections = {"model",  "sampling", "agent",
                                             "memory", "stats",    "tools"};
  TableReader(root, "the top level", path).check_keys(sections);
  if (const toml::value* t = section_of(root, "model", path))
    read_model(TableReader(*t, "[model]", path), config.model);
  if (const toml::value* t = section_of(root, "sampling", path))
    read_sampling(TableReader(*t, "[sampling]", path), config.sampling);
  if (const toml::value* t = section_of(root, "agent", path))
    read_agent(TableReader(*t, "[agent]", path), config.agent);
  if (const toml::value* t = section_of(root, "memory", path))
    read_memory(TableReader(*t, "[memory]", path), config.memory);
  if (const toml::value* t = section_of(root, "stats", path))
    read_stats(TableReader(*t, "[stats]", path), config.stats);
  read_tools(root, path, config.tools);
  config.files.push_back(path);
}

AppConfig app_config_load(const std::string& explicit_file) {
  AppConfig config;
  app_config_apply_file(config, (fs::path(app_config_etc_dir()) / "tunedeck.toml").string());
  const std::string user_file = app_config_user_file();
  if (!user_file.empty() && fs::exists(user_file)) app_config_apply_file(config, user_file);
  if (!explicit_file.empty()) app_config_apply_file(config, explicit_file);
  return config;
}

std::string app_config_etc_dir() {
  const std::string from_env = env_or_empty("TUNEDECK_ETC_DIR");
  if (!from_env.empty()) {
    if (!holds_shipped_config(from_env))
      throw AppConfigError("TUNEDECK_ETC_DIR=" + from_env + " has no tunedeck.toml");
    return from_env;
  }
  std::vector<std::string> candidates;
  const std::string exe_dir = executable_dir();
  if (!exe_dir.empty()) {
    candidates.push_back((fs::path(exe_dir) / "../../etc").lexically_normal().string());
    candidates.push_back((fs::path(exe_dir) / "../share/tunedeck/etc").lexically_normal().string());
  }
#ifdef TUNEDECK_SOURCE_ETC_DIR
  candidates.push_back(TUNEDECK_SOURCE_ETC_DIR);
#endif
  std::string looked;
  for (const auto& dir : candidates) {
    if (holds_shipped_config(dir)) return dir;
    looked += (looked.empty() ? "" : ", ") + dir;
  }
  throw AppConfigError("cannot find the shipped tunedeck.toml (looked in: " + looked +
                       "); set TUNEDECK_ETC_DIR to the folder holding it");
}

std::string app_config_user_file() { return user_config_path(); }

std::string app_config_db_path(const AppConfig& config) {
  return config.memory.db.empty() ? default_database_path() : config.memory.db;
}

}  // namespace tunedeck
