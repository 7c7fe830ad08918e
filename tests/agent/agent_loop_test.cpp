// AgentLoop with a scripted model double: direct answer, one call fed back through the template,
// a two-step chain, a malformed call then a corrected one, an unknown tool, the step limit,
// cancellation, model failures, the context budget, and memory holding every message and call.
#include "agent/agent_loop.h"

#include <gtest/gtest.h>

#include <cstring>

#include "agent/builtin_tools.h"
#include "tests/agent/scripted_generator.h"
#include "tests/agent/stored_tool_calls.h"
#include "tests/test_support.h"

namespace tunedeck {
namespace {

using testing::ScriptedGenerator;
using K = AgentEventKind;
using Kinds = std::vector<AgentEventKind>;

const char kSystem[] = "You are a date assistant.";
const char kAddDaysCall[] =
    R"(<tool_call>{"name": "add_days", "arguments": {"date": "2026-02-20", "days": 100}}</tool_call>)";
// add_days 2026-02-20 + 100 as the model is shown it (compact JSON, keys sorted).
const char kAddDaysResult[] =
    R"({"date":"2026-05-31","date_en":"May 31, 2026","date_ko":"2026년 5월 31일","days":100,)"
    R"("from":"2026-02-20","weekday":"일요일","weekday_en":"Sunday"})";

class AgentLoopTest : public ::testing::Test {
 protected:
  AgentLoopTest() : memory_(dir_.file("memory.db")) {
    register_builtin_tools(tools_, fixed_today_clock(CalendarDate::from_parts(2026, 3, 5)));
    session_ = memory_.open_session("test");
  }

  AgentTurnResult ask(ScriptedGenerator& model, const std::string& question, int max_steps = 4,
                      const std::atomic<bool>* cancel = nullptr) {
    AgentLoopOptions options;
    options.system_prompt = kSystem;
    options.max_steps = max_steps;
    options.max_new_tokens = 64;
    AgentLoop loop(model, template_, tools_, memory_, session_, options);
    return loop.run_turn(
        question, [this](const AgentEvent& e) { events_.push_back(e); }, cancel);
  }

  // The prompt the template makes of these messages after the system prompt, with the tools.
  std::string rendered(ChatMessages messages) const {
    messages.insert(messages.begin(), ChatMessage{"system", kSystem, ""});
    return template_.render(messages, tools_.list_json(), true);
  }

  Kinds event_kinds() const {
    Kinds kinds;
    for (const AgentEvent& e : events_) {
      if (e.kind != AgentEventKind::kTextDelta) kinds.push_back(e.kind);
    }
    return kinds;
  }

  std::string streamed_text() const {
    std::string text;
    for (const AgentEvent& e : events_)
      if (e.kind == AgentEventKind::kTextDelta) text += e.text;
    return text;
  }

  std::vector<std::string> stored_roles() {
    std::vector<std::string> roles;
    for (const StoredMessage& m : memory_.load_messages(session_)) roles.push_back(m.message.role);
    return roles;
  }

  testing::ScratchDir dir_;
  Memory memory_;
  int64_t session_ = 0;
  ToolRegistry tools_;
  TunedeckTemplate template_;
  std::vector<AgentEvent> events_;
};

TEST_F(AgentLoopTest, DirectAnswerWithoutCalls) {
  ScriptedGenerator model({"2027년 1월 4일은 월요일입니다.<|end|>"});
  const AgentTurnResult turn = ask(model, "What day is 2027-01-04?");

  EXPECT_EQ(turn.outcome, AgentOutcome::kAnswered);
  EXPECT_EQ(turn.answer, "2027년 1월 4일은 월요일입니다.");
  ASSERT_EQ(turn.steps.size(), 1u);
  EXPECT_EQ(turn.steps[0].raw, "2027년 1월 4일은 월요일입니다.");
  EXPECT_TRUE(turn.steps[0].calls.empty());
  EXPECT_EQ(model.prompt(0), rendered({{"user", "What day is 2027-01-04?", ""}}));
  EXPECT_EQ(model.requests()[0].stop_strings, std::vector<std::string>{"<|end|>"});
  EXPECT_TRUE(model.requests()[0].add_bos);
  EXPECT_EQ(model.requests()[0].max_new_tokens, 64);
  EXPECT_EQ(turn.prompt_tokens, static_cast<int>(model.prompt(0).size()) + 1);
  EXPECT_EQ(turn.completion_tokens, static_cast<int>(turn.answer.size()));
  EXPECT_DOUBLE_EQ(turn.generate_ms, 3.0);

  EXPECT_EQ(event_kinds(), (Kinds{K::kStepStarted, K::kModelOutput, K::kFinalAnswer}));
  EXPECT_EQ(streamed_text(), "2027년 1월 4일은 월요일입니다.");
  EXPECT_EQ(events_.back().text, turn.answer);
  EXPECT_EQ(events_[events_.size() - 2].generation.stop_reason, StopReason::kStopString);
  EXPECT_EQ(stored_roles(), (std::vector<std::string>{"user", "assistant"}));
}

TEST_F(AgentLoopTest, OneCallResultIsFedBackAsAToolMessage) {
  ScriptedGenerator model(
      {std::string(kAddDaysCall) + "<|end|>", "2026년 5월 31일 일요일입니다.<|end|>"});
  const AgentTurnResult turn = ask(model, "2026-02-20에서 100일 후는?");

  ASSERT_EQ(turn.outcome, AgentOutcome::kAnswered) << turn.error;
  EXPECT_EQ(turn.answer, "2026년 5월 31일 일요일입니다.");
  ASSERT_EQ(model.calls(), 2u);
  const ChatMessage tool_message{"tool", kAddDaysResult, "add_days"};
  EXPECT_EQ(model.prompt(1), rendered({{"user", "2026-02-20에서 100일 후는?", ""},
                                       {"assistant", kAddDaysCall, ""},
                                       tool_message}));
  // The tool turn exactly as the template writes it, right before the next generation prompt.
  const std::string tool_turn = std::string("<|tool|>\n") + kAddDaysResult + "<|end|>\n";
  EXPECT_NE(model.prompt(1).find(tool_turn + "<|assistant|>\n"), std::string::npos)
      << model.prompt(1);

  ASSERT_EQ(turn.steps.size(), 2u);
  ASSERT_EQ(turn.steps[0].calls.size(), 1u);
  const ToolResult& call = turn.steps[0].calls[0];
  EXPECT_EQ(call.name, "add_days");
  EXPECT_EQ(call.arguments, (nlohmann::json{{"date", "2026-02-20"}, {"days", 100}}));
  EXPECT_EQ(call.result["date"], "2026-05-31");
  EXPECT_EQ(call.error, "");
  EXPECT_EQ(turn.steps[1].raw, "2026년 5월 31일 일요일입니다.");
  EXPECT_EQ(event_kinds(),
            (Kinds{K::kStepStarted, K::kModelOutput, K::kToolCallParsed, K::kToolResult,
                   K::kStepStarted, K::kModelOutput, K::kFinalAnswer}));
  for (const AgentEvent& e : events_) {
    if (e.kind == AgentEventKind::kToolCallParsed) {
      EXPECT_EQ(e.tool.name, "add_days");
      EXPECT_EQ(e.raw, std::string(kAddDaysCall).substr(11, strlen(kAddDaysCall) - 11 - 12));
    }
    if (e.kind == AgentEventKind::kToolResult) {
      EXPECT_EQ(e.tool.result["date"], "2026-05-31");
    }
  }
}

TEST_F(AgentLoopTest, TwoStepChainTodayThenAddDays) {  // today is 2026-03-05 here
  ScriptedGenerator model({
      R"(<tool_call>{"name": "today", "arguments": {}}</tool_call>)",
      R"(<tool_call>{"name": "add_days", "arguments": {"date": "2026-03-05", "days": 10}}</tool_call>)",
      "March 15, 2026 (Sunday).",
  });
  const AgentTurnResult turn = ask(model, "What is the date 10 days from today?");

  ASSERT_EQ(turn.outcome, AgentOutcome::kAnswered) << turn.error;
  EXPECT_EQ(turn.answer, "March 15, 2026 (Sunday).");
  ASSERT_EQ(turn.steps.size(), 3u);
  EXPECT_EQ(turn.steps[0].calls.at(0).result["date"], "2026-03-05");
  EXPECT_EQ(turn.steps[1].calls.at(0).result["date"], "2026-03-15");
  EXPECT_EQ(turn.steps[1].calls.at(0).result["weekday_en"], "Sunday");
  const std::string today =
      R"(<|tool|>
{"date":"2026-03-05","date_en":"March 5, 2026","date_ko":"2026년 3월 5일","weekday":"목요일","weekday_en":"Thursday"}<|end|>
)";
  EXPECT_NE(model.prompt(1).find(today), std::string::npos) << model.prompt(1);
  EXPECT_NE(model.prompt(2).find(today), std::string::npos) << model.prompt(2);
  EXPECT_NE(model.prompt(2).find(R"("date":"2026-03-15")"), std::string::npos) << model.prompt(2);
  EXPECT_EQ(stored_roles(), (std::vector<std::string>{"user", "assistant", "tool", "assistant",
                                                      "tool", "assistant"}));
}

TEST_F(AgentLoopTest, MalformedCallThenCorrectedOne) {
  const std::string broken =
      R"(<tool_call>{"name": "add_days", "arguments": {"date": "2026-02-20", "days": 100}</tool_call>)";
  ScriptedGenerator model({broken, kAddDaysCall, "May 31, 2026."});
  const AgentTurnResult turn = ask(model, "100 days after 2026-02-20?");

  ASSERT_EQ(turn.outcome, AgentOutcome::kAnswered) << turn.error;
  ASSERT_EQ(turn.steps.size(), 3u);
  ASSERT_EQ(turn.steps[0].calls.size(), 1u);
  const ToolResult& bad = turn.steps[0].calls[0];
  EXPECT_TRUE(bad.result.is_null());
  EXPECT_EQ(bad.error.rfind("could not read the tool call: invalid JSON in <tool_call>: ", 0), 0u)
      << bad.error;
  EXPECT_NE(bad.error.find(R"(; the call was: {"name": "add_days", "arguments": {"date": )"),
            std::string::npos)
      << bad.error;
  // The model sees the error as the tool message of its broken call.
  const std::string error_turn =
      "<|tool|>\n" + nlohmann::json{{"error", bad.error}}.dump() + "<|end|>\n<|assistant|>\n";
  EXPECT_NE(model.prompt(1).find(error_turn), std::string::npos) << model.prompt(1);
  EXPECT_EQ(turn.steps[1].calls.at(0).result["date"], "2026-05-31");
  EXPECT_EQ(turn.answer, "May 31, 2026.");

  const Kinds kinds = event_kinds();
  ASSERT_GE(kinds.size(), 4u);
  EXPECT_EQ(kinds[2], K::kParseError);
  EXPECT_EQ(kinds[3], K::kToolResult);
  for (const AgentEvent& e : events_) {
    if (e.kind != AgentEventKind::kParseError) continue;
    EXPECT_EQ(e.step, 1);
    EXPECT_EQ(e.raw, broken.substr(11, broken.size() - 11 - 12));
    EXPECT_EQ(e.text.rfind("invalid JSON in <tool_call>: ", 0), 0u) << e.text;
  }
}

TEST_F(AgentLoopTest, UnknownToolErrorListsTheKnownTools) {
  ScriptedGenerator model(
      {R"(<tool_call>{"name": "weekdays", "arguments": {"date": "2027-01-04"}}</tool_call>)",
       R"(<tool_call>{"name": "weekday", "arguments": {"date": "2027-01-04"}}</tool_call>)",
       "Monday."});
  const AgentTurnResult turn = ask(model, "What day is 2027-01-04?");

  ASSERT_EQ(turn.outcome, AgentOutcome::kAnswered) << turn.error;
  const ToolResult& unknown = turn.steps.at(0).calls.at(0);
  EXPECT_EQ(unknown.name, "weekdays");
  EXPECT_EQ(unknown.error, "unknown tool 'weekdays'; known tools: add_days, weekday, today");
  EXPECT_NE(model.prompt(1).find(
                R"(<|tool|>
{"error":"unknown tool 'weekdays'; known tools: add_days, weekday, today"}<|end|>)"),
            std::string::npos)
      << model.prompt(1);
  EXPECT_EQ(turn.steps.at(1).calls.at(0).result["weekday_en"], "Monday");
}

TEST_F(AgentLoopTest, StepLimitEndsTheTurnWithoutAnAnswer) {
  ScriptedGenerator model({kAddDaysCall, kAddDaysCall, "never reached"});
  const AgentTurnResult turn = ask(model, "loop forever", /*max_steps=*/2);

  EXPECT_EQ(turn.outcome, AgentOutcome::kStepLimit);
  EXPECT_EQ(turn.answer, "");
  EXPECT_EQ(turn.error,
            "step limit reached: the model was still calling tools after 2 steps and gave no "
            "answer (raise [agent] max_steps, or /set max_steps N)");
  EXPECT_EQ(model.calls(), 2u);
  EXPECT_EQ(turn.steps.size(), 2u);
  EXPECT_EQ(event_kinds().back(), K::kStepLimit);
  EXPECT_EQ(events_.back().text, turn.error);
  EXPECT_EQ(stored_roles(),
            (std::vector<std::string>{"user", "assistant", "tool", "assistant", "tool"}));
}

TEST_F(AgentLoopTest, CancelDuringGenerationKeepsWhatWasSaid) {
  ScriptedGenerator model({"Once upon a time there was a date."});
  std::atomic<bool> cancel{false};
  AgentLoopOptions options;
  options.system_prompt = kSystem;
  AgentLoop loop(model, template_, tools_, memory_, session_, options);
  const AgentTurnResult turn = loop.run_turn(
      "tell me a story",
      [&](const AgentEvent& e) {
        events_.push_back(e);
        if (e.kind == AgentEventKind::kTextDelta) cancel = true;  // Ctrl-C after the first piece
      },
      &cancel);

  EXPECT_EQ(turn.outcome, AgentOutcome::kCancelled);
  EXPECT_EQ(turn.error, "cancelled during step 1");
  ASSERT_EQ(turn.steps.size(), 1u);
  EXPECT_EQ(turn.steps[0].raw, "Once");
  EXPECT_EQ(turn.steps[0].generation.stop_reason, StopReason::kCancelled);
  EXPECT_EQ(event_kinds(), (Kinds{K::kStepStarted, K::kModelOutput, K::kCancelled}));
  const std::vector<StoredMessage> stored = memory_.load_messages(session_);
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[1].message.role, "assistant");
  EXPECT_EQ(stored[1].message.content, "Once");
}

TEST_F(AgentLoopTest, CancelBeforeTheFirstStepNeverCallsTheModel) {
  ScriptedGenerator model({"unused"});
  std::atomic<bool> cancel{true};
  const AgentTurnResult turn = ask(model, "hello", 4, &cancel);
  EXPECT_EQ(turn.outcome, AgentOutcome::kCancelled);
  EXPECT_EQ(turn.error, "cancelled before step 1");
  EXPECT_EQ(model.calls(), 0u);
  EXPECT_EQ(stored_roles(), std::vector<std::string>{"user"});
}

TEST_F(AgentLoopTest, CancelBetweenToolCallsKeepsTheResultsAlreadyRun) {
  ScriptedGenerator model({std::string(kAddDaysCall) + kAddDaysCall});
  std::atomic<bool> cancel{false};
  AgentLoopOptions options;
  AgentLoop loop(model, template_, tools_, memory_, session_, options);
  const AgentTurnResult turn = loop.run_turn(
      "two calls",
      [&](const AgentEvent& e) {
        if (e.kind == AgentEventKind::kToolResult) cancel = true;
      },
      &cancel);
  EXPECT_EQ(turn.outcome, AgentOutcome::kCancelled);
  EXPECT_EQ(turn.error, "cancelled between the tool calls of step 1");
  ASSERT_EQ(turn.steps.size(), 1u);
  EXPECT_EQ(turn.steps[0].calls.size(), 1u);
  EXPECT_EQ(testing::stored_tool_calls(dir_.file("memory.db"), session_).size(), 1u);
  EXPECT_EQ(stored_roles(), (std::vector<std::string>{"user", "assistant", "tool"}));
}

TEST_F(AgentLoopTest, ModelFailureEndsTheTurnWithAnErrorAndKeepsTheQuestion) {
  ScriptedGenerator model({});
  const AgentTurnResult turn = ask(model, "hello");
  EXPECT_EQ(turn.outcome, AgentOutcome::kError);
  EXPECT_EQ(turn.error, "scripted generator: no output left for call 1");
  EXPECT_EQ(event_kinds(), (Kinds{K::kStepStarted, K::kError}));
  EXPECT_EQ(events_.back().text, turn.error);
  EXPECT_EQ(stored_roles(), std::vector<std::string>{"user"});
}

TEST_F(AgentLoopTest, MemoryHoldsEveryMessageAndToolCallWithItsTrace) {
  const std::string broken = R"(<tool_call>{"name": "add_days"</tool_call>)";
  ScriptedGenerator model({"Let me check. " + broken, kAddDaysCall, "May 31, 2026."});
  const AgentTurnResult turn = ask(model, "100 days after 2026-02-20?");
  ASSERT_EQ(turn.outcome, AgentOutcome::kAnswered) << turn.error;

  const std::vector<StoredMessage> messages = memory_.load_messages(session_);
  ASSERT_EQ(messages.size(), 6u);
  EXPECT_EQ(messages[0].message.content, "100 days after 2026-02-20?");
  EXPECT_EQ(messages[1].message.content, "Let me check. " + broken);
  EXPECT_EQ(messages[2].message.role, "tool");
  EXPECT_EQ(messages[2].message.name, "");  // the JSON broke before a name could be read
  const nlohmann::json error_message = {{"error", turn.steps[0].calls[0].error}};
  EXPECT_EQ(messages[2].message.content, error_message.dump());
  EXPECT_EQ(messages[3].message.content, kAddDaysCall);
  EXPECT_EQ(messages[4].message.content, kAddDaysResult);
  EXPECT_EQ(messages[4].message.name, "add_days");
  EXPECT_EQ(messages[5].message.content, "May 31, 2026.");
  EXPECT_EQ(messages[5].token_count, static_cast<int>(std::string("May 31, 2026.").size()));

  const std::vector<ToolCallRecord> calls =
      testing::stored_tool_calls(dir_.file("memory.db"), session_);
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].message_id, messages[1].id);
  EXPECT_EQ(calls[0].name, "");
  EXPECT_EQ(calls[0].arguments_json, "{}");
  EXPECT_EQ(calls[0].result_json, "");
  EXPECT_EQ(calls[0].error, turn.steps[0].calls[0].error);
  EXPECT_EQ(calls[0].raw_text, R"({"name": "add_days")");
  EXPECT_EQ(calls[1].message_id, messages[3].id);
  EXPECT_EQ(calls[1].arguments_json, R"({"date":"2026-02-20","days":100})");
  EXPECT_EQ(calls[1].result_json, kAddDaysResult);
  EXPECT_EQ(calls[1].error, "");
  EXPECT_GE(calls[1].latency_ms, 0.0);
  EXPECT_EQ(calls[1].raw_text,
            R"({"name": "add_days", "arguments": {"date": "2026-02-20", "days": 100}})");
}

TEST_F(AgentLoopTest, NextTurnSeesTheEarlierTurnsOfTheSession) {
  ScriptedGenerator model({"Hello!", "You said hi."});
  ask(model, "hi");
  ask(model, "what did I say?");
  EXPECT_EQ(
      model.prompt(1),
      rendered({{"user", "hi", ""}, {"assistant", "Hello!", ""}, {"user", "what did I say?", ""}}));
}

TEST_F(AgentLoopTest, OldTurnsAreDroppedWhenTheContextIsFull) {
  const std::string first_question(300, 'a');
  // One token per byte: the system turn and tools take ~400, the 64 new tokens fit beside one
  // recent turn but not two.
  const int context =
      static_cast<int>(rendered({{"user", first_question, ""}}).size()) + 1 + 64 + 20;
  ScriptedGenerator model({"ok", "fine"}, context);
  ask(model, first_question);
  ask(model, "short?");
  EXPECT_EQ(model.prompt(1), rendered({{"user", "short?", ""}}));
  EXPECT_LE(static_cast<int>(model.prompt(1).size()) + 1 + 64, context);
}

TEST_F(AgentLoopTest, NewTokensShrinkToTheRoomLeftAndAPromptTooBigIsAnError) {
  const int context = static_cast<int>(rendered({{"user", "hi", ""}}).size()) + 1 + 10;
  ScriptedGenerator model({"ok"}, context);
  AgentTurnResult turn = ask(model, "hi");
  ASSERT_EQ(turn.outcome, AgentOutcome::kAnswered) << turn.error;
  EXPECT_EQ(model.requests()[0].max_new_tokens, 10);

  ScriptedGenerator tiny({"unused"}, 20);
  turn = ask(tiny, "hello");
  EXPECT_EQ(turn.outcome, AgentOutcome::kError);
  EXPECT_NE(turn.error.find("but the model's context holds 20 (system prompt, tool list and the "
                            "newest question always go in)"),
            std::string::npos)
      << turn.error;
  EXPECT_EQ(tiny.calls(), 0u);
}

TEST_F(AgentLoopTest, RejectsBadOptions) {
  ScriptedGenerator model({});
  AgentLoopOptions options;
  options.max_steps = 0;
  EXPECT_THROW(AgentLoop(model, template_, tools_, memory_, session_, options),
               std::invalid_argument);
  options.max_steps = 1;
  options.max_new_tokens = 0;
  EXPECT_THROW(AgentLoop(model, template_, tools_, memory_, session_, options),
               std::invalid_argument);
}

}  // namespace
}  // namespace tunedeck
