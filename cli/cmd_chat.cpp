// `tunedeck chat --plain`: the line-by-line chat (readline on a terminal, plain lines from a
// pipe), answers streamed with each tool call inline, slash commands. Thin: the set-up is
// session/chat_session, the REPL cli/plain_repl, the commands session/chat_commands.
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <iostream>

#include "cli/commands.h"
#include "cli/interrupt.h"
#include "cli/plain_repl.h"
#include "cli/session_flags.h"
#include "core/paths.h"
#include "session/chat_session.h"
#include "tui/app.h"

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
    kSessionFlagsUsage +
    "\n"
    "The default session is \"default\". History: $XDG_DATA_HOME/tunedeck/history.\n"
    "Ctrl-C stops the answer being written (what was said is kept); Ctrl-D or /quit leaves.\n"
    "Example: tunedeck chat --plain --model ~/models/datebot --session dates\n";

int run_chat(CliArgs& args) {
  const SessionFlags flags = session_flags_read(args);
  const bool plain = args.flag("plain");
  args.finish();
  if (!plain && !(isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)))
    throw UsageError(
        "the full-screen chat needs a terminal: use tunedeck chat --plain in pipes "
        "and scripts");
  if (!plain) return run_app(flags);  // tui/app.h: the full-screen app

  const std::unique_ptr<ChatSession> session = chat_session_open(flags, "default", std::cerr);
  PlainRepl repl(session->loop(), session->commands(), interrupt_on_sigint(), std::cout, std::cerr);

  if (isatty(STDIN_FILENO)) {
    std::cout << "tunedeck chat: " << session->model_path() << ", template "
              << session->chat_template().name() << ", session " << session->session_name()
              << ". /help for commands, /quit to leave.\n";
    repl.run_terminal(line_history_path());
  } else {
    repl.run_stream(std::cin);
  }
  return 0;
}

}  // namespace

extern const Command kChatCommand = {"chat", "talk with the agent (--plain: line by line)",
                                     kUsage.c_str(), run_chat};

}  // namespace tunedeck
