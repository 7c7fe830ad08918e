// `tunedeck chat --plain`: the line-by-line chat (readline on a terminal, plain lines from a
// pipe), answers streamed with each tool call inline, slash commands. Thin: the set-up is
// tui/agent_setup, the REPL tui/plain_repl, the commands tui/chat_commands.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <iostream>

#include "tui/agent_setup.h"
#include "tui/app.h"
#include "tui/chat_commands.h"
#include "tui/commands.h"
#include "tui/plain_repl.h"

namespace tunedeck {
namespace {

const std::string kUsage =
    std::string(
        "usage: tunedeck chat [--plain] [options]\n"
        "\n"
        "Talks with the agent line by line: type a question, or a /command (/help lists them).\n"
        "Answers stream as they are written; each tool call shows on its own line (→ result,\n"
        "✗ error). The conversation is stored in the database and continues next time "
        "(--session).\n"
        "Reads plain lines without a prompt when stdin is not a terminal (scripts, tests).\n"
        "\n"
        "  --plain                the line-by-line chat (without it: the full-screen app)\n") +
    kAgentFlagsUsage +
    "\n"
    "The default session is \"default\". History: $XDG_DATA_HOME/tunedeck/history.\n"
    "Ctrl-C stops the answer being written (what was said is kept); Ctrl-D or /quit leaves.\n"
    "Example: tunedeck chat --plain --model ~/models/datebot --session dates\n";

std::atomic<bool> g_interrupted{false};  // set by SIGINT: the one flag a signal handler may touch
void on_sigint(int) { g_interrupted = true; }

// $XDG_DATA_HOME/tunedeck/history, else ~/.local/share/tunedeck/history; "" with neither.
std::string history_file() {
  const char* data_home = std::getenv("XDG_DATA_HOME");
  if (data_home != nullptr && data_home[0] == '/')
    return std::string(data_home) + "/tunedeck/history";
  const char* home = std::getenv("HOME");
  if (home != nullptr && home[0] != '\0')
    return std::string(home) + "/.local/share/tunedeck/history";
  return "";
}

int run_chat(CliArgs& args) {
  const AgentFlags flags = agent_flags_read(args);
  const bool plain = args.flag("plain");
  args.finish();
  if (!plain && !(isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)))
    throw UsageError("the full-screen chat needs a terminal: use tunedeck chat --plain in pipes "
                     "and scripts");
  if (!plain) return run_app(flags);  // tui/app.h: the full-screen app

  AgentSetup setup(flags, "default", std::cerr);
  ChatCommands commands(setup.loop(), setup.memory(), setup.tools(), setup.session_name());
  PlainRepl repl(setup.loop(), commands, g_interrupted, std::cout, std::cerr);
  struct sigaction action {};
  action.sa_handler = on_sigint;
  action.sa_flags = SA_RESTART;  // poll() at the prompt still wakes with EINTR
  sigaction(SIGINT, &action, nullptr);

  if (isatty(STDIN_FILENO)) {
    std::cout << "tunedeck chat: " << setup.model_dir() << ", template "
              << setup.chat_template().name() << ", session " << setup.session_name()
              << ". /help for commands, /quit to leave.\n";
    repl.run_terminal(history_file());
  } else {
    repl.run_stream(std::cin);
  }
  return 0;
}

}  // namespace

extern const Command kChatCommand = {"chat", "talk with the agent (--plain: line by line)",
                                     kUsage.c_str(), run_chat};

}  // namespace tunedeck
