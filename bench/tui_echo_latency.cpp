// tui_echo_latency: time from a keystroke to its echo on the screen in the full-screen app,
// measured from outside as a terminal sees it: the app runs on a pseudo-terminal; for each key
// the clock starts when the byte is written to the pty and stops when the echoed character comes
// back in the app's output. Idle, or with --train CONFIG: a training run started with /train
// start and answers being generated (questions asked again as they finish) while keys are timed.
//   tui_echo_latency --model ../shared/models/stories260k [--keys 300] [--train CONFIG.toml]
// Prints p50/p90/p99/max in milliseconds. Not a test: numbers depend on the machine.
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "cli/cli_args.h"

namespace {

using Clock = std::chrono::steady_clock;

class PtyApp {
 public:
  PtyApp(const std::vector<std::string>& argv, int columns, int rows) {
    winsize size{};
    size.ws_col = static_cast<unsigned short>(columns);
    size.ws_row = static_cast<unsigned short>(rows);
    pid_ = forkpty(&fd_, nullptr, nullptr, &size);
    if (pid_ < 0) {
      std::perror("forkpty");
      std::exit(1);
    }
    if (pid_ == 0) {
      setenv("TERM", "xterm-256color", 1);
      setenv("LANG", "C.UTF-8", 1);
      std::vector<char*> args;
      for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      std::perror("execv");
      _exit(127);
    }
  }
  ~PtyApp() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
    close(fd_);
  }

  void write_bytes(const std::string& bytes) {
    [[maybe_unused]] const ssize_t n = write(fd_, bytes.data(), bytes.size());
  }

  // Reads what is there (waiting up to `wait_ms` for the first bytes); appends to output().
  void read_some(int wait_ms) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, wait_ms) <= 0) return;
    char buffer[65536];
    const ssize_t n = read(fd_, buffer, sizeof buffer);
    if (n > 0) output_.append(buffer, n);
  }

  // Reads until `text` appears after `from`; false after `limit_ms`.
  bool wait_for(const std::string& text, size_t from, int limit_ms) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(limit_ms);
    while (Clock::now() < deadline) {
      if (output_.find(text, from) != std::string::npos) return true;
      read_some(10);
    }
    return output_.find(text, from) != std::string::npos;
  }

  void drain(int ms) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(ms);
    while (Clock::now() < deadline) read_some(5);
  }

  const std::string& output() const { return output_; }

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  std::string output_;
};

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const size_t index =
      std::min(values.size() - 1, static_cast<size_t>(p * (values.size() - 1) + 0.5));
  return values[index];
}

std::string exe_dir() {
  char path[4096];
  const ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) return ".";
  path[n] = '\0';
  std::string dir(path);
  return dir.substr(0, dir.rfind('/'));
}

}  // namespace

int main(int argc, char** argv) {
  tunedeck::CliArgs args(std::vector<std::string>(argv + 1, argv + argc));
  const std::string model = args.value_or("model", "");
  const int keys = args.int_or("keys", 300);
  const std::string train = args.value_or("train", "");
  const std::string db = args.value_or("db", "/tmp/tui_echo_latency.db");
  args.finish();
  if (model.empty()) {
    std::fprintf(stderr, "usage: tui_echo_latency --model DIR [--keys N] [--train CONFIG.toml]\n");
    return 2;
  }
  PtyApp app({exe_dir() + "/tunedeck", "app", "--model", model, "--db", db, "--max-new-tokens",
              "100000", "--max-steps", "1"},
             100, 30);
  if (!app.wait_for("adapter: none", 0, 60000)) {
    std::fprintf(stderr, "the app did not come up\n");
    return 1;
  }
  app.drain(1500);
  const bool loaded = !train.empty();
  if (loaded) {
    app.write_bytes("/train start " + train + "\r");
    app.drain(3000);  // its pre-flight
  }
  // Under load, a question every 40 keys: each answers until the context is full, the next
  // waits in the chat's queue, so generation never stops while keys are timed.
  auto ask = [&] { app.write_bytes("Once upon a time\r"); };
  std::vector<double> ms;
  for (int i = 0; i < keys; i++) {
    if (i % 40 == 0) {          // keep the line short
      app.write_bytes("\x15");  // Ctrl-U
      app.drain(50);
      if (loaded) ask();
    }
    const size_t from = app.output().size();
    const auto start = Clock::now();
    app.write_bytes("~");
    if (!app.wait_for("~", from, 5000)) {
      std::fprintf(stderr, "key %d: no echo within 5 s\n", i);
      continue;
    }
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    app.drain(15 + (i * 7) % 20);  // keys 15-35 ms apart, out of step with the frames
  }
  if (ms.empty()) return 1;
  std::printf("%s: %zu keys, echo latency p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n",
              loaded ? "generation + training" : "idle", ms.size(), percentile(ms, 0.5),
              percentile(ms, 0.9), percentile(ms, 0.99), percentile(ms, 1.0));
  app.write_bytes("\x15/quit\r");
  app.drain(300);
  return 0;
}
