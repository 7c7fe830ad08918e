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

std::string app_log_path() {
  const std::string dir = xdg_state_home();
  if (dir.empty()) return "/tmp/tunedeck-" + std::to_string(getuid()) + ".log";
  return dir + "/tunedeck/tunedeck.log";
}

}  // namespace tunedeck
