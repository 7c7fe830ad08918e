// The chat session's assembly: the template it picks for a model folder (the folder's own Jinja
// template unless a family is named; tunedeck's when the folder has none), and that a model that
// fails to load leaves no empty conversation in the database.
#include "session/chat_session.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/stories_with_template.h"
#include "tests/test_support.h"

namespace tunedeck {
namespace {

namespace fs = std::filesystem;
using testing::ScratchDir;

SessionFlags flags_for(const std::string& model, const ScratchDir& dir) {
  SessionFlags flags;
  flags.model = model;
  flags.db = dir.file("memory.db");
  flags.threads = 1;
  flags.max_new_tokens = 4;
  return flags;
}

TEST(ChatSession, UsesTheModelsOwnTemplateUnlessAFamilyIsNamed) {
  ScratchDir dir;
  std::ostringstream warnings;
  const std::string folder =
      testing::stories_with_chat_template(dir, "Qwen-Qwen2.5-7B-Instruct.jinja");
  const auto own = chat_session_open(flags_for(folder, dir), "ask", warnings);
  EXPECT_EQ(own->chat_template().name(), "model");
  EXPECT_EQ(own->chat_template().tool_call_syntax().format, ToolCallFormat::kHermes);
  EXPECT_EQ(own->chat_template().stop_strings().front(), "<|im_end|>");

  SessionFlags named = flags_for(folder, dir);
  named.chat_template = "chatml";
  EXPECT_EQ(chat_session_open(named, "ask", warnings)->chat_template().name(), "chatml");

  const auto plain = chat_session_open(flags_for(testing::stories_dir(), dir), "ask", warnings);
  EXPECT_EQ(plain->chat_template().name(), "tunedeck");  // no template in the folder
}

TEST(ChatSession, AModelThatFailsToLoadLeavesNoConversation) {
  ScratchDir dir;
  const std::string broken = dir.file("broken");
  fs::create_directories(broken);
  std::ofstream(broken + "/config.json") << "{ not json";
  std::ostringstream warnings;
  EXPECT_ANY_THROW(chat_session_open(flags_for(broken, dir), "ask-1", warnings));
  EXPECT_TRUE(Memory(dir.file("memory.db")).list_sessions().empty());

  chat_session_open(flags_for(testing::stories_dir(), dir), "ask-2", warnings);
  const std::vector<SessionInfo> sessions = Memory(dir.file("memory.db")).list_sessions();
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].name, "ask-2");
}

}  // namespace
}  // namespace tunedeck
