// tunedeck's entry point: dispatches to a subcommand (cli/commands.cpp) and turns exceptions into
// one clear line on stderr and an exit status (1 error, 2 usage). No logic lives here.
#include <unistd.h>

#include <clocale>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace {

void print_overview() {
  std::cout << "tunedeck - talk to a local tool-calling LLM, watch its tool calls, GPU memory and\n"
               "fine-tuning runs, from one terminal.\n\n"
               "usage: tunedeck COMMAND [options]      (tunedeck COMMAND --help for details)\n"
               "       tunedeck --version\n\n"
               "commands:\n";
  for (const auto* command : tunedeck::all_commands())
    std::cout << "  " << command->name
              << std::string(12 - std::min<size_t>(11, strlen(command->name)), ' ')
              << command->summary << "\n";
  std::cout << "\nTry: tunedeck generate --model ../shared/models/stories260k --prompt \"Once upon "
               "a time\"\n";
}

const tunedeck::Command* find_command(const std::string& name) {
  for (const auto* command : tunedeck::all_commands())
    if (name == command->name) return command;
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  std::setlocale(LC_ALL, "");
  std::vector<std::string> args(argv + 1, argv + argc);
  // Alone on a terminal: the full-screen app. In a pipe: the overview below.
  if (args.empty() && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) args = {"app"};
  if (!args.empty() && (args[0] == "--version" || args[0] == "-V")) {
    std::cout << "tunedeck " << TUNEDECK_VERSION << "\n";
    return 0;
  }
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    print_overview();
    return 0;
  }
  const tunedeck::Command* command = find_command(args[0]);
  if (!command) {
    std::cerr << "tunedeck: unknown command '" << args[0] << "' (see tunedeck --help)\n";
    return 2;
  }
  tunedeck::CliArgs cli(std::vector<std::string>(args.begin() + 1, args.end()));
  if (cli.help_requested()) {
    std::cout << command->usage;
    return 0;
  }
  try {
    return command->run(cli);
  } catch (const tunedeck::UsageError& e) {
    std::cerr << "tunedeck " << command->name << ": " << e.what() << " (see tunedeck "
              << command->name << " --help)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "tunedeck " << command->name << ": error: " << e.what() << "\n";
    return 1;
  }
}
