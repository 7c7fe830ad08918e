// The line-by-line chat of `tunedeck chat --plain`: reads a line (readline, with history and
// editing, on a terminal; std::getline and no prompt otherwise, for scripts and tests), runs slash
// commands through ChatCommands and questions through the AgentLoop, streaming the answer with
// each tool call inline (AgentPrinter) and a one-line summary on `err` after each answer.
// Not the full-screen app. Single-threaded; `interrupt` is set by the caller's SIGINT handler:
// during an answer it cancels the answer (what was said is kept), at the prompt it clears the line.
#pragma once
#include <atomic>
#include <iosfwd>
#include <optional>
#include <string>

#include "agent/agent_loop.h"
#include "session/chat_commands.h"

namespace tunedeck {

class PlainRepl {
 public:
  // The referenced objects must outlive the REPL.
  PlainRepl(AgentLoop& loop, ChatCommands& commands, std::atomic<bool>& interrupt,
            std::ostream& out, std::ostream& err);

  // Reads lines from `in` until /quit or its end. No prompt, no history.
  void run_stream(std::istream& in);
  // Reads lines with readline from the terminal until /quit or Ctrl-D. History is loaded from and
  // appended to `history_file` ("" = no history file). REQUIRES: stdin is a terminal.
  void run_terminal(const std::string& history_file);

  // One input line: a slash command or a question. Returns false when the REPL should end.
  bool handle_line(const std::string& line);

 private:
  std::optional<std::string> read_terminal_line(const std::string& prompt);

  AgentLoop& loop_;
  ChatCommands& commands_;
  std::atomic<bool>& interrupt_;
  std::ostream& out_;
  std::ostream& err_;
};

}  // namespace tunedeck
