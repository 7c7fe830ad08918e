// Test helpers shared by every test executable: where ../shared, the source tree and the built
// binaries are, scratch directories, running the real tunedeck binary as a subprocess, and a
// small model shape.
// Not for production code. Single-threaded use.
#pragma once
#include <string>
#include <vector>

#include "core/model_config.h"

namespace tunedeck::testing {

std::string shared_dir();  // ../shared beside the checkout (TUNEDECK_SHARED_DIR)
std::string source_dir();  // the repository root (TUNEDECK_SOURCE_DIR)
std::string bin_dir();     // build/bin: tunedeck and its modules (TUNEDECK_BIN_DIR)
std::string stories_dir(); // ../shared/models/stories260k: the tiny pretrained Llama
std::string datebot_dir(); // etc/models/datebot: the shipped demo model

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

std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& content);

// A small Llama shape for tests that need real tensors and speed: hidden 32, 2 layers, 4 heads
// (2 KV heads) of 8, intermediate 48, vocabulary 64, 32 positions, tied head.
ModelConfig small_model_config();

}  // namespace tunedeck::testing
