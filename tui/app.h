// The full-screen app (`tunedeck`, `tunedeck app`, `tunedeck chat`): conversation, tool trace,
// GPU/memory and training panes, a status bar and a readline input line. One UI thread owns
// the terminal: it waits in poll() on the keyboard and the workers' event pipe, folds events
// into AppState and redraws what changed at most ~30 times a second. Generation
// (tui/chat_worker), training (tui/train_worker), the stats sampler and the run log watcher
// (tui/app_monitor) run on their own threads and never wait on drawing.
// Not the plain REPL (cli/plain_repl.h). Thread rules: run_app() on the main thread.
#pragma once
#include "session/chat_session.h"

namespace tunedeck {

// Runs the app until the user leaves; returns the exit status. The model comes from --model or
// the config's [model] path; without one the app opens anyway and says how to load one.
// Throws std::runtime_error when stdin/stdout is not a terminal or the config is broken.
int run_app(const SessionFlags& flags);

}  // namespace tunedeck
