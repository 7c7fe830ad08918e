// `tunedeck chat --plain` as the real binary with scripted stdin on stories260k: the slash
// commands, a question, memory search, /quit; and the crash test: SIGKILL mid-conversation,
// then every answer printed before the kill is found in the database.
#include <gtest/gtest.h>
#include <signal.h>

#include "agent/memory.h"
#include "tests/test_support.h"

namespace tunedeck {
namespace {

using testing::CommandResult;
using testing::stories_dir;

size_t count_of(const std::string& text, const std::string& part) {
  size_t count = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) count++;
  return count;
}

class ChatCli : public ::testing::Test {
 protected:
  std::vector<std::string> env() const {
    return {"XDG_CONFIG_HOME=" + dir_.file("config"), "XDG_DATA_HOME=" + dir_.file("data")};
  }
  std::vector<std::string> chat_argv() const {
    return {testing::bin_dir() + "/tunedeck",
            "chat",
            "--plain",
            "--model",
            stories_dir(),
            "--max-new-tokens",
            "24",
            "--db",
            db_};
  }
  testing::ScratchDir dir_;
  std::string db_ = dir_.file("chat.db");
};

TEST_F(ChatCli, ScriptedSessionRunsCommandsAndAQuestion) {
  const std::string input =
      "/help\n"
      "/tools\n"
      "/tool add_days {\"date\":\"2026-02-20\",\"days\":100}\n"
      "/tool add_days {\"date\":\"2026-02-30\",\"days\":1}\n"
      "/session new x\n"
      "Once upon a time\n"
      "/raw\n"
      "/memory search upon\n"
      "/session list\n"
      "/set temperature 0.5\n"
      "/set warmth 3\n"
      "/quit\n"
      "never asked\n";
  const CommandResult r = testing::run_command(chat_argv(), input, env());
  ASSERT_EQ(r.exit_code, 0) << r.err;

  EXPECT_NE(r.out.find("  /tool NAME [JSON]     call a tool by hand"), std::string::npos);
  EXPECT_NE(r.out.find("add_days(date, days)  Returns the date"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"date\": \"2026-05-31\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"weekday_en\": \"Sunday\""), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("error: argument 'date': '2026-02-30': day 30 does not exist"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("session: x\n"), std::string::npos);
  EXPECT_NE(r.out.find("--- step 1 (length, 24 tokens) ---\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[x] user: Once [upon] a time\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("* x  2 messages, last "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("temperature = 0.5\n"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("unknown setting 'warmth'"), std::string::npos) << r.err;
  EXPECT_EQ(count_of(r.err, "[answered] 1 step, prompt "), 1u) << r.err;  // /quit stopped it
  EXPECT_EQ(r.out.find("> "), std::string::npos);  // no prompt when stdin is not a terminal

  Memory memory(db_);
  const std::vector<StoredMessage> messages = memory.load_messages(*memory.find_session("x"));
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].message.content, "Once upon a time");
  EXPECT_EQ(messages[1].message.role, "assistant");
  // The answer was printed (leading whitespace aside) before /raw printed it again.
  const std::string answer = messages[1].message.content;
  EXPECT_NE(r.out.find(answer.substr(answer.find_first_not_of(" \n"))), std::string::npos);
}

TEST_F(ChatCli, FullScreenWithoutPlainIsAUsageError) {
  const CommandResult r =
      testing::run_command({testing::bin_dir() + "/tunedeck", "chat", "--db", db_}, "", env());
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("use tunedeck chat --plain"), std::string::npos) << r.err;
}

// What the REPL prints for one answer: the text without its leading whitespace, then a newline
// unless it ends with one (session/agent_printer).
std::string printed_form(const std::string& answer) {
  const size_t begin = answer.find_first_not_of(" \t\r\n");
  std::string text = begin == std::string::npos ? "" : answer.substr(begin);
  if (!text.empty() && text.back() != '\n') text += "\n";
  return text;
}

TEST_F(ChatCli, SigkillMidConversationLosesNothingThatWasPrinted) {
  constexpr int kQuestions = 40;
  std::vector<std::string> argv = chat_argv();
  argv[6] = "60";  // --max-new-tokens: long enough answers that the kill lands mid-conversation
  testing::LiveProcess chat(argv, env());
  std::string questions;
  for (int i = 1; i <= kQuestions; i++) questions += "Question number " + std::to_string(i) + "\n";
  chat.write_stdin(questions);

  // Three answers finished (a summary line follows each), then kill at once.
  const bool three_done =
      chat.read_until([&] { return count_of(chat.err, "[answered]") >= 3; }, 120);
  ASSERT_TRUE(three_done) << chat.err;
  const std::string printed = chat.out;
  const size_t finished = count_of(chat.err, "[answered]");
  EXPECT_EQ(chat.kill_and_wait(SIGKILL), 128 + SIGKILL);
  ASSERT_LT(finished, static_cast<size_t>(kQuestions)) << "the kill came after the end";

  Memory memory(db_);
  const std::vector<StoredMessage> messages = memory.load_messages(*memory.find_session("default"));
  std::vector<std::string> questions_stored, answers_stored;
  for (const StoredMessage& m : messages) {
    (m.message.role == "user" ? questions_stored : answers_stored).push_back(m.message.content);
  }
  // Every finished answer and its question are there, in order, exactly as printed.
  ASSERT_GE(answers_stored.size(), finished);
  ASSERT_GE(questions_stored.size(), finished);
  std::string expected;
  for (size_t i = 0; i < finished; i++) {
    EXPECT_EQ(questions_stored[i], "Question number " + std::to_string(i + 1));
    expected += printed_form(answers_stored[i]);
  }
  EXPECT_EQ(printed.substr(0, expected.size()), expected);
}

}  // namespace
}  // namespace tunedeck
