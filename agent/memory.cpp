#include "agent/memory.h"

#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace tunedeck {

// ---- Schema ---------------------------------------------------------------------------------

// The memory component's schema steps. Append new steps; never edit a released one.
std::vector<SqliteMigration> Memory::migrations() {
  return {
      {1, "sessions, messages, tool calls, trigram full-text index over messages", R"(
CREATE TABLE sessions (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TABLE messages (
  id          INTEGER PRIMARY KEY,
  session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  role        TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')),
  content     TEXT NOT NULL,
  name        TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  token_count INTEGER
);
CREATE INDEX messages_by_session ON messages(session_id, id);
CREATE TABLE tool_calls (
  id             INTEGER PRIMARY KEY,
  message_id     INTEGER REFERENCES messages(id) ON DELETE CASCADE,
  session_id     INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  name           TEXT NOT NULL,
  arguments_json TEXT NOT NULL,
  result_json    TEXT NOT NULL DEFAULT '',
  error          TEXT NOT NULL DEFAULT '',
  latency_ms     REAL NOT NULL DEFAULT 0,
  raw_text       TEXT NOT NULL DEFAULT '',
  created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX tool_calls_by_session ON tool_calls(session_id, id);
CREATE VIRTUAL TABLE messages_fts USING fts5(
  content, content='messages', content_rowid='id', tokenize='trigram');
CREATE TRIGGER messages_fts_after_insert AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
END;
CREATE TRIGGER messages_fts_after_delete AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
END;
CREATE TRIGGER messages_fts_after_update AFTER UPDATE OF content ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
  INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
END;
)"},
  };
}

namespace {

// The path, its folder made (see sqlite_db_make_folder).
std::string prepared_path(const std::string& path) {
  if (path.empty()) throw std::invalid_argument("memory database path is empty");
  return sqlite_db_make_folder(path);
}

void require_session_name(const std::string& name) {
  if (name.empty()) throw std::invalid_argument("session name is empty");
}

}  // namespace

Memory::Memory(const std::string& path) : db_(prepared_path(path)) {
  db_.migrate("memory", migrations());
}

// ---- Sessions -------------------------------------------------------------------------------

int64_t Memory::create_session(const std::string& name) {
  require_session_name(name);
  if (find_session(name)) {
    throw std::invalid_argument("session '" + name + "' already exists in " + db_.path());
  }
  db_.prepare("INSERT INTO sessions (name) VALUES (?)").bind_text(1, name).run();
  return db_.last_insert_rowid();
}

int64_t Memory::open_session(const std::string& name) {
  require_session_name(name);
  db_.prepare("INSERT INTO sessions (name) VALUES (?) ON CONFLICT(name) DO NOTHING")
      .bind_text(1, name)
      .run();
  return *find_session(name);
}

std::optional<int64_t> Memory::find_session(const std::string& name) {
  SqliteStatement query = db_.prepare("SELECT id FROM sessions WHERE name = ?");
  query.bind_text(1, name);
  if (!query.step()) return std::nullopt;
  return query.column_int64(0);
}

std::vector<SessionInfo> Memory::list_sessions() {
  SqliteStatement query = db_.prepare(
      "SELECT s.id, s.name, s.created_at, COUNT(m.id), COALESCE(MAX(m.created_at), s.created_at) "
      "FROM sessions s LEFT JOIN messages m ON m.session_id = s.id "
      "GROUP BY s.id ORDER BY s.name");
  std::vector<SessionInfo> sessions;
  while (query.step()) {
    sessions.push_back(SessionInfo{query.column_int64(0), query.column_text(1),
                                   query.column_text(2), query.column_int64(3),
                                   query.column_text(4)});
  }
  return sessions;
}

// ---- Messages and tool calls ----------------------------------------------------------------

int64_t Memory::append_message(int64_t session_id, const ChatMessage& message, int token_count) {
  if (!chat_role_is_valid(message.role)) {
    throw std::invalid_argument("cannot store a message with role '" + message.role +
                                "' (expected system, user, assistant or tool)");
  }
  SqliteStatement insert = db_.prepare(
      "INSERT INTO messages (session_id, role, content, name, token_count) VALUES (?, ?, ?, ?, ?)");
  insert.bind_int64(1, session_id).bind_text(2, message.role).bind_text(3, message.content);
  insert.bind_text(4, message.name);
  if (token_count >= 0) {
    insert.bind_int64(5, token_count);
  } else {
    insert.bind_null(5);
  }
  insert.run();  // autocommit: durable once this returns
  return db_.last_insert_rowid();
}

int64_t Memory::append_tool_call(const ToolCallRecord& call) {
  SqliteStatement insert = db_.prepare(
      "INSERT INTO tool_calls (message_id, session_id, name, arguments_json, result_json, error, "
      "latency_ms, raw_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  if (call.message_id > 0) {
    insert.bind_int64(1, call.message_id);
  } else {
    insert.bind_null(1);
  }
  insert.bind_int64(2, call.session_id).bind_text(3, call.name).bind_text(4, call.arguments_json);
  insert.bind_text(5, call.result_json).bind_text(6, call.error).bind_double(7, call.latency_ms);
  insert.bind_text(8, call.raw_text).run();
  return db_.last_insert_rowid();
}

std::vector<StoredMessage> Memory::load_messages(int64_t session_id) {
  SqliteStatement query = db_.prepare(
      "SELECT id, session_id, role, content, name, created_at, token_count FROM messages "
      "WHERE session_id = ? ORDER BY id");
  query.bind_int64(1, session_id);
  std::vector<StoredMessage> messages;
  while (query.step()) {
    StoredMessage stored;
    stored.id = query.column_int64(0);
    stored.session_id = query.column_int64(1);
    stored.message = ChatMessage{query.column_text(2), query.column_text(3), query.column_text(4)};
    stored.created_at = query.column_text(5);
    stored.token_count = query.column_is_null(6) ? -1 : static_cast<int>(query.column_int64(6));
    messages.push_back(std::move(stored));
  }
  return messages;
}

// ---- Search ---------------------------------------------------------------------------------

namespace {

bool is_utf8_continuation(char byte) { return (static_cast<unsigned char>(byte) & 0xC0) == 0x80; }

size_t utf8_length(const std::string& text) {
  size_t count = 0;
  for (char byte : text) count += is_utf8_continuation(byte) ? 0 : 1;
  return count;
}

size_t utf8_back(const std::string& text, size_t position, int characters) {
  while (characters-- > 0 && position > 0) {
    position--;
    while (position > 0 && is_utf8_continuation(text[position])) position--;
  }
  return position;
}

size_t utf8_forward(const std::string& text, size_t position, int characters) {
  while (characters-- > 0 && position < text.size()) {
    position++;
    while (position < text.size() && is_utf8_continuation(text[position])) position++;
  }
  return position;
}

std::string ascii_lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

std::vector<std::string> search_terms(const std::string& text) {
  std::istringstream words(text);
  std::vector<std::string> terms;
  for (std::string word; words >> word;) terms.push_back(word);
  return terms;
}

// The trigram index finds substrings of 3 or more characters; it cannot answer shorter ones.
bool indexable(const std::string& term) { return utf8_length(term) >= 3; }

// An FTS5 string literal: the term matched as a substring, quotes doubled.
std::string fts_phrase(const std::string& term) {
  std::string phrase = "\"";
  for (char c : term) phrase += c == '"' ? std::string("\"\"") : std::string(1, c);
  return phrase + "\"";
}

// One line around the first occurrence of `term`: "…before [match] after…".
std::string snippet_around(const std::string& content, const std::string& term) {
  const size_t found = ascii_lower(content).find(ascii_lower(term));
  const size_t match = found == std::string::npos ? 0 : found;
  const size_t match_end = found == std::string::npos ? 0 : found + term.size();
  const size_t begin = utf8_back(content, match, 30);
  const size_t end = utf8_forward(content, match_end, 50);
  std::string snippet = begin > 0 ? "…" : "";
  snippet += content.substr(begin, match - begin);
  if (match_end > match) snippet += "[" + content.substr(match, match_end - match) + "]";
  snippet += content.substr(match_end, end - match_end);
  if (end < content.size()) snippet += "…";
  for (char& c : snippet) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return snippet;
}

}  // namespace

std::vector<MemorySearchHit> Memory::search(const std::string& text, int limit) {
  const std::vector<std::string> terms = search_terms(text);
  if (terms.empty() || limit <= 0) return {};

  std::string fts_query;  // every long term must match: "t1" AND "t2"
  std::vector<std::string> short_terms;
  for (const std::string& term : terms) {
    if (indexable(term)) {
      fts_query += (fts_query.empty() ? "" : " AND ") + fts_phrase(term);
    } else {
      short_terms.push_back(term);
    }
  }
  std::string sql =
      "SELECT m.id, s.name, m.role, m.content, m.created_at FROM messages m "
      "JOIN sessions s ON s.id = m.session_id WHERE 1";
  if (!fts_query.empty()) {
    sql += " AND m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?)";
  }
  for (size_t i = 0; i < short_terms.size(); i++) {
    sql += " AND instr(lower(m.content), lower(?)) > 0";
  }
  sql += " ORDER BY m.id DESC LIMIT ?";

  SqliteStatement query = db_.prepare(sql);
  int index = 1;
  if (!fts_query.empty()) query.bind_text(index++, fts_query);
  for (const std::string& term : short_terms) query.bind_text(index++, term);
  query.bind_int64(index, limit);

  std::vector<MemorySearchHit> hits;
  while (query.step()) {
    hits.push_back(
        MemorySearchHit{query.column_int64(0), query.column_text(1), query.column_text(2),
                        snippet_around(query.column_text(3), terms[0]), query.column_text(4)});
  }
  return hits;
}

// ---- Prompt budget --------------------------------------------------------------------------

ChatMessages Memory::recent_messages(int64_t session_id, const std::string& system_prompt,
                                     int budget_tokens, const TokenCounter& count_tokens) {
  ChatMessages messages;
  if (!system_prompt.empty()) messages.push_back(ChatMessage{"system", system_prompt, ""});
  for (StoredMessage& stored : load_messages(session_id)) {
    messages.push_back(std::move(stored.message));
  }
  return memory_fit_to_budget(messages, budget_tokens, count_tokens);
}

namespace {

// Splits messages[from, to) into [begin, end) ranges, a new one at each message of
// `starting_role` (and at `from`).
std::vector<std::pair<size_t, size_t>> split_groups(const ChatMessages& messages, size_t from,
                                                    size_t to, const std::string& starting_role) {
  std::vector<std::pair<size_t, size_t>> groups;
  for (size_t i = from; i < to; i++) {
    if (groups.empty() || messages[i].role == starting_role) groups.push_back({i, i});
    groups.back().second = i + 1;
  }
  return groups;
}

}  // namespace

ChatMessages memory_fit_to_budget(const ChatMessages& messages, int budget_tokens,
                                  const TokenCounter& count_tokens) {
  ChatMessages system;
  ChatMessages conversation;
  int used = 0;
  for (const ChatMessage& message : messages) {
    if (message.role == "system") {
      system.push_back(message);
      used += count_tokens(message.content);
    } else {
      conversation.push_back(message);
    }
  }
  auto cost = [&](size_t begin, size_t end) {
    int tokens = 0;
    for (size_t i = begin; i < end; i++) tokens += count_tokens(conversation[i].content);
    return tokens;
  };

  // 2. whole turns, newest first.
  const auto turns = split_groups(conversation, 0, conversation.size(), "user");
  size_t keep_from = conversation.size();
  for (auto turn = turns.rbegin(); turn != turns.rend(); ++turn) {
    const int tokens = cost(turn->first, turn->second);
    if (used + tokens > budget_tokens) break;
    used += tokens;
    keep_from = turn->first;
  }
  ChatMessages kept = system;
  if (keep_from < conversation.size() || turns.empty()) {
    kept.insert(kept.end(), conversation.begin() + static_cast<std::ptrdiff_t>(keep_from),
                conversation.end());
    return kept;
  }

  // 3. the newest turn alone is too big: its question, then its newest call blocks that fit.
  const auto [turn_begin, turn_end] = turns.back();
  used += cost(turn_begin, turn_begin + 1);
  const auto blocks = split_groups(conversation, turn_begin + 1, turn_end, "assistant");
  size_t blocks_from = turn_end;
  for (auto block = blocks.rbegin(); block != blocks.rend(); ++block) {
    const int tokens = cost(block->first, block->second);
    if (used + tokens > budget_tokens) break;
    used += tokens;
    blocks_from = block->first;
  }
  kept.push_back(conversation[turn_begin]);
  kept.insert(kept.end(), conversation.begin() + static_cast<std::ptrdiff_t>(blocks_from),
              conversation.begin() + static_cast<std::ptrdiff_t>(turn_end));
  return kept;
}

}  // namespace tunedeck
