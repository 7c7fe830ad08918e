#include "session/app_config.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/paths.h"
#include "core/toml_reader.h"

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

// A relative path is taken relative to the config file's folder; "~/" means $HOME.
std::string resolved_path(const std::string& path, const std::string& config_file) {
  if (path.empty()) return path;
  if (path == "~" || path.rfind("~/", 0) == 0) return home_dir() + path.substr(1);
  const fs::path p(path);
  if (p.is_absolute()) return path;
  return (fs::absolute(config_file).parent_path() / p).lexically_normal().string();
}

// A path value, resolved against the config file's folder (see resolved_path).
void read_path(const TomlReader& r, const std::string& key, std::string& out) {
  if (!r.has(key)) return;
  std::string path;
  r.read_string(key, path);
  out = resolved_path(path, r.file());
}

// "cpu", "cuda" or "cuda:N".
void read_device(const TomlReader& r, std::string& device) {
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

void read_model(const TomlReader& r, ModelSettings& model) {
  r.check_keys({"path", "device", "dtype", "threads", "adapter", "models_dir"});
  read_path(r, "path", model.path);
  read_device(r, model.device);
  r.read_choice("dtype", model.dtype, {"f32", "bf16", "f16"});
  r.read_int("threads", model.threads, 0, 4096);
  read_path(r, "adapter", model.adapter);
  read_path(r, "models_dir", model.models_dir);
}

void read_sampling(const TomlReader& r, SamplingSettings& sampling) {
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

void read_agent(const TomlReader& r, AgentSettings& agent) {
  r.check_keys({"max_steps", "system_prompt", "template", "builtin_tools"});
  r.read_int("max_steps", agent.max_steps, 1, 1000);
  r.read_string("system_prompt", agent.system_prompt);
  r.read_string("template", agent.template_name);
  r.read_string("builtin_tools", agent.builtin_tools);
  if (agent.builtin_tools != "basic" && agent.builtin_tools != "calendar")
    r.fail("builtin_tools",
           "builtin_tools = \"" + agent.builtin_tools + "\" is not one of \"basic\", \"calendar\"",
           "not allowed");
}

void read_memory(const TomlReader& r, MemorySettings& memory) {
  r.check_keys({"db"});
  read_path(r, "db", memory.db);
}

void read_stats(const TomlReader& r, StatsSettings& stats) {
  r.check_keys({"interval_s", "nvml_library"});
  r.read_double("interval_s", stats.interval_s, 0.01, 3600);
  r.read_string("nvml_library", stats.nvml_library);
  // A bare soname goes through the loader's search path; anything with a '/' is a file.
  if (stats.nvml_library.find('/') != std::string::npos)
    read_path(r, "nvml_library", stats.nvml_library);
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
      toml_reader_fail(file, value, "dates and times cannot appear in a JSON schema", "not JSON");
  }
}

// parameters = { type = "object", ... } (a TOML table) or parameters = '{"type": "object"}'.
json read_parameters(const TomlReader& r) {
  const toml::value& value = r.at("parameters");
  if (value.is_table()) return json_from_toml(value, r.file());
  if (!value.is_string())
    toml_reader_fail(r.file(), value,
                     r.name() + " parameters must be a table or a JSON string, got " +
                         toml_reader_type_name(value),
                     "expected a table");
  try {
    return json::parse(value.as_string().str);
  } catch (const json::parse_error& e) {
    toml_reader_fail(r.file(), value, r.name() + " parameters is not valid JSON: " + e.what(),
                     "here");
  }
}

UserToolSpec read_tool(const toml::value& table, const std::string& file) {
  if (!table.is_table())
    toml_reader_fail(file, table,
                     "each [[tools]] entry must be a table, got " + toml_reader_type_name(table),
                     "expected a table");
  const TomlReader r(table, "[[tools]]", file);
  r.check_keys(
      {"name", "description", "parameters", "argv", "cwd", "timeout_s", "max_output_bytes"});
  for (const char* required : {"name", "description", "argv"})
    if (!r.has(required))
      toml_reader_fail(file, table, std::string("[[tools]] entry has no '") + required + "'",
                       "this entry", {"a tool needs name, description and argv"});
  UserToolSpec spec;
  spec.origin = toml_reader_location(file, table);
  r.read_string("name", spec.name);
  r.read_string("description", spec.description);
  if (r.has("parameters")) spec.parameters = read_parameters(r);
  r.read_string_array("argv", spec.argv);
  // A program named by a relative path (./scripts/x.sh) is found beside the config file.
  if (!spec.argv.empty() && spec.argv[0].find('/') != std::string::npos)
    spec.argv[0] = resolved_path(spec.argv[0], file);
  read_path(r, "cwd", spec.cwd);
  r.read_double("timeout_s", spec.timeout_s, 0.001, 3600);
  int max_output_bytes = static_cast<int>(spec.max_output_bytes);
  r.read_int("max_output_bytes", max_output_bytes, 1, 64 << 20);
  spec.max_output_bytes = static_cast<std::size_t>(max_output_bytes);
  try {
    user_tool_check(spec);
  } catch (const std::invalid_argument& e) {
    toml_reader_fail(file, table, e.what(), "this tool");
  }
  return spec;
}

// Tools of a later layer replace those of the same name; inside one file a name is used once.
void read_tools(const toml::value& root, const std::string& file,
                std::vector<UserToolSpec>& tools) {
  const auto it = root.as_table().find("tools");
  if (it == root.as_table().end()) return;
  if (!it->second.is_array())
    toml_reader_fail(file, it->second, "'tools' must be an array of tables ([[tools]])",
                     "expected [[tools]]");
  std::set<std::string> seen;
  for (const toml::value& table : it->second.as_array()) {
    UserToolSpec spec = read_tool(table, file);
    if (!seen.insert(spec.name).second)
      toml_reader_fail(file, table, "tool '" + spec.name + "' is declared twice in this file",
                       "again");
    tools.erase(std::remove_if(tools.begin(), tools.end(),
                               [&](const UserToolSpec& t) { return t.name == spec.name; }),
                tools.end());
    tools.push_back(std::move(spec));
  }
}

toml::value parse_file(const std::string& path) {
  if (!fs::is_regular_file(path)) throw AppConfigError(path + ": config file not found");
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) throw AppConfigError(path + ": cannot read the config file");
  return toml_reader_parse(text.str(), path);
}

std::string executable_dir() {
  std::error_code error;
  const fs::path exe = fs::read_symlink("/proc/self/exe", error);
  return error ? "" : exe.parent_path().string();
}

bool holds_shipped_config(const std::string& dir) {
  return !dir.empty() && fs::is_regular_file(fs::path(dir) / "tunedeck.toml");
}

// Every key this file sets (it was read without error): "section.key" -> path, and
// "tools.NAME" for each [[tools]] entry.
void record_origins(const toml::value& root, const std::string& path,
                    std::map<std::string, std::string>& origins) {
  for (const auto& [section, table] : root.as_table()) {
    if (section == "tools" && table.is_array()) {
      for (const toml::value& tool : table.as_array())
        if (tool.is_table() && tool.contains("name") && tool.at("name").is_string())
          origins["tools." + tool.at("name").as_string().str] = path;
    } else if (table.is_table()) {
      for (const auto& entry : table.as_table()) origins[section + "." + entry.first] = path;
    }
  }
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

std::vector<AppSetting> app_config_settings(const AppConfig& config) {
  std::vector<AppSetting> settings;
  const auto add = [&](const std::string& key, const json& value) {
    const auto origin = config.origins.find(key);
    settings.push_back({key, value.dump(-1, ' ', false, json::error_handler_t::replace),
                        origin == config.origins.end() ? "default" : origin->second});
  };
  const ModelSettings& m = config.model;
  add("model.path", m.path);
  add("model.device", m.device);
  add("model.dtype", m.dtype);
  add("model.threads", m.threads);
  add("model.adapter", m.adapter);
  add("model.models_dir", m.models_dir);
  const SamplingSettings& s = config.sampling;
  add("sampling.temperature", s.temperature);
  add("sampling.top_k", s.top_k);
  add("sampling.top_p", s.top_p);
  add("sampling.min_p", s.min_p);
  add("sampling.repeat_penalty", s.repeat_penalty);
  add("sampling.max_new_tokens", s.max_new_tokens);
  add("sampling.seed", s.seed);
  add("agent.max_steps", config.agent.max_steps);
  add("agent.system_prompt", config.agent.system_prompt);
  add("agent.template", config.agent.template_name);
  add("agent.builtin_tools", config.agent.builtin_tools);
  add("memory.db", config.memory.db);
  add("stats.interval_s", config.stats.interval_s);
  add("stats.nvml_library", config.stats.nvml_library);
  for (const UserToolSpec& tool : config.tools) add("tools." + tool.name, tool.argv);
  return settings;
}

void app_config_apply_file(AppConfig& config, const std::string& path) {
  try {
    const toml::value root = parse_file(path);
    const TomlReader top(root, path);
    top.check_keys({"model", "sampling", "agent", "memory", "stats", "tools"});
    if (const auto t = top.table("model")) read_model(*t, config.model);
    if (const auto t = top.table("sampling")) read_sampling(*t, config.sampling);
    if (const auto t = top.table("agent")) read_agent(*t, config.agent);
    if (const auto t = top.table("memory")) read_memory(*t, config.memory);
    if (const auto t = top.table("stats")) read_stats(*t, config.stats);
    read_tools(root, path, config.tools);
    record_origins(root, path, config.origins);
  } catch (const TomlReaderError& e) {
    throw AppConfigError(e.what());
  }
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
