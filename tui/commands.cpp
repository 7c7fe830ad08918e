#include "tui/commands.h"

namespace tunedeck {

// Defined in tui/cmd_<name>.cpp.
extern const Command kGenerateCommand;

const std::vector<const Command*>& all_commands() {
  static const std::vector<const Command*> commands = {
      &kGenerateCommand,
  };
  return commands;
}

}  // namespace tunedeck
