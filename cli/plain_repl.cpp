#include "cli/plain_repl.h"

#include <poll.h>
#include <readline/history.h>
#include <readline/readline.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <istream>
#include <ostream>
#include <stdexcept>

#include "session/agent_printer.h"

namespace tunedeck {
namespace {

constexpr int kHistoryLines = 1000;

// readline's callback interface passes no context: the line it finishes lands here. Only the
// thread running PlainRepl::read_terminal_line touches it.
struct FinishedLine {
  bool done = false;
  bool end_of_input = false;  // Ctrl-D on an empty line
  std::string text;
};
FinishedLine* g_finished_line = nullptr;

void on_readline_line(char* line) {
  g_finished_line->done = true;
  if (line == nullptr) {
    g_finished_line->end_of_input = true;
  } else {
    g_finished_line->text = line;
    std::free(line);
  }
  rl_callback_handler_remove();
}

bool is_blank(const std::string& line) {
  return line.find_first_not_of(" \t\r\n") == std::string::npos;
}

// append_history() does not create the file; make it (and its folder) first.
void prepare_history_file(const std::string& path) {
  std::error_code error;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), error);
  std::ofstream touch(path, std::ios::app);
}

}  // namespace

PlainRepl::PlainRepl(AgentLoop& loop, ChatCommands& commands, std::atomic<bool>& interrupt,
                     std::ostream& out, std::ostream& err)
    : loop_(loop), commands_(commands), interrupt_(interrupt), out_(out), err_(err) {}

bool PlainRepl::handle_line(const std::string& line) {
  if (is_blank(line)) return true;
  if (ChatCommands::is_command(line)) {
    const ChatCommandOutput output = commands_.run(line);
    (output.ok ? out_ : err_) << output.text << std::flush;
    return !output.quit;
  }
  AgentPrinter printer(out_, loop_.chat_template().tool_call_syntax());
  interrupt_ = false;
  const AgentTurnResult turn = loop_.run_turn(
      line, [&](const AgentEvent& event) { printer.on_event(event); }, &interrupt_);
  interrupt_ = false;
  printer.finish_turn();
  commands_.remember_turn(turn);
  err_ << agent_turn_summary(turn) << "\n" << std::flush;
  return true;
}

void PlainRepl::run_stream(std::istream& in) {
  std::string line;
  while (std::getline(in, line)) {
    if (!handle_line(line)) return;
  }
}

void PlainRepl::run_terminal(const std::string& history_file) {
  rl_catch_signals = 0;  // SIGINT belongs to the caller's handler (it sets interrupt_)
  if (!history_file.empty()) {
    prepare_history_file(history_file);
    read_history(history_file.c_str());
  }
  while (true) {
    const std::optional<std::string> line = read_terminal_line("> ");
    if (!line) {
      out_ << "\n" << std::flush;
      break;
    }
    if (!is_blank(*line)) {
      add_history(line->c_str());
      if (!history_file.empty()) append_history(1, history_file.c_str());
    }
    if (!handle_line(*line)) break;
  }
  if (!history_file.empty()) history_truncate_file(history_file.c_str(), kHistoryLines);
}

// Waits in poll() rather than inside readline() so that Ctrl-C (EINTR with interrupt_ set)
// clears the line and shows a fresh prompt instead of being lost.
std::optional<std::string> PlainRepl::read_terminal_line(const std::string& prompt) {
  FinishedLine line;
  g_finished_line = &line;
  rl_callback_handler_install(prompt.c_str(), on_readline_line);
  while (!line.done) {
    pollfd input{STDIN_FILENO, POLLIN, 0};
    const int ready = poll(&input, 1, -1);
    if (ready < 0 && errno == EINTR) {
      if (interrupt_.exchange(false)) {
        rl_replace_line("", 0);
        rl_crlf();
        rl_on_new_line();
        rl_redisplay();
      }
      continue;
    }
    if (ready < 0) {
      rl_callback_handler_remove();
      g_finished_line = nullptr;
      throw std::runtime_error(std::string("reading the terminal: ") + std::strerror(errno));
    }
    rl_callback_read_char();
  }
  g_finished_line = nullptr;
  if (line.end_of_input) return std::nullopt;
  return line.text;
}

}  // namespace tunedeck
