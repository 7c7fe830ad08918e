// PlainRepl and ChatCommands over a scripted model: scripted input lines give streamed answers
// with tool calls inline, every slash command's text, the step limit after /set, Ctrl-C during an
// answer, and /quit ending the input.
#include "cli/plain_repl.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "agent/builtin_tools.h"
#include "tests/agent/scripted_generator.h"
#include "tests/test_support.h"

namespace tunedeck {
namespace {

using testing::ScriptedGenerator;

const char kAddDaysCall[] =
    R"(<tool_call>{"name": "add_days", "arguments": {"date": "2026-02-20", "days": 100}}</tool_call>)";

// Sets `flag` after the first piece it streams, like Ctrl-C in the middle of an answer.
class InterruptedGenerator : public TextGenerator {
 public:
  InterruptedGenerator(TextGenerator& inner, std::atomic<bool>& flag)
      : inner_(inner), flag_(flag) {}
  TextGenerationResult generate(const TextGenerationRequest& request, const TextCallback& on_text,
                                const std::atomic<bool>* cancel) override {
    return inner_.generate(
        request,
        [&](const std::string& piece) {
          on_text(piece);
          flag_ = true;
        },
        cancel);
  }
  int count_tokens(const std::string& text) override { return inner_.count_tokens(text); }
  int context_length() const override { return inner_.context_length(); }

 private:
  TextGenerator& inner_;
  std::atomic<bool>& flag_;
};

class PlainReplTest : public ::testing::Test {
 protected:
  PlainReplTest() : memory_(dir_.file("memory.db")) { register_builtin_tools(tools_); }

  // Runs the lines through a fresh REPL over `model`; output lands in out_ and err_.
  void run(TextGenerator& model, const std::string& lines) {
    AgentLoopOptions options;
    options.system_prompt = "You are a date assistant.";
    AgentLoop loop(model, template_, tools_, memory_, memory_.open_session("default"), options);
    ChatCommands commands(loop, memory_, tools_, "default");
    PlainRepl repl(loop, commands, interrupt_, out_, err_);
    std::istringstream in(lines);
    repl.run_stream(in);
  }

  testing::ScratchDir dir_;
  Memory memory_;
  ToolRegistry tools_;
  TunedeckTemplate template_;
  std::atomic<bool> interrupt_{false};
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(PlainReplTest, AnswerStreamsWithTheToolCallInline) {
  ScriptedGenerator model({"Let me check. " + std::string(kAddDaysCall), "It is May 31, 2026."});
  run(model, "What is 100 days after 2026-02-20?\n/raw\n");
  const std::string out = out_.str();
  const std::string call_line =
      "Let me check. \n→ add_days {\"date\":\"2026-02-20\",\"days\":100} = "
      "{\"date\":\"2026-05-31\",\"date_en\":\"May 31, 2026\",\"date_ko\":\"2026년 5월 31일\","
      "\"days\":100,\"from\":\"2026-02-20\",\"weekday\":\"일요일\",\"weekday_en\":\"Sunday\"}  ";
  ASSERT_EQ(out.rfind(call_line, 0), 0u) << out;
  const size_t after_ms = out.find(" ms\n", call_line.size());
  ASSERT_NE(after_ms, std::string::npos) << out;
  EXPECT_EQ(out.substr(after_ms + 4, 20), "It is May 31, 2026.\n");
  // /raw shows what the model really wrote, tags included.
  EXPECT_NE(
      out.find("--- step 1 (eos, 107 tokens) ---\nLet me check. " + std::string(kAddDaysCall) +
               "\n--- step 2 (eos, 19 tokens) ---\nIt is May 31, 2026.\n"),
      std::string::npos)
      << out;
  EXPECT_EQ(err_.str().rfind("[answered] 2 steps, prompt ", 0), 0u) << err_.str();
}

TEST_F(PlainReplTest, ToolErrorsShowWithTheirOwnMarker) {
  ScriptedGenerator model(
      {R"(<tool_call>{"name": "weekdays", "arguments": {}}</tool_call>)", "Sorry."});
  run(model, "what day?\n");
  EXPECT_EQ(out_.str().rfind("✗ weekdays {} error: unknown tool 'weekdays'; known tools: add_days, "
                             "weekday, today  ",
                             0),
            0u)
      << out_.str();
  EXPECT_NE(out_.str().find(" ms\nSorry.\n"), std::string::npos) << out_.str();
}

TEST_F(PlainReplTest, SystemShowsAndReplacesThePromptAndSaveWritesTheSession) {
  ScriptedGenerator model({"Hello there.", "Bye."});
  const std::string json_file = dir_.file("chat.json");
  const std::string markdown_file = dir_.file("chat.md");
  run(model, "/system\n/system You answer in one word.\n/system\nhi\n/save " + json_file +
                 "\n/save " + markdown_file + "\n/save\n/sessions\n");
  const std::string out = out_.str();
  EXPECT_NE(out.find("system: You are a date assistant.\n"), std::string::npos) << out;
  EXPECT_NE(out.find("system: You answer in one word.\n"), std::string::npos) << out;
  EXPECT_NE(out.find("saved 2 messages of session default to " + json_file), std::string::npos)
      << out;
  EXPECT_NE(out.find("* default  2 messages"), std::string::npos) << out;
  const nlohmann::json saved = nlohmann::json::parse(testing::read_file(json_file));
  EXPECT_EQ(saved["session"], "default");
  EXPECT_EQ(saved["system_prompt"], "You answer in one word.");
  ASSERT_EQ(saved["messages"].size(), 2u);
  EXPECT_EQ(saved["messages"][0]["role"], "user");
  EXPECT_EQ(saved["messages"][0]["content"], "hi");
  EXPECT_EQ(saved["messages"][1]["content"], "Hello there.");
  const std::string markdown = testing::read_file(markdown_file);
  EXPECT_EQ(markdown.rfind("# default\n\n**user** · ", 0), 0u) << markdown;
  EXPECT_NE(markdown.find("\n\nHello there.\n"), std::string::npos) << markdown;
  EXPECT_NE(err_.str().find("usage: /save FILE"), std::string::npos) << err_.str();
}

TEST_F(PlainReplTest, SlashCommandsGiveText) {
  ScriptedGenerator model({"Hello there."});
  run(model,
      "/help\n/tools\n/tool add_days {\"date\":\"2026-02-20\",\"days\":100}\n/tool add_days "
      "{oops}\n"
      "/tool\n/session new x\nhi\n/session\n/session list\n/session new x\n/session open default\n"
      "/memory search hello\n/memory search nothing-like-it\n/memory\n/set top_k 40\n/set\n"
      "/set top_k lots\n/set max_steps 0\n/nope\n/raw extra\n");
  const std::string out = out_.str();
  EXPECT_NE(out.find("  /memory search TEXT   past messages of every session containing TEXT\n"),
            std::string::npos);
  EXPECT_NE(out.find("add_days(date, days)  Returns the date a number of days after a given date"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("weekday(date)  "), std::string::npos);
  EXPECT_NE(out.find("today()  Returns today's date and weekday.\n"), std::string::npos);
  EXPECT_NE(out.find("  \"date\": \"2026-05-31\",\n"), std::string::npos) << out;
  EXPECT_NE(out.find("session: x\nHello there.\nsession: x\n"), std::string::npos) << out;
  EXPECT_NE(out.find("  default  0 messages, last "), std::string::npos) << out;
  EXPECT_NE(out.find("* x  2 messages, last "), std::string::npos) << out;
  EXPECT_NE(out.find("session: default\n"), std::string::npos) << out;
  EXPECT_NE(out.find("[x] assistant: [Hello] there.\n"), std::string::npos) << out;
  EXPECT_NE(out.find("no messages contain 'nothing-like-it'\n"), std::string::npos) << out;
  EXPECT_NE(out.find("top_k = 40\n"), std::string::npos) << out;
  EXPECT_NE(out.find("max_new_tokens = 256\nmax_steps = 5\nmin_p = 0\nrepeat_penalty = 1\n"
                     "seed = 0\ntemperature = 0\ntop_k = 40\ntop_p = 1\n"),
            std::string::npos)
      << out;

  const std::string err = err_.str();
  EXPECT_NE(err.find("error: the arguments are not valid JSON: "), std::string::npos) << err;
  EXPECT_NE(err.find("usage: /tool NAME [JSON]"), std::string::npos) << err;
  EXPECT_NE(err.find("error: session 'x' already exists in "), std::string::npos) << err;
  EXPECT_NE(err.find("usage: /memory search TEXT\n"), std::string::npos) << err;
  EXPECT_NE(err.find("error: top_k expects a number, got 'lots'\n"), std::string::npos) << err;
  EXPECT_NE(err.find("error: agent max_steps must be >= 1, got 0\n"), std::string::npos) << err;
  EXPECT_NE(err.find("unknown command '/nope' (try /help)\n"), std::string::npos) << err;
  EXPECT_NE(err.find("/raw takes no arguments (got 'extra')\n"), std::string::npos) << err;
}

TEST_F(PlainReplTest, SetMaxStepsLeadsToTheStepLimit) {
  ScriptedGenerator model({kAddDaysCall});
  run(model, "/set max_steps 1\nloop\n");
  EXPECT_NE(out_.str().find("max_steps = 1\n→ add_days "), std::string::npos) << out_.str();
  EXPECT_EQ(err_.str().rfind("[step_limit] step limit reached: the model was still calling tools "
                             "after 1 steps",
                             0),
            0u)
      << err_.str();
}

TEST_F(PlainReplTest, InterruptCancelsTheAnswerAndTheNextQuestionWorks) {
  ScriptedGenerator script({"Once upon a time.", "Second answer."});
  InterruptedGenerator model(script, interrupt_);
  run(model, "tell a story\nagain\n");
  // The first answer stops after its first piece; the flag is cleared for the next question,
  // which is cancelled after its first piece too (the double sets it again).
  EXPECT_EQ(out_.str(), "Once\nSeco\n");
  EXPECT_EQ(err_.str().rfind("[cancelled] cancelled during step 1; 1 step", 0), 0u) << err_.str();
  const std::vector<StoredMessage> stored = memory_.load_messages(*memory_.find_session("default"));
  ASSERT_EQ(stored.size(), 4u);
  EXPECT_EQ(stored[1].message.content, "Once");
  EXPECT_EQ(stored[3].message.content, "Seco");
  EXPECT_FALSE(interrupt_.load());
}

TEST_F(PlainReplTest, QuitEndsTheInput) {
  ScriptedGenerator model({"unused"});
  run(model, "\n   \n/quit\nnever asked\n");
  EXPECT_EQ(out_.str(), "");
  EXPECT_EQ(err_.str(), "");
  EXPECT_EQ(model.calls(), 0u);
}

}  // namespace
}  // namespace tunedeck
