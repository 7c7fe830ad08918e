// Test helpers shared by every test executable: where ../shared, the source tree and the built
// binaries are, environment variables set for a scope, scratch directories, running the real
// tunedeck binary as a subprocess (to the end, or live while the test talks to it), a pid of no
// process, and two small model shapes.
// Not for production code. Single-threaded use.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/model_config.h"

namespace tunedeck::testing {

std::string shared_dir();   // ../shared beside the checkout (TUNEDECK_SHARED_DIR)
std::string source_dir();   // the repository root (TUNEDECK_SOURCE_DIR)
std::string bin_dir();      // build/bin: tunedeck and its modules (TUNEDECK_BIN_DIR)
std::string stories_dir();  // ../shared/models/stories260k: the tiny pretrained Llama
std::string datebot_dir();  // etc/models/datebot: the shipped demo model

// Sets (or, with nullptr, unsets) an environment variable for the object's lifetime; the old
// value comes back afterwards.
class ScopedEnv {
 public:
  ScopedEnv(const std::string& name, const char* value);
  ~ScopedEnv();
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_, old_value_;
  bool had_value_;
};

// A fresh empty directory under $TMPDIR, removed when the object goes out of scope.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

struct CommandResult {
  int exit_code = -1;  // 128+signal when killed by a signal
  std::string out;     // stdout
  std::string err;     // stderr
};

// Runs argv (argv[0] resolved against bin_dir() when it is "tunedeck"), feeding `input` to stdin.
// `env` entries are "KEY=VALUE" added to the current environment.
CommandResult run_command(const std::vector<std::string>& argv, const std::string& input = "",
                          const std::vector<std::string>& env = {});

// A child started as run_command starts it, whose stdout and stderr are read as they come while
// the test writes to its stdin, waits for what it prints, and kills it. Killed (SIGKILL) and
// reaped when the object goes, unless that happened before.
class LiveProcess {
 public:
  explicit LiveProcess(const std::vector<std::string>& argv,
                       const std::vector<std::string>& env = {});
  ~LiveProcess();
  LiveProcess(const LiveProcess&) = delete;
  LiveProcess& operator=(const LiveProcess&) = delete;

  void write_stdin(const std::string& text);
  // Reads into `out` and `err` until `done()` holds; false when it does not within
  // `give_up_after_s` or the child closed both pipes without it.
  bool read_until(const std::function<bool()>& done, int give_up_after_s);
  // The next line of stdout without its "\n"; nullopt at the end of the output or after
  // `give_up_after_s` of silence (a hang).
  std::optional<std::string> read_line(int give_up_after_s = 30);
  // Sends `signal` (0: none) and reaps the child: its exit code, 128+signal when killed.
  int kill_and_wait(int signal);

  std::string out;  // stdout so far
  std::string err;  // stderr so far

 private:
  pid_t pid_ = -1;
  int stdin_ = -1, stdout_ = -1, stderr_ = -1;
  size_t next_line_ = 0;  // where read_line() goes on in `out`
};

// A pid that names no process: a child that has exited and been reaped.
int64_t dead_pid();

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& content);

// The first `rows` (1 to 5) of a small chat dataset in stories260k's words, as JSONL: one
// question and its answer per line ({"messages": [user, assistant]}).
std::string stories_chat_jsonl(int rows);

// The sizes of a Llama for tests, in ModelConfig's order.
struct LlamaShape {
  int hidden, layers, heads, kv_heads, head_dim, intermediate, vocab, positions;
};

// A Llama of that shape with an untied head, the other fields at ModelConfig's defaults.
ModelConfig llama_config(const LlamaShape& shape);

// A small Llama shape for tests that need real tensors and speed: hidden 32, 2 layers, 4 heads
// (2 KV heads) of 8, intermediate 48, vocabulary 64, 32 positions, untied head.
ModelConfig small_model_config();

// A GQA Llama shape for checking the CPU kernels against libtorch's ops: hidden 64, 3 layers,
// 8 heads over 2 KV heads of 8, intermediate 96, vocabulary 128, 64 positions, rms_norm_eps
// 1e-5, rope_theta 500000, untied head.
ModelConfig gqa_model_config();

}  // namespace tunedeck::testing
