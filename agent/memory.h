// Conversation memory in sqlite: sessions, messages and tool calls, each committed the moment it
// is appended (a killed process loses nothing an append already returned); full-text search over
// messages; choosing the recent messages that fit a prompt's token budget.
// Not the training run log: train/ keeps its own tables in the same file through its own
// connection and SqliteDb::migrate("run_log", ...) list. Not a chat template: it stores raw
// messages.
// Thread rules: one Memory per thread (it is one connection); other threads and processes open
// their own Memory on the same file (WAL; a writer waits up to 5 s for another).
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "agent/chat_message.h"
#include "core/sqlite_db.h"

namespace tunedeck {

struct SessionInfo {
  int64_t id = 0;
  std::string name;
  std::string created_at;  // UTC, "2027-01-04T09:30:00.123Z"
  int64_t message_count = 0;
  std::string last_activity;  // the newest message's created_at, else created_at
};

struct StoredMessage {
  int64_t id = 0;
  int64_t session_id = 0;
  ChatMessage message;
  std::string created_at;
  int token_count = -1;  // -1: not recorded
};

// One executed tool call with its trace, as the agent loop reports it.
struct ToolCallRecord {
  int64_t session_id = 0;
  int64_t message_id = 0;  // the assistant message that made the call; 0: none
  std::string name;
  std::string arguments_json;
  std::string result_json;  // "" when the call failed
  std::string error;        // "" when the call succeeded
  double latency_ms = 0;
  std::string raw_text;  // the model text the call was parsed from
};

struct MemorySearchHit {
  int64_t message_id = 0;
  std::string session_name;
  std::string role;
  std::string snippet;  // one line around the first match, the match in [brackets]
  std::string created_at;
};

// Tokens a text takes in the prompt (the caller decides whether it includes per-message overhead).
using TokenCounter = std::function<int(const std::string& text)>;

class Memory {
 public:
  // Opens or creates the database (and its parent folders) and migrates the memory schema.
  // Throws SqliteError naming the file when it cannot be opened, is not a database, or holds a
  // memory schema newer than this build knows.
  explicit Memory(const std::string& path);

  // The memory component's schema steps, oldest first (see SqliteDb::migrate).
  static std::vector<SqliteMigration> migrations();

  // Sessions. Names are non-empty and unique.
  int64_t create_session(const std::string& name);  // throws when the name is taken
  int64_t open_session(const std::string& name);    // creates the session when missing
  std::optional<int64_t> find_session(const std::string& name);
  std::vector<SessionInfo> list_sessions();  // sorted by name

  // Appends and commits; returns the new row id. Throws std::invalid_argument for a role other
  // than system/user/assistant/tool, SqliteError for an unknown session.
  int64_t append_message(int64_t session_id, const ChatMessage& message, int token_count = -1);
  int64_t append_tool_call(const ToolCallRecord& call);  // returns the row's id

  std::vector<StoredMessage> load_messages(int64_t session_id);  // oldest first

  // Messages of every session containing every whitespace-separated term of `text`, newest
  // first. Case-insensitive for ASCII. Terms of 3+ characters use the FTS5 trigram index;
  // shorter ones (Korean "요일") are matched by a scan.
  std::vector<MemorySearchHit> search(const std::string& text, int limit = 20);

  // The session's messages that fit the prompt, after a system prompt ("" for none): see
  // memory_fit_to_budget().
  ChatMessages recent_messages(int64_t session_id, const std::string& system_prompt,
                               int budget_tokens, const TokenCounter& count_tokens);

 private:
  SqliteDb db_;
};

// Chooses what of a conversation goes into a prompt of `budget_tokens` (the context left after
// the tool list, the generation prompt and room for the answer), counting each message's content
// with `count_tokens`:
// 1. every system message, always (moved to the front);
// 2. then whole turns (a user message and the assistant and tool messages after it), newest
//    first, while they fit; older turns are dropped, so a tool call never loses its result;
// 3. when not even the newest turn fits: its first message (the question, even over budget)
//    and the newest blocks of it (an assistant message with the tool results after it) that fit.
ChatMessages memory_fit_to_budget(const ChatMessages& messages, int budget_tokens,
                                  const TokenCounter& count_tokens);

}  // namespace tunedeck
