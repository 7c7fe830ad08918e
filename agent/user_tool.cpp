#include "agent/user_tool.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include "agent/json_schema.h"
#include "agent/tool_registry.h"

namespace tunedeck {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kStderrTailBytes = 2000;
constexpr double kMaxTimeoutS = 3600;
constexpr std::size_t kMaxOutputCap = 64u << 20;

bool is_identifier_char(char c, bool first) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         (!first && c >= '0' && c <= '9');
}

// Calls visit(name, begin, end) for every "{identifier}" in `text`; braces around anything else
// (spaces, punctuation, empty) are not placeholders and stay as written.
template <typename Visit>
void for_each_placeholder(const std::string& text, Visit visit) {
  for (size_t open = text.find('{'); open != std::string::npos; open = text.find('{', open + 1)) {
    size_t end = open + 1;
    while (end < text.size() && is_identifier_char(text[end], end == open + 1)) ++end;
    if (end > open + 1 && end < text.size() && text[end] == '}')
      visit(text.substr(open + 1, end - open - 1), open, end + 1);
  }
}

std::string argument_text(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  return value.dump();
}

std::string expand_placeholders(const std::string& element, const json& args) {
  std::string out;
  size_t copied = 0;
  for_each_placeholder(element, [&](const std::string& name, size_t begin, size_t end) {
    out += element.substr(copied, begin - copied);
    out += args.contains(name) ? argument_text(args[name]) : "";
    copied = end;
  });
  return out + element.substr(copied);
}

// Program output may be any bytes (and the cap may cut a character in two); JSON needs UTF-8.
// Invalid sequences become U+FFFD.
std::string valid_utf8(const std::string& bytes) {
  std::string out;
  size_t i = 0;
  while (i < bytes.size()) {
    const unsigned char lead = bytes[i];
    const size_t length = lead < 0x80           ? 1
                          : (lead >> 5) == 0x6  ? 2
                          : (lead >> 4) == 0xE  ? 3
                          : (lead >> 3) == 0x1E ? 4
                                                : 0;
    bool valid = length > 0 && i + length <= bytes.size();
    for (size_t k = 1; valid && k < length; ++k)
      valid = (static_cast<unsigned char>(bytes[i + k]) & 0xC0) == 0x80;
    if (valid) {
      out.append(bytes, i, length);
      i += length;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

// ---- running the program ----

struct ProgramRun {
  int status = 0;  // from waitpid
  bool timed_out = false;
  bool truncated = false;  // stdout went past the cap
  std::string out;         // at most the cap
  std::string err_tail;    // the last kStderrTailBytes of stderr
};

// Written by the child to the parent when chdir or exec fails (the pipe closes on exec).
struct StartFailure {
  int in_chdir;  // 1: chdir failed, 0: exec failed
  int error;     // errno
};

// Runs in the forked child: only async-signal-safe calls (no allocation) until exec.
[[noreturn]] void child_start(char* const* argv, const char* cwd, int out_fd, int err_fd,
                              int failure_fd) {
  setpgid(0, 0);  // its own process group, so a timeout kills what it started too
  const int null_fd = open("/dev/null", O_RDONLY);
  dup2(null_fd, 0);
  dup2(out_fd, 1);
  dup2(err_fd, 2);
  if (null_fd > 2) close(null_fd);
  StartFailure failure{1, 0};
  if (*cwd == '\0' || chdir(cwd) == 0) {
    failure.in_chdir = 0;
    execvp(argv[0], argv);
  }
  failure.error = errno;
  ssize_t ignored = write(failure_fd, &failure, sizeof failure);
  (void)ignored;
  _exit(127);
}

void close_fd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

// Reads what is ready on `fd` into `sink`; closes it at end of file.
template <typename Sink>
void drain(int& fd, Sink sink) {
  char buf[65536];
  const ssize_t n = read(fd, buf, sizeof buf);
  if (n > 0)
    sink(buf, static_cast<size_t>(n));
  else if (n == 0 || errno != EINTR)
    close_fd(fd);
}

void collect_output(const UserToolSpec& spec, pid_t pid, int out_fd, int err_fd, ProgramRun& run) {
  const auto deadline = Clock::now() + std::chrono::duration<double>(spec.timeout_s);
  bool reaped = false;
  while (!reaped) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      run.timed_out = true;
      break;
    }
    if (out_fd < 0 && err_fd < 0) {  // pipes closed: wait for the exit, still under the deadline
      reaped = waitpid(pid, &run.status, WNOHANG) == pid;
      if (!reaped) poll(nullptr, 0, 10);
      continue;
    }
    pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    if (poll(fds, 2, static_cast<int>(std::min<long long>(left.count(), 1000))) <= 0) continue;
    if (fds[0].revents)
      drain(out_fd, [&](const char* data, size_t n) {
        const size_t room = spec.max_output_bytes - run.out.size();
        run.out.append(data, std::min(n, room));
        run.truncated = run.truncated || n > room;
      });
    if (fds[1].revents)
      drain(err_fd, [&](const char* data, size_t n) {
        run.err_tail.append(data, n);
        if (run.err_tail.size() > kStderrTailBytes)
          run.err_tail.erase(0, run.err_tail.size() - kStderrTailBytes);
      });
  }
  close_fd(out_fd);
  close_fd(err_fd);
  if (!reaped) waitpid(pid, &run.status, 0);
}

ProgramRun run_program(const UserToolSpec& spec, const std::vector<std::string>& argv) {
  int out_pipe[2], err_pipe[2], failure_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) throw ToolError("cannot create a pipe");
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]), close(out_pipe[1]);
    throw ToolError("cannot create a pipe");
  }
  if (pipe2(failure_pipe, O_CLOEXEC) != 0) {
    for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) close(fd);
    throw ToolError("cannot create a pipe");
  }
  std::vector<char*> c_argv;  // built before fork: the child must not allocate
  for (const auto& a : argv) c_argv.push_back(const_cast<char*>(a.c_str()));
  c_argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid == 0)
    child_start(c_argv.data(), spec.cwd.c_str(), out_pipe[1], err_pipe[1], failure_pipe[1]);
  if (pid > 0) setpgid(pid, pid);  // also here, so a kill at once cannot miss the group
  for (int fd : {out_pipe[1], err_pipe[1], failure_pipe[1]}) close(fd);
  if (pid < 0) {
    for (int fd : {out_pipe[0], err_pipe[0], failure_pipe[0]}) close(fd);
    throw ToolError(std::string("cannot start a process: ") + std::strerror(errno));
  }
  StartFailure failure{};
  ssize_t got;
  do got = read(failure_pipe[0], &failure, sizeof failure);
  while (got < 0 && errno == EINTR);
  close(failure_pipe[0]);
  if (got == static_cast<ssize_t>(sizeof failure)) {  // chdir or exec failed in the child
    for (int fd : {out_pipe[0], err_pipe[0]}) close(fd);
    waitpid(pid, nullptr, 0);
    if (failure.in_chdir)
      throw ToolError("cannot enter working directory '" + spec.cwd +
                      "': " + std::strerror(failure.error));
    throw ToolError("cannot run '" + argv[0] + "': " + std::strerror(failure.error));
  }
  ProgramRun run;
  collect_output(spec, pid, out_pipe[0], err_pipe[0], run);
  return run;
}

std::string with_stderr(const std::string& message, const std::string& err_tail) {
  const std::string tail = valid_utf8(err_tail);
  return tail.empty() ? message : message + "; stderr: " + tail;
}

void throw_if_failed(const UserToolSpec& spec, const ProgramRun& run) {
  const std::string program = "'" + spec.argv[0] + "'";
  if (run.timed_out) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%g", spec.timeout_s);
    throw ToolError(
        with_stderr(program + " timed out after " + seconds + " s and was killed", run.err_tail));
  }
  if (WIFSIGNALED(run.status))
    throw ToolError(with_stderr(program + " was killed by signal " +
                                    std::to_string(WTERMSIG(run.status)) + " (" +
                                    strsignal(WTERMSIG(run.status)) + ")",
                                run.err_tail));
  if (WIFEXITED(run.status) && WEXITSTATUS(run.status) != 0)
    throw ToolError(with_stderr(
        program + " exited with status " + std::to_string(WEXITSTATUS(run.status)), run.err_tail));
}

json result_json(const ProgramRun& run) {
  const std::string text = valid_utf8(run.out);
  if (run.truncated) return {{"output", text}, {"truncated", true}};
  const json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_discarded()) return parsed;
  return {{"output", text}};
}

// ---- checking a spec ----

void check_name(const UserToolSpec& spec, const std::string& where) {
  bool valid = !spec.name.empty() && spec.name[0] >= 'a' && spec.name[0] <= 'z';
  for (char c : spec.name)
    valid = valid && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  if (!valid)
    throw std::invalid_argument(where + ": name '" + spec.name +
                                "' must match [a-z][a-z0-9_]* (lowercase, digits, underscores)");
}

void check_placeholders(const UserToolSpec& spec, const std::string& where) {
  const json& properties =
      spec.parameters.contains("properties") ? spec.parameters["properties"] : json::object();
  for (size_t i = 0; i < spec.argv.size(); ++i)
    for_each_placeholder(spec.argv[i], [&](const std::string& name, size_t, size_t) {
      if (!properties.contains(name))
        throw std::invalid_argument(where + ": argv[" + std::to_string(i) + "] uses {" + name +
                                    "} but parameters.properties declares no '" + name + "'");
    });
}

}  // namespace

void user_tool_check(const UserToolSpec& spec) {
  const std::string where =
      "tool '" + spec.name + "'" + (spec.origin.empty() ? "" : " (" + spec.origin + ")");
  check_name(spec, where);
  if (spec.description.empty())
    throw std::invalid_argument(where + ": description is empty; the model needs one");
  if (spec.argv.empty() || spec.argv[0].empty())
    throw std::invalid_argument(where + ": argv must start with the program to run");
  try {
    json_schema_check(spec.parameters, "parameters");
  } catch (const JsonSchemaError& e) {
    throw std::invalid_argument(where + ": " + e.what());
  }
  if (spec.parameters.value("type", "") != "object")
    throw std::invalid_argument(where + ": parameters must have type \"object\"");
  check_placeholders(spec, where);
  if (!(spec.timeout_s > 0 && spec.timeout_s <= kMaxTimeoutS))
    throw std::invalid_argument(where + ": timeout_s must be in (0, 3600]");
  if (spec.max_output_bytes == 0 || spec.max_output_bytes > kMaxOutputCap)
    throw std::invalid_argument(where + ": max_output_bytes must be in 1..67108864");
}

std::vector<std::string> user_tool_argv(const UserToolSpec& spec, const json& args) {
  std::vector<std::string> argv;
  for (const auto& element : spec.argv) argv.push_back(expand_placeholders(element, args));
  return argv;
}

UserTool::UserTool(UserToolSpec spec) : spec_(std::move(spec)) { user_tool_check(spec_); }

json UserTool::call(const json& args) const {
  const ProgramRun run = run_program(spec_, user_tool_argv(spec_, args));
  throw_if_failed(spec_, run);
  return result_json(run);
}

void register_user_tools(ToolRegistry& registry, const std::vector<UserToolSpec>& specs) {
  for (const auto& spec : specs) {
    auto tool = std::make_unique<UserTool>(spec);
    if (registry.find(spec.name))
      throw std::invalid_argument("tool '" + spec.name + "'" +
                                  (spec.origin.empty() ? "" : " (" + spec.origin + ")") +
                                  ": the name is already taken by another tool");
    registry.add(std::move(tool));
  }
}

}  // namespace tunedeck
