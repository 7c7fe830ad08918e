// The list of tunedeck subcommands. Each lives in cli/cmd_<name>.cpp, defines one Command, and
// is listed in commands.cpp (one visible place). Subcommands are thin: parse flags, call the
// libraries, print. Errors leave them as exceptions; main() turns them into one line and a status.
#pragma once
#include <vector>

#include "cli/cli_args.h"

namespace tunedeck {

struct Command {
  const char* name;           // "generate"
  const char* summary;        // one line for `tunedeck --help`
  const char* usage;          // full help for `tunedeck NAME --help`
  int (*run)(CliArgs& args);  // returns the exit status
};

const std::vector<const Command*>& all_commands();

}  // namespace tunedeck
