// The app's own slash commands (/model, /adapter, /train ..., /quit) as parsed requests, their
// help lines, and what Tab completes at each place of a command line (command names, tool
// names, sub-commands, paths). The chat's commands (/help, /tools, /tool, ...) are
// session/chat_commands; the app runs its own on the UI thread by handing them to the workers.
// Pure functions: any thread.
#pragma once
#include <string>
#include <vector>

#include "tui/input_line.h"

namespace tunedeck {

enum class AppCommandKind {
  kNone,         // not an app command: a question, or a chat command for ChatCommands
  kQuit,         // /quit, /exit
  kModel,        // /model [PATH|ORG/NAME]  (nothing: show the model)
  kModels,       // /models: the models on this machine (core/model_catalog)
  kClear,        // /clear: a new session, panes cleared
  kAdapter,      // /adapter PATH|off  (no argument: show it)
  kTrainStart,   // /train start CONFIG.toml
  kTrainStop,    // /train stop
  kTrainWatch,   // /train watch ID
  kTrainStatus,  // /train
  kUsageError,   // an app command used wrongly; argument: the usage line
};

struct AppCommand {
  AppCommandKind kind = AppCommandKind::kNone;
  std::string argument;  // the path, the config, the id; "" for none
  long long run_id = 0;  // kTrainWatch
};

// Parses one input line. Lines that are not app commands come back as kNone.
AppCommand app_command_parse(const std::string& line);

// The help lines for the app's commands and keys, appended to /help.
const std::string& app_command_help();

// Tab completion for the input line: `before` is the text before the word, `word` the word.
// /tool completes `tool_names`; /model completes `model_names` (the catalog), else file names.
InputCompletion app_command_complete(const std::string& before, const std::string& word,
                                     const std::vector<std::string>& tool_names,
                                     const std::vector<std::string>& model_names = {});

}  // namespace tunedeck
