// Memory: sessions, messages and tool calls survive a reopen and a SIGKILL; search finds Korean
// and English text; schema versions are enforced; the prompt budget keeps whole turns.
#include "agent/memory.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "tests/agent/stored_tool_calls.h"
#include "tests/test_support.h"

namespace tunedeck {
namespace {

using testing::ScratchDir;

int count_chars(const std::string& text) { return static_cast<int>(text.size()); }

TEST(Memory, SessionsMessagesAndToolCallsRoundTripThroughAReopen) {
  ScratchDir dir;
  const std::string path = dir.file("memory.db");
  int64_t session = 0;
  int64_t call_message = 0;
  {
    Memory memory(path);
    session = memory.create_session("dates");
    memory.append_message(session, {"user", "What day is 2027-01-04?", ""}, 9);
    call_message = memory.append_message(
        session, {"assistant", "<tool_call>{\"name\": \"weekday\"}</tool_call>", ""});
    memory.append_message(session, {"tool", "{\"weekday\": \"Monday\"}", "weekday"});
    ToolCallRecord call;
    call.session_id = session;
    call.message_id = call_message;
    call.name = "weekday";
    call.arguments_json = R"({"date": "2027-01-04"})";
    call.result_json = R"({"weekday": "Monday"})";
    call.latency_ms = 1.5;
    call.raw_text = "<tool_call>{\"name\": \"weekday\"}</tool_call>";
    EXPECT_GT(memory.append_tool_call(call), 0);
    ToolCallRecord failed;
    failed.session_id = session;
    failed.name = "nope";
    failed.arguments_json = "{}";
    failed.error = "unknown tool 'nope'";
    memory.append_tool_call(failed);
  }
  Memory memory(path);
  ASSERT_EQ(memory.find_session("dates"), session);
  const std::vector<StoredMessage> messages = memory.load_messages(session);
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].message.role, "user");
  EXPECT_EQ(messages[0].message.content, "What day is 2027-01-04?");
  EXPECT_EQ(messages[0].token_count, 9);
  EXPECT_EQ(messages[1].id, call_message);
  EXPECT_EQ(messages[1].token_count, -1);
  EXPECT_EQ(messages[2].message.role, "tool");
  EXPECT_EQ(messages[2].message.name, "weekday");
  EXPECT_EQ(messages[2].session_id, session);
  EXPECT_EQ(messages[2].created_at.size(), 24u);  // 2027-01-04T09:30:00.123Z
  EXPECT_EQ(messages[2].created_at.back(), 'Z');

  const std::vector<ToolCallRecord> calls = testing::stored_tool_calls(path, session);
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].message_id, call_message);
  EXPECT_EQ(calls[0].name, "weekday");
  EXPECT_EQ(calls[0].arguments_json, R"({"date": "2027-01-04"})");
  EXPECT_EQ(calls[0].result_json, R"({"weekday": "Monday"})");
  EXPECT_EQ(calls[0].error, "");
  EXPECT_DOUBLE_EQ(calls[0].latency_ms, 1.5);
  EXPECT_EQ(calls[0].raw_text, "<tool_call>{\"name\": \"weekday\"}</tool_call>");
  EXPECT_EQ(calls[1].message_id, 0);
  EXPECT_EQ(calls[1].error, "unknown tool 'nope'");
  EXPECT_EQ(calls[1].result_json, "");
}

TEST(Memory, SessionNamesAreUnique) {
  ScratchDir dir;
  Memory memory(dir.file("memory.db"));
  const int64_t id = memory.create_session("work");
  EXPECT_EQ(memory.open_session("work"), id);
  EXPECT_NE(memory.open_session("play"), id);
  EXPECT_EQ(memory.find_session("absent"), std::nullopt);
  try {
    memory.create_session("work");
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "session 'work' already exists in " + dir.file("memory.db"));
  }
  EXPECT_THROW(memory.open_session(""), std::invalid_argument);
}

TEST(Memory, ListSessionsCountsMessagesAndLastActivity) {
  ScratchDir dir;
  Memory memory(dir.file("memory.db"));
  const int64_t beta = memory.create_session("beta");
  const int64_t alpha = memory.create_session("alpha");
  memory.append_message(alpha, {"user", "one", ""});
  memory.append_message(alpha, {"assistant", "two", ""});
  const std::vector<SessionInfo> sessions = memory.list_sessions();
  ASSERT_EQ(sessions.size(), 2u);
  EXPECT_EQ(sessions[0].id, alpha);
  EXPECT_EQ(sessions[0].name, "alpha");
  EXPECT_EQ(sessions[0].message_count, 2);
  EXPECT_EQ(sessions[0].last_activity, memory.load_messages(alpha).back().created_at);
  EXPECT_EQ(sessions[1].id, beta);
  EXPECT_EQ(sessions[1].message_count, 0);
  EXPECT_EQ(sessions[1].last_activity, sessions[1].created_at);
}

TEST(Memory, AppendRejectsAnUnknownRoleAndAnUnknownSession) {
  ScratchDir dir;
  Memory memory(dir.file("memory.db"));
  const int64_t session = memory.create_session("s");
  try {
    memory.append_message(session, {"robot", "beep", ""});
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "cannot store a message with role 'robot' (expected system, user, assistant or "
              "tool)");
  }
  try {
    memory.append_message(session + 100, {"user", "orphan", ""});
    FAIL() << "expected an error";
  } catch (const SqliteError& e) {
    EXPECT_NE(std::string(e.what()).find("FOREIGN KEY constraint failed"), std::string::npos)
        << e.what();
    EXPECT_EQ(std::string(e.what()).rfind(dir.file("memory.db") + ": ", 0), 0u) << e.what();
  }
  EXPECT_TRUE(memory.load_messages(session).empty());
}

TEST(Memory, UsesWalAndCreatesParentFolders) {
  ScratchDir dir;
  const std::string path = dir.file("a/b/c/memory.db");
  Memory memory(path);
  EXPECT_TRUE(std::filesystem::exists(path));
  SqliteDb db(path);
  SqliteStatement mode = db.prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.step());
  EXPECT_EQ(mode.column_text(0), "wal");
}

TEST(Memory, RefusesAFileThatIsNotADatabase) {
  ScratchDir dir;
  const std::string path = dir.file("notes.txt");
  testing::write_file(path, std::string(4096, 'x'));
  try {
    Memory memory(path);
    FAIL() << "expected an error";
  } catch (const SqliteError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(path + ": file is not a database", 0), 0u) << e.what();
  }
}

// ---- search -------------------------------------------------------------------------------

class MemorySearch : public ::testing::Test {
 protected:
  void SetUp() override {
    korean_session_ = memory_.create_session("한국어");
    english_session_ = memory_.create_session("english");
    korean_ =
        memory_.append_message(korean_session_, {"user", "2027년 1월 4일은 무슨 요일이야?", ""});
    korean_answer_ = memory_.append_message(korean_session_,
                                            {"assistant", "2027년 1월 4일은 월요일입니다.", ""});
    english_ =
        memory_.append_message(english_session_, {"assistant", "January 4, 2027 is a Monday.", ""});
  }
  ScratchDir dir_;
  Memory memory_{dir_.file("memory.db")};
  int64_t korean_session_ = 0, english_session_ = 0, korean_ = 0, korean_answer_ = 0, english_ = 0;
};

TEST_F(MemorySearch, FindsAShortKoreanSubstring) {
  const std::vector<MemorySearchHit> hits = memory_.search("요일", 10);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].message_id, korean_answer_);  // newest first
  EXPECT_EQ(hits[0].session_name, "한국어");
  EXPECT_EQ(hits[0].role, "assistant");
  EXPECT_EQ(hits[0].snippet, "2027년 1월 4일은 월[요일]입니다.");
  EXPECT_EQ(hits[1].message_id, korean_);
  EXPECT_EQ(hits[1].snippet, "2027년 1월 4일은 무슨 [요일]이야?");
}

TEST_F(MemorySearch, FindsAKoreanWordThroughTheIndex) {
  const std::vector<MemorySearchHit> hits = memory_.search("월요일", 10);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].message_id, korean_answer_);
}

TEST_F(MemorySearch, FindsEnglishCaseInsensitively) {
  const std::vector<MemorySearchHit> hits = memory_.search("monday", 10);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].message_id, english_);
  EXPECT_EQ(hits[0].session_name, "english");
  EXPECT_EQ(hits[0].snippet, "January 4, 2027 is a [Monday].");
}

TEST_F(MemorySearch, EveryTermMustMatch) {
  EXPECT_EQ(memory_.search("2027", 10).size(), 3u);
  const std::vector<MemorySearchHit> hits = memory_.search("2027 Monday", 10);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].message_id, english_);
  EXPECT_TRUE(memory_.search("Monday 요일", 10).empty());
  EXPECT_TRUE(memory_.search("Tuesday", 10).empty());
  EXPECT_TRUE(memory_.search("   ", 10).empty());
}

TEST_F(MemorySearch, LimitAndQuotesAreSafe) {
  EXPECT_EQ(memory_.search("2027", 2).size(), 2u);
  EXPECT_TRUE(memory_.search("\"Monday\" OR x", 10).empty());  // quotes are literal text
  EXPECT_TRUE(memory_.search("%", 10).empty());
}

TEST_F(MemorySearch, TheIndexFollowsEditsAndDeletes) {
  SqliteDb db(dir_.file("memory.db"));
  db.exec("UPDATE messages SET content = 'Tuesday it is' WHERE id = " + std::to_string(english_));
  EXPECT_TRUE(memory_.search("Monday", 10).empty());
  EXPECT_EQ(memory_.search("Tuesday", 10).size(), 1u);
  db.exec("DELETE FROM messages WHERE id = " + std::to_string(english_));
  EXPECT_TRUE(memory_.search("Tuesday", 10).empty());
}

TEST(MemorySearchSnippet, LongContentIsCutAroundTheMatch) {
  ScratchDir dir;
  Memory memory(dir.file("memory.db"));
  const int64_t session = memory.create_session("s");
  memory.append_message(session,
                        {"user", std::string(100, 'a') + "\nneedle\n" + std::string(100, 'b'), ""});
  const std::vector<MemorySearchHit> hits = memory.search("needle", 10);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].snippet,
            "…" + std::string(29, 'a') + " [needle] " + std::string(49, 'b') + "…");
}

// ---- schema versions ----------------------------------------------------------------------

TEST(MemorySchema, FreshDatabaseIsAtTheLatestVersion) {
  ScratchDir dir;
  Memory memory(dir.file("memory.db"));
  SqliteDb db(dir.file("memory.db"));
  EXPECT_EQ(db.schema_version("memory"), static_cast<int>(Memory::migrations().size()));
  EXPECT_EQ(db.schema_version("run_log"), 0);
}

TEST(MemorySchema, NewerDatabaseIsRefusedWithTheFileAndVersions) {
  ScratchDir dir;
  const std::string path = dir.file("memory.db");
  {
    Memory memory(path);
    SqliteDb(path).exec("UPDATE schema_versions SET version = 7 WHERE component = 'memory'");
  }
  try {
    Memory memory(path);
    FAIL() << "expected an error";
  } catch (const SqliteError& e) {
    EXPECT_EQ(std::string(e.what()),
              path +
                  ": the memory schema in this database is version 7, newer than this "
                  "tunedeck knows (up to 1); it was written by a newer tunedeck. Upgrade "
                  "tunedeck, or use another database file.");
  }
}

TEST(MemorySchema, AnotherComponentMigratesStepByStepBesideMemory) {
  ScratchDir dir;
  const std::string path = dir.file("memory.db");
  std::vector<SqliteMigration> run_log = {
      {1, "runs", "CREATE TABLE runs (id INTEGER PRIMARY KEY, name TEXT);"},
      {2, "metrics", "CREATE TABLE metrics (run_id INTEGER, step INTEGER, loss REAL);"},
  };
  {
    Memory memory(path);
    SqliteDb beside(path);  // another component's own connection to the same file
    beside.migrate("run_log", run_log);
    beside.exec("INSERT INTO runs (name) VALUES ('first')");
    EXPECT_EQ(beside.schema_version("run_log"), 2);
  }
  run_log.push_back({3, "a column", "ALTER TABLE runs ADD COLUMN seed INTEGER DEFAULT 7;"});
  SqliteDb db(path);
  db.migrate("run_log", run_log);
  db.migrate("run_log", run_log);  // already current: nothing runs twice
  EXPECT_EQ(db.schema_version("run_log"), 3);
  EXPECT_EQ(db.schema_version("memory"), 1);
  SqliteStatement query = db.prepare("SELECT name, seed FROM runs");
  ASSERT_TRUE(query.step());
  EXPECT_EQ(query.column_text(0), "first");
  EXPECT_EQ(query.column_int64(1), 7);
}

TEST(MemorySchema, AFailedStepLeavesTheVersionAndNamesTheStep) {
  ScratchDir dir;
  SqliteDb db(dir.file("memory.db"));
  const std::vector<SqliteMigration> broken = {
      {1, "good", "CREATE TABLE good (x INTEGER);"},
      {2, "bad", "CREATE TABLE good (x INTEGER);"},
  };
  try {
    db.migrate("thing", broken);
    FAIL() << "expected an error";
  } catch (const SqliteError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("table good already exists"), std::string::npos) << what;
    EXPECT_NE(what.find("[migrating thing to version 2: bad]"), std::string::npos) << what;
  }
  EXPECT_EQ(db.schema_version("thing"), 0);
  EXPECT_FALSE(db.prepare("SELECT name FROM sqlite_master WHERE name = 'good'").step());
}

TEST(MemorySchema, MisnumberedMigrationListIsAProgrammingError) {
  ScratchDir dir;
  SqliteDb db(dir.file("memory.db"));
  EXPECT_THROW(db.migrate("thing", {{2, "skips one", "SELECT 1;"}}), std::logic_error);
}

// ---- prompt budget (one token per character) ------------------------------------------------

ChatMessage msg(const std::string& role, int length, char fill) {
  return ChatMessage{role, std::string(static_cast<size_t>(length), fill), ""};
}

TEST(MemoryBudget, KeepsSystemThenTheNewestWholeTurns) {
  const ChatMessages messages = {msg("system", 10, 's'),    msg("user", 10, 'a'),
                                 msg("assistant", 10, 'A'), msg("user", 10, 'b'),
                                 msg("assistant", 5, 'B'),  msg("tool", 5, 'b'),
                                 msg("assistant", 10, 'B'), msg("user", 10, 'c')};
  // system 10 + turn c 10 + turn b 30 = 50; turn a (20 more) does not fit in 60.
  const ChatMessages kept = memory_fit_to_budget(messages, 60, count_chars);
  ASSERT_EQ(kept.size(), 6u);
  EXPECT_EQ(kept[0].role, "system");
  EXPECT_EQ(kept[1].content, std::string(10, 'b'));
  EXPECT_EQ(kept[2].content, std::string(5, 'B'));
  EXPECT_EQ(kept[3].role, "tool");
  EXPECT_EQ(kept[5].content, std::string(10, 'c'));
  EXPECT_EQ(memory_fit_to_budget(messages, 70, count_chars).size(), messages.size());
  // 49: turn b no longer fits, so its tool call and result go together.
  const ChatMessages tight = memory_fit_to_budget(messages, 49, count_chars);
  ASSERT_EQ(tight.size(), 2u);
  EXPECT_EQ(tight[1].content, std::string(10, 'c'));
}

TEST(MemoryBudget, AnOversizedNewestTurnKeepsItsQuestionAndNewestCallBlocks) {
  const ChatMessages messages = {msg("system", 10, 's'),    msg("user", 10, 'q'),
                                 msg("assistant", 20, '1'), msg("tool", 20, '1'),
                                 msg("assistant", 5, '2'),  msg("tool", 5, '2')};
  // system 10 + question 10 + newest block 10 = 30 fits; the older block (40) does not.
  const ChatMessages kept = memory_fit_to_budget(messages, 40, count_chars);
  ASSERT_EQ(kept.size(), 4u);
  EXPECT_EQ(kept[0].role, "system");
  EXPECT_EQ(kept[1].content, std::string(10, 'q'));
  EXPECT_EQ(kept[2].content, std::string(5, '2'));
  EXPECT_EQ(kept[3].role, "tool");
  // Even with no room at all, the question stays so the model sees what was asked.
  const ChatMessages bare = memory_fit_to_budget(messages, 0, count_chars);
  ASSERT_EQ(bare.size(), 2u);
  EXPECT_EQ(bare[1].content, std::string(10, 'q'));
}

TEST(MemoryBudget, RecentMessagesComeFromTheSessionAfterTheSystemPrompt) {
  ScratchDir dir;
  Memory memory(dir.file("memory.db"));
  const int64_t session = memory.create_session("s");
  memory.append_message(session, {"user", "first question", ""});
  memory.append_message(session, {"assistant", "first answer", ""});
  memory.append_message(session, {"user", "second", ""});
  const ChatMessages kept = memory.recent_messages(session, "Be brief.", 20, count_chars);
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].role, "system");
  EXPECT_EQ(kept[0].content, "Be brief.");
  EXPECT_EQ(kept[1].content, "second");
  EXPECT_EQ(memory.recent_messages(session, "", 1000, count_chars).size(), 3u);
}

// ---- crash safety ---------------------------------------------------------------------------

// The child appends messages and reports each id on a pipe after append_message returned (after
// the commit); the parent SIGKILLs it mid-stream. Every reported message must be in the file.
TEST(MemoryCrash, EveryMessageReportedBeforeSigkillSurvives) {
  ScratchDir dir;
  const std::string path = dir.file("crash.db");
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(pipe_fds[0]);
    try {
      Memory memory(path);
      const int64_t session = memory.open_session("crash");
      for (int i = 0; i < 1000000; i++) {
        const int64_t id =
            memory.append_message(session, {"user", "message " + std::to_string(i), ""});
        const std::string line = std::to_string(id) + " " + std::to_string(i) + "\n";
        if (write(pipe_fds[1], line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
          _exit(2);
        }
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "child: %s\n", e.what());
      _exit(1);
    }
    _exit(0);
  }
  close(pipe_fds[1]);
  FILE* reports = fdopen(pipe_fds[0], "r");
  ASSERT_NE(reports, nullptr);
  std::map<int64_t, int> reported;  // message id -> i
  long long id = 0;
  int i = 0;
  while (std::fscanf(reports, "%lld %d", &id, &i) == 2) {
    reported[id] = i;
    if (reported.size() == 300) kill(child, SIGKILL);  // lines already in the pipe still count
  }
  std::fclose(reports);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  ASSERT_GE(reported.size(), 300u);

  Memory memory(path);
  const std::optional<int64_t> session = memory.find_session("crash");
  ASSERT_TRUE(session.has_value());
  std::map<int64_t, std::string> stored;
  for (const StoredMessage& message : memory.load_messages(*session)) {
    stored[message.id] = message.message.content;
  }
  EXPECT_GE(stored.size(), reported.size());
  for (const auto& [message_id, index] : reported) {
    ASSERT_EQ(stored.count(message_id), 1u) << "message " << message_id << " was lost";
    EXPECT_EQ(stored[message_id], "message " + std::to_string(index));
  }
  EXPECT_FALSE(memory.search("message 299", 5).empty());  // the index survived too
}

}  // namespace
}  // namespace tunedeck
