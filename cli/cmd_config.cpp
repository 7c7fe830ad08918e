// `tunedeck config`: the settings in effect (shipped defaults < user file < --config < flags) and
// where each came from, so "why is it using that model?" has an answer. Thin:
// session/app_config's app_config_settings.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/session_flags.h"
#include "session/app_config.h"

namespace tunedeck {
namespace {

using nlohmann::json;

const std::string kUsage =
    std::string(
        "usage: tunedeck config [--json] [chat flags]\n"
        "\n"
        "Prints every setting in effect, one per line, with the file (or flag) that set it:\n"
        "the shipped etc/tunedeck.toml, then ~/.config/tunedeck/config.toml\n"
        "($XDG_CONFIG_HOME/tunedeck/config.toml), then --config FILE, then the flags below,\n"
        "as ask, chat and app read them. \"default\" means no file sets it.\n"
        "\n"
        "  --json                 {\"files\": [...], \"settings\": [{key, value, origin}]}\n") +
    kSessionFlagsUsage;

int run_config(CliArgs& args) {
  const bool as_json = args.flag("json");
  const SessionFlags flags = session_flags_read(args);
  args.finish();
  const AppConfig config = session_config(flags);
  const std::vector<AppSetting> settings = app_config_settings(config);
  if (as_json) {
    json list = json::array();
    for (const AppSetting& s : settings)
      list.push_back({{"key", s.key}, {"value", json::parse(s.value)}, {"origin", s.origin}});
    std::cout << json{{"files", config.files}, {"settings", list}}.dump(
                     2, ' ', false, json::error_handler_t::replace)
              << "\n";
    return 0;
  }
  std::cout << "# files read, lowest first:\n";
  for (const std::string& file : config.files) std::cout << "#   " << file << "\n";
  // Origins line up in one column; a longer line (the system prompt) keeps two spaces.
  constexpr size_t kOriginColumn = 44;
  for (const AppSetting& s : settings) {
    const std::string line = s.key + " = " + s.value;
    std::cout << line
              << std::string(line.size() < kOriginColumn ? kOriginColumn - line.size() : 2, ' ')
              << "# " << s.origin << "\n";
  }
  return 0;
}

}  // namespace

extern const Command kConfigCommand = {
    "config", "the settings in effect and the file each came from", kUsage.c_str(), run_config};

}  // namespace tunedeck
