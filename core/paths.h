// Where tunedeck keeps its files, by the XDG base-directory rules, in one place: the per-user
// config, the database (conversations and the run log), the line-editing history and the app's
// log. A variable counts only when set to an absolute path (the spec says to ignore relative
// ones); otherwise HOME's default. Not the shipped etc/ folder (session/app_config.h).
#pragma once
#include <string>
#include <vector>

namespace tunedeck {

// $XDG_CONFIG_HOME, else $HOME/.config; "" when neither is usable.
std::string xdg_config_home();
// $XDG_DATA_HOME, else $HOME/.local/share; "" when neither is usable.
std::string xdg_data_home();
// $XDG_STATE_HOME, else $HOME/.local/state; "" when neither is usable.
std::string xdg_state_home();

// <config home>/tunedeck/config.toml (it may not exist); "" without a home.
std::string user_config_path();
// <data home>/tunedeck/tunedeck.db. Throws std::runtime_error saying to pass --db (or set
// [memory] db) when neither XDG_DATA_HOME nor HOME is usable.
std::string default_database_path();
// <data home>/tunedeck/history, shared by `chat --plain` and the app; "" without a home.
std::string line_history_path();
// Hugging Face hub caches to look in, first wins, no duplicates (they may not exist):
// $HF_HUB_CACHE, $HUGGINGFACE_HUB_CACHE, $HF_HOME/hub, $XDG_CACHE_HOME/huggingface/hub,
// $HOME/.cache/huggingface/hub — as huggingface_hub resolves them ("~/" means $HOME).
std::vector<std::string> huggingface_hub_dirs();
// <state home>/tunedeck/tunedeck.log, where the app sends stderr while the screen is up;
// /tmp/tunedeck-<uid>.log without a home.
std::string app_log_path();

}  // namespace tunedeck
