#include "cli/interrupt.h"

#include <signal.h>

namespace tunedeck {
namespace {

std::atomic<bool> g_interrupted{false};  // lock-free: the one thing a signal handler may touch
static_assert(std::atomic<bool>::is_always_lock_free);

void on_sigint(int) { g_interrupted = true; }

}  // namespace

std::atomic<bool>& interrupt_on_sigint() {
  g_interrupted = false;
  struct sigaction action {};
  action.sa_handler = on_sigint;
  action.sa_flags = SA_RESTART;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  return g_interrupted;
}

}  // namespace tunedeck
