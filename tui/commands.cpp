#include "tui/commands.h"

namespace tunedeck {

// Defined in tui/cmd_<name>.cpp.
extern const Command kGenerateCommand;
extern const Command kToolsCommand;
extern const Command kToolCommand;
extern const Command kStatsCommand;
extern const Command kTrainCommand;
extern const Command kRunsCommand;

const std::vector<const Command*>& all_commands() {
  static const std::vector<const Command*> commands = {
      &kGenerateCommand,
      &kToolsCommand,
      &kToolCommand,
      &kStatsCommand,
      // &kTrainCommand,  (enabled with the trainer)
      &kRunsCommand,
  };
  return commands;
}

}  // namespace tunedeck
