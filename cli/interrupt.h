// Ctrl-C for the line-by-line subcommands (ask, chat --plain, generate, stats, train): a SIGINT
// handler that sets one atomic flag, which the work in progress polls (a generation's or the
// trainer's cancel flag, a wait, the plain REPL). Not the full-screen app: tui/app_screen owns
// its signals. The flag is process-wide; install it from the main thread.
#pragma once
#include <atomic>

namespace tunedeck {

// Installs the handler and returns the flag it sets, cleared; the flag lives as long as the
// process. SA_RESTART: a read or write that Ctrl-C interrupts carries on, while poll() and
// sleeps still wake with EINTR.
std::atomic<bool>& interrupt_on_sigint();

}  // namespace tunedeck
