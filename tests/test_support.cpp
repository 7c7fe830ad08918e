#include "tests/test_support.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace tunedeck::testing {
namespace {

std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value && *value ? std::string(value) : fallback;
}

}  // namespace

std::string shared_dir() { return env_or("TUNEDECK_SHARED_DIR", TUNEDECK_SHARED_DIR_DEFAULT); }
std::string source_dir() { return env_or("TUNEDECK_SOURCE_DIR", TUNEDECK_SOURCE_DIR_DEFAULT); }
std::string bin_dir() { return env_or("TUNEDECK_BIN_DIR", TUNEDECK_BIN_DIR_DEFAULT); }

std::string stories_dir() { return shared_dir() + "/models/stories260k"; }
std::string datebot_dir() { return source_dir() + "/etc/models/datebot"; }

ScopedEnv::ScopedEnv(const std::string& name, const char* value) : name_(name) {
  const char* old = std::getenv(name.c_str());
  had_value_ = old != nullptr;
  if (had_value_) old_value_ = old;
  if (value)
    setenv(name.c_str(), value, 1);
  else
    unsetenv(name.c_str());
}

ScopedEnv::~ScopedEnv() {
  if (had_value_)
    setenv(name_.c_str(), old_value_.c_str(), 1);
  else
    unsetenv(name_.c_str());
}

ScratchDir::ScratchDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "tunedeck-test-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

namespace {

// Starts `argv` ("tunedeck" as argv[0] is the built binary) with `env` added and pipes for its
// stdin, stdout and stderr, whose other ends are `in`, `out` and `err`.
pid_t spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env, int& in,
            int& out, int& err) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe(in_pipe) || pipe(out_pipe) || pipe(err_pipe)) throw std::runtime_error("pipe failed");
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    for (int fd : {in_pipe[0], in_pipe[1], out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]})
      close(fd);
    for (const auto& kv : env) putenv(const_cast<char*>(kv.c_str()));
    std::vector<std::string> args = argv;
    if (!args.empty() && args[0] == "tunedeck") args[0] = bin_dir() + "/tunedeck";
    std::vector<char*> c_args;
    for (auto& a : args) c_args.push_back(a.data());
    c_args.push_back(nullptr);
    execv(c_args[0], c_args.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  close(err_pipe[1]);
  in = in_pipe[1];
  out = out_pipe[0];
  err = err_pipe[0];
  return pid;
}

int exit_code_of(int status) {
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

CommandResult run_command(const std::vector<std::string>& argv, const std::string& input,
                          const std::vector<std::string>& env) {
  int in = -1, out = -1, err = -1;
  const pid_t pid = spawn(argv, env, in, out, err);
  CommandResult result;
  size_t written = 0;
  if (input.empty()) {
    close(in);
    in = -1;
  } else {
    fcntl(in, F_SETFL, O_NONBLOCK);
  }
  bool out_open = true, err_open = true;
  char buf[65536];
  while (out_open || err_open) {
    pollfd fds[3] = {
        {out_open ? out : -1, POLLIN, 0}, {err_open ? err : -1, POLLIN, 0}, {in, POLLOUT, 0}};
    poll(fds, 3, 1000);
    if (fds[0].revents) {
      ssize_t n = read(out, buf, sizeof buf);
      if (n <= 0)
        out_open = false;
      else
        result.out.append(buf, n);
    }
    if (fds[1].revents) {
      ssize_t n = read(err, buf, sizeof buf);
      if (n <= 0)
        err_open = false;
      else
        result.err.append(buf, n);
    }
    if (in >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t n = write(in, input.data() + written, input.size() - written);
      if (n > 0) written += n;
      if (n < 0 || written == input.size()) {
        close(in);
        in = -1;
      }
    }
  }
  if (in >= 0) close(in);
  close(out);
  close(err);
  int status = 0;
  waitpid(pid, &status, 0);
  result.exit_code = exit_code_of(status);
  return result;
}

LiveProcess::LiveProcess(const std::vector<std::string>& argv,
                         const std::vector<std::string>& env) {
  pid_ = spawn(argv, env, stdin_, stdout_, stderr_);
}

LiveProcess::~LiveProcess() {
  for (int fd : {stdin_, stdout_, stderr_})
    if (fd >= 0) close(fd);
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

void LiveProcess::write_stdin(const std::string& text) {
  if (write(stdin_, text.data(), text.size()) != static_cast<ssize_t>(text.size()))
    throw std::runtime_error("short write to the child's stdin");
}

bool LiveProcess::read_until(const std::function<bool()>& done, int give_up_after_s) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(give_up_after_s);
  // Appends what `fd` has to `into`; at the end of its output, closes it and sets it to -1.
  auto drain = [](short revents, int& fd, std::string& into) {
    if (revents == 0) return;
    char buffer[4096];
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n > 0) {
      into.append(buffer, static_cast<size_t>(n));
    } else {
      close(fd);
      fd = -1;
    }
  };
  while (!done()) {
    if (stdout_ < 0 && stderr_ < 0) return false;
    if (std::chrono::steady_clock::now() > deadline) return false;
    pollfd fds[2] = {{stdout_, POLLIN, 0}, {stderr_, POLLIN, 0}};
    if (poll(fds, 2, 100) <= 0) continue;
    drain(fds[0].revents, stdout_, out);
    drain(fds[1].revents, stderr_, err);
  }
  return true;
}

std::optional<std::string> LiveProcess::read_line(int give_up_after_s) {
  if (!read_until([&] { return out.find('\n', next_line_) != std::string::npos; }, give_up_after_s))
    return std::nullopt;
  const size_t end = out.find('\n', next_line_);
  std::string line = out.substr(next_line_, end - next_line_);
  next_line_ = end + 1;
  return line;
}

int LiveProcess::kill_and_wait(int signal) {
  if (signal != 0) kill(pid_, signal);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return exit_code_of(status);
}

int64_t dead_pid() {
  const pid_t child = fork();
  if (child == 0) _exit(0);
  int status = 0;
  waitpid(child, &status, 0);
  return child;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw std::runtime_error("cannot write " + path);
  out << content;
}

std::string stories_chat_jsonl(int rows) {
  static const char* const kLines[] = {
      R"({"messages": [{"role": "user", "content": "Who has a red ball?"}, {"role": "assistant", "content": "Tom has a red ball."}]})",
      R"({"messages": [{"role": "user", "content": "What does Lily like?"}, {"role": "assistant", "content": "Lily likes the big tree."}]})",
      R"({"messages": [{"role": "user", "content": "Where is the dog?"}, {"role": "assistant", "content": "The dog is in the park."}]})",
      R"({"messages": [{"role": "user", "content": "What color is the cat?"}, {"role": "assistant", "content": "The cat is blue."}]})",
      R"({"messages": [{"role": "user", "content": "Who is happy?"}, {"role": "assistant", "content": "Ben is happy today."}]})"};
  if (rows < 1 || rows > 5) throw std::invalid_argument("stories_chat_jsonl: rows must be 1 to 5");
  std::string jsonl;
  for (int i = 0; i < rows; ++i) jsonl += std::string(kLines[i]) + "\n";
  return jsonl;
}

ModelConfig llama_config(const LlamaShape& shape) {
  ModelConfig c;
  c.hidden_size = shape.hidden;
  c.num_layers = shape.layers;
  c.num_heads = shape.heads;
  c.num_kv_heads = shape.kv_heads;
  c.head_dim = shape.head_dim;
  c.intermediate_size = shape.intermediate;
  c.vocab_size = shape.vocab;
  c.max_position_embeddings = shape.positions;
  c.tie_word_embeddings = false;
  return c;
}

ModelConfig small_model_config() { return llama_config({32, 2, 4, 2, 8, 48, 64, 32}); }

ModelConfig gqa_model_config() {
  ModelConfig c = llama_config({64, 3, 8, 2, 8, 96, 128, 64});
  c.rms_norm_eps = 1e-5;
  c.rope_theta = 500000.0;
  return c;
}

}  // namespace tunedeck::testing
