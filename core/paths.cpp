#include "core/paths.h"

#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

namespace tunedeck {
namespace {

std::string absolute_env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && value[0] == '/' ? std::string(value) : std::string();
}

// The variable when absolute, else $HOME/<fallback>, else "".
std::string base_dir(const char* variable, const char* fallback) {
  const std::string dir = absolute_env(variable);
  if (!dir.empty()) return dir;
  const std::string home = absolute_env("HOME");
  return home.empty() ? "" : home + "/" + fallback;
}

// A Hugging Face variable: absolute, or "~/..." under $HOME; "" otherwise.
std::string hf_env_dir(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return "";
  const std::string text = value;
  if (text.rfind("~/", 0) == 0) {
    const std::string home = absolute_env("HOME");
    return home.empty() ? "" : home + text.substr(1);
  }
  return !text.empty() && text[0] == '/' ? text : "";
}

}  // namespace

std::string xdg_config_home() { return base_dir("XDG_CONFIG_HOME", ".config"); }
std::string xdg_data_home() { return base_dir("XDG_DATA_HOME", ".local/share"); }
std::string xdg_state_home() { return base_dir("XDG_STATE_HOME", ".local/state"); }

std::string user_config_path() {
  const std::string dir = xdg_config_home();
  return dir.empty() ? "" : dir + "/tunedeck/config.toml";
}

std::string default_database_path() {
  const std::string dir = xdg_data_home();
  if (dir.empty())
    throw std::runtime_error(
        "cannot place the database: neither XDG_DATA_HOME nor HOME is set to an absolute path "
        "(pass --db FILE or set [memory] db)");
  return dir + "/tunedeck/tunedeck.db";
}

std::string line_history_path() {
  const std::string dir = xdg_data_home();
  return dir.empty() ? "" : dir + "/tunedeck/history";
}

std::vector<std::string> huggingface_hub_dirs() {
  std::vector<std::string> dirs;
  const auto add = [&dirs](const std::string& dir) {
    if (dir.empty()) return;
    for (const std::string& known : dirs)
      if (known == dir) return;
    dirs.push_back(dir);
  };
  add(hf_env_dir("HF_HUB_CACHE"));
  add(hf_env_dir("HUGGINGFACE_HUB_CACHE"));
  const std::string hf_home = hf_env_dir("HF_HOME");
  if (!hf_home.empty()) add(hf_home + "/hub");
  const std::string cache_home = absolute_env("XDG_CACHE_HOME");
  if (!cache_home.empty()) add(cache_home + "/huggingface/hub");
  const std::string home = absolute_env("HOME");
  if (!home.empty()) add(home + "/.cache/huggingface/hub");
  return dirs;
}

std::string app_log_path() {
  const std::string dir = xdg_state_home();
  if (dir.empty()) return "/tmp/tunedeck-" + std::to_string(getuid()) + ".log";
  return dir + "/tunedeck/tunedeck.log";
}

}  // namespace tunedeck
