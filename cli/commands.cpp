#include "cli/commands.h"

namespace tunedeck {

// Defined in cli/cmd_<name>.cpp.
extern const Command kGenerateCommand;
extern const Command kToolsCommand;
extern const Command kToolCommand;
extern const Command kStatsCommand;
extern const Command kTrainCommand;
extern const Command kTokenizerCommand;
extern const Command kTokenizeCommand;
extern const Command kEvalCommand;
extern const Command kRunsCommand;
extern const Command kAskCommand;
extern const Command kChatCommand;
extern const Command kAppCommand;  // the full-screen app
extern const Command kDataCommand;
extern const Command kBenchCommand;
extern const Command kTemplateCommand;
extern const Command kModelsCommand;
extern const Command kConfigCommand;

const std::vector<const Command*>& all_commands() {
  static const std::vector<const Command*> commands = {
      &kGenerateCommand, &kToolsCommand,     &kToolCommand, &kStatsCommand, &kTrainCommand,
      &kTokenizeCommand, &kTokenizerCommand, &kEvalCommand, &kRunsCommand,  &kAskCommand,
      &kChatCommand,     &kAppCommand,       &kDataCommand, &kBenchCommand, &kTemplateCommand,
      &kModelsCommand,   &kConfigCommand,
  };
  return commands;
}

}  // namespace tunedeck
