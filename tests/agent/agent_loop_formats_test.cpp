// The agent loop over models' own templates, one per tool-call format, with a scripted model:
// the model's call in its family's format is parsed and run, and the call and its result go back
// into the next prompt the way the template writes them (Hermes/Qwen, Llama 3.1 JSON, Mistral,
// and Gemma 3 with tunedeck's injected Hermes instructions).
#include <gtest/gtest.h>

#include "agent/agent_loop.h"
#include "agent/builtin_tools.h"
#include "tests/agent/model_templates.h"
#include "tests/agent/scripted_generator.h"
#include "tests/test_support.h"

namespace tunedeck {
namespace {

using namespace testing::model_templates;
using testing::ScriptedGenerator;

// weekday 2026-02-20 as the model is shown it.
const char kWeekdayResult[] =
    R"({"date":"2026-02-20","date_en":"February 20, 2026","date_ko":"2026년 2월 20일",)"
    R"("weekday":"금요일","weekday_en":"Friday"})";

// The weekday call as a Hermes/Qwen model writes it (and tunedeck's injected instructions ask).
const char kHermesCall[] =
    "<tool_call>\n{\"name\": \"weekday\", \"arguments\": {\"date\": \"2026-02-20\"}}\n</tool_call>";

class AgentLoopFormats : public ::testing::Test {
 protected:
  AgentLoopFormats() : memory_(dir_.file("memory.db")) {
    register_builtin_tools(tools_, fixed_today_clock(CalendarDate::from_parts(2026, 3, 5)));
  }

  // One turn through `tmpl`; the model writes `call`, then `answer`.
  AgentTurnResult ask(const ChatTemplate& tmpl, const std::string& call,
                      const std::string& answer) {
    model_ = std::make_unique<ScriptedGenerator>(std::vector<std::string>{call, answer});
    AgentLoopOptions options;
    options.max_new_tokens = 64;
    AgentLoop loop(*model_, tmpl, tools_, memory_, memory_.open_session("s" + call), options);
    return loop.run_turn("2026-02-20은 무슨 요일?", {});
  }

  // The turn ran the weekday call of `tmpl`'s format and answered.
  void expect_weekday_call_ran(const AgentTurnResult& turn) {
    ASSERT_EQ(turn.outcome, AgentOutcome::kAnswered) << turn.error;
    ASSERT_EQ(turn.steps.size(), 2u);
    ASSERT_EQ(turn.steps[0].calls.size(), 1u);
    EXPECT_TRUE(turn.steps[0].calls[0].ok()) << turn.steps[0].calls[0].error;
    EXPECT_EQ(turn.steps[0].calls[0].result["weekday_en"], "Friday");
    EXPECT_EQ(turn.answer, "Friday.");
  }

  const std::string& second_prompt() const { return model_->prompt(1); }

  testing::ScratchDir dir_;
  Memory memory_;
  ToolRegistry tools_;
  std::unique_ptr<ScriptedGenerator> model_;
};

TEST_F(AgentLoopFormats, HermesQwen) {
  const ModelChatTemplate qwen = template_file("Qwen-Qwen2.5-7B-Instruct.jinja");
  const AgentTurnResult turn =
      ask(qwen, std::string(kHermesCall) + "<|im_end|>", "Friday.<|im_end|>");
  expect_weekday_call_ran(turn);
  EXPECT_NE(model_->prompt(0).find("<tools>\n{\"type\": \"function\""), std::string::npos);
  EXPECT_NE(second_prompt().find("<|im_start|>assistant\n" + std::string(kHermesCall) +
                                 "<|im_end|>\n<|im_start|>user\n<tool_response>\n" +
                                 std::string(kWeekdayResult) +
                                 "\n</tool_response><|im_end|>\n<|im_start|>assistant\n"),
            std::string::npos)
      << second_prompt();
}

TEST_F(AgentLoopFormats, Llama31Json) {
  const ModelChatTemplate llama = template_file("meta-llama-Llama-3.1-8B-Instruct.jinja");
  EXPECT_EQ(llama.stop_strings().front(), "<|eot_id|>");
  const AgentTurnResult turn =
      ask(llama,
          "<|python_tag|>{\"name\": \"weekday\", \"parameters\": {\"date\": \"2026-02-20\"}}"
          "<|eot_id|>",
          "Friday.<|eot_id|>");
  expect_weekday_call_ran(turn);
  EXPECT_NE(model_->prompt(0).find("Respond in the format {\"name\": function name"),
            std::string::npos);
  // The call goes back as the template writes a structured tool call, the result as ipython.
  EXPECT_NE(second_prompt().find("<|start_header_id|>assistant<|end_header_id|>\n\n{\"name\": "
                                 "\"weekday\", \"parameters\": {\"date\": \"2026-02-20\"}}"
                                 "<|eot_id|><|start_header_id|>ipython<|end_header_id|>\n\n"),
            std::string::npos)
      << second_prompt();
}

TEST_F(AgentLoopFormats, MistralToolCalls) {
  const ModelChatTemplate mistral = mistral_like();
  const AgentTurnResult turn =
      ask(mistral, R"([TOOL_CALLS] [{"name": "weekday", "arguments": {"date": "2026-02-20"}}]</s>)",
          "Friday.</s>");
  expect_weekday_call_ran(turn);
  EXPECT_NE(model_->prompt(0).find("[AVAILABLE_TOOLS] [{\"type\": \"function\""),
            std::string::npos);
  EXPECT_NE(
      second_prompt().find(
          R"([TOOL_CALLS] [{"name": "weekday", "arguments": {"date": "2026-02-20"}, "id": "call00001"}]</s>)"
          R"([TOOL_RESULTS] {"content": )" +
          std::string(kWeekdayResult) + R"(, "call_id": "call00001"}[/TOOL_RESULTS])"),
      std::string::npos)
      << second_prompt();
}

TEST_F(AgentLoopFormats, Gemma3InjectedHermes) {
  const ModelChatTemplate gemma = tokenizer_folder_template("gemma3");
  const AgentTurnResult turn =
      ask(gemma, std::string(kHermesCall) + "<end_of_turn>", "Friday.<end_of_turn>");
  expect_weekday_call_ran(turn);
  EXPECT_EQ(model_->prompt(0).rfind("<start_of_turn>user\n# Tools\n\n", 0), 0u)
      << model_->prompt(0);
  EXPECT_NE(second_prompt().find("<start_of_turn>model\n<tool_call>\n{\"name\": \"weekday\""),
            std::string::npos);
  EXPECT_NE(second_prompt().find("<end_of_turn>\n<start_of_turn>user\n<tool_response>\n" +
                                 std::string(kWeekdayResult) +
                                 "\n</tool_response><end_of_turn>\n<start_of_turn>model\n"),
            std::string::npos)
      << second_prompt();
}

}  // namespace
}  // namespace tunedeck
