// `tunedeck app` (and `tunedeck` alone on a terminal): the full-screen app. Thin: flags, then
// tui/app.
#include <string>

#include "cli/commands.h"
#include "cli/session_flags.h"
#include "tui/app.h"

namespace tunedeck {
namespace {

const std::string kUsage =
    std::string(
        "usage: tunedeck app [options]     (also: tunedeck alone on a terminal, tunedeck chat)\n"
        "\n"
        "The full-screen app: the conversation with the agent, each tool call in the trace pane,\n"
        "GPU/memory and a training run live, a status bar and an input line with history and Tab\n"
        "completion. /help inside lists the commands; F10 or /quit leaves.\n"
        "Without a model it opens anyway: /model PATH loads one.\n"
        "\n") +
    kSessionFlagsUsage +
    "\n"
    "Keys: Tab/F2 focus, arrows/PgUp/PgDn/Home/End scroll, Enter opens a trace entry, F5 zoom,\n"
    "Esc/Ctrl-C stop an answer, F10 or Ctrl-D quit. stderr goes to\n"
    "$XDG_STATE_HOME/tunedeck/tunedeck.log (~/.local/state/...) while the screen is up.\n"
    "Example: tunedeck app --model ../shared/models/stories260k\n";

int run(CliArgs& args) {
  const SessionFlags flags = session_flags_read(args);
  args.finish();
  return run_app(flags);
}

}  // namespace

extern const Command kAppCommand = {"app", "the full-screen app (chat, tool trace, GPU, training)",
                                    kUsage.c_str(), run};

}  // namespace tunedeck
