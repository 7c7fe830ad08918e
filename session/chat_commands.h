// The chat's slash commands (/help, /tools, /tool, /raw, /session(s), /system, /save, /memory,
// /set, /quit), each turned into text to show, so the plain REPL and the full-screen app handle
// them the same way.
// Not the reading of lines and not the agent turn itself. Single-threaded: call it on the thread
// that owns the AgentLoop and its Memory, never while a turn is running.
#pragma once
#include <string>

#include "agent/agent_loop.h"
#include "agent/memory.h"
#include "agent/tool_registry.h"

namespace tunedeck {

struct ChatCommandOutput {
  std::string text;   // what to show, newline-terminated ("" for nothing)
  bool ok = true;     // false: `text` is an error message
  bool quit = false;  // /quit
};

class ChatCommands {
 public:
  // The referenced objects must outlive this one. `session_name` is the loop's current session.
  ChatCommands(AgentLoop& loop, Memory& memory, const ToolRegistry& tools,
               std::string session_name);

  // True for a line the commands handle (it starts with '/').
  static bool is_command(const std::string& line);
  // Runs one command line. Never throws: bad input and database errors come back with ok=false.
  ChatCommandOutput run(const std::string& line);

  // Keeps the turn for /raw.
  void remember_turn(const AgentTurnResult& turn) { last_turn_ = turn; }
  const std::string& session_name() const { return session_name_; }

 private:
  ChatCommandOutput help() const;
  ChatCommandOutput tools() const;
  ChatCommandOutput tool(const std::string& arguments) const;
  ChatCommandOutput raw() const;
  ChatCommandOutput session(const std::string& arguments);
  ChatCommandOutput memory_search(const std::string& arguments);
  ChatCommandOutput system(const std::string& arguments);
  ChatCommandOutput save(const std::string& arguments);
  ChatCommandOutput set(const std::string& arguments);

  AgentLoop& loop_;
  Memory& memory_;
  const ToolRegistry& tools_;
  std::string session_name_;
  AgentTurnResult last_turn_;
};

}  // namespace tunedeck
