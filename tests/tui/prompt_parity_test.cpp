// The app and `tunedeck ask` give the model the same prompt for the same conversation: both get
// their session from session/chat_session (the app through its chat worker, ask through
// chat_session_open), and a drift between them (one encoding the template's markers as single
// ids, the other as text) would make the app answer differently from ask, chat --plain and
// training. Checked on the ids the model received for the second question of a conversation
// in Llama 2's template, whose "</s><s>[INST]" between turns is one EOS id only when encoded with
// the template's markers.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <sstream>
#include <thread>

#include "agent/chat_template.h"
#include "core/stats/memory_accounting.h"
#include "core/tokenizer.h"
#include "session/chat_session.h"
#include "tests/test_support.h"
#include "tui/app_event_queue.h"
#include "tui/chat_worker.h"

namespace tunedeck {
namespace {

using testing::ScopedEnv;
using testing::ScratchDir;

constexpr char kFirst[] = "hi";
constexpr char kSecond[] = "2026년 2월 20일은 무슨 요일이야?";

SessionFlags datebot_flags(const ScratchDir& dir, const std::string& db) {
  SessionFlags flags;
  flags.model = testing::datebot_dir();
  flags.chat_template = "llama2";
  flags.db = dir.file(db);
  flags.temperature = 0.0;
  flags.max_new_tokens = 4;
  flags.max_steps = 1;
  flags.threads = 1;
  return flags;
}

// The prompt ids of the second question's first model step, asked through the path of
// `tunedeck ask` and `chat --plain`.
std::vector<int> prompt_ids_through_ask(const SessionFlags& flags) {
  std::ostringstream warnings;
  std::unique_ptr<ChatSession> session = chat_session_open(flags, "ask", warnings);
  session->loop().run_turn(kFirst, {});
  const AgentTurnResult turn = session->loop().run_turn(kSecond, {});
  EXPECT_FALSE(turn.steps.empty()) << turn.error;
  return turn.steps.empty() ? std::vector<int>{} : turn.steps[0].generation.prompt_ids;
}

// The same through the app's chat worker, read from the events it posts to the UI thread.
std::vector<int> prompt_ids_through_app(const SessionFlags& flags) {
  AppEventQueue events;
  MemoryAccounting accounting;
  ChatWorker worker(session_config(flags), "app", "", events, accounting);
  worker.set_threads(1);
  worker.start();
  worker.ask(kFirst);
  worker.ask(kSecond);
  std::vector<int> ids;
  int turns_finished = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    for (const AppEvent& event : events.drain()) {
      if (event.kind == AppEventKind::kAgent && turns_finished == 1 &&
          event.agent.kind == AgentEventKind::kModelOutput && ids.empty())
        ids = event.agent.generation.prompt_ids;
      if (event.kind == AppEventKind::kNotice && !event.ok) ADD_FAILURE() << event.text;
      if (event.kind == AppEventKind::kTurnFinished && ++turns_finished == 2) return ids;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ADD_FAILURE() << "the app's turn did not finish in 120 s";
  return ids;
}

TEST(PromptParity, AppAndAskGiveTheModelTheSameIds) {
  ScratchDir dir;
  ScopedEnv config_home("XDG_CONFIG_HOME", dir.file("config").c_str());
  ScopedEnv data_home("XDG_DATA_HOME", dir.file("data").c_str());
  const std::vector<int> ask = prompt_ids_through_ask(datebot_flags(dir, "ask.db"));
  const std::vector<int> app = prompt_ids_through_app(datebot_flags(dir, "app.db"));
  ASSERT_FALSE(ask.empty());
  EXPECT_EQ(app, ask);

  // The check can fail: "</s>" between the turns is the one EOS id in what the model saw, where
  // a plain text encoding of the same prompt gives several pieces.
  const std::unique_ptr<Tokenizer> tokenizer = tokenizer_load_dir(testing::datebot_dir());
  ASSERT_GT(tokenizer->encode("</s>").size(), 1u) << "several pieces as plain text";
  EXPECT_NE(std::find(ask.begin(), ask.end(), tokenizer->special().eos_id), ask.end());
}

}  // namespace
}  // namespace tunedeck
