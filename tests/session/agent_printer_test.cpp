// AgentPrinter: the streamed text without the tool-call markup (tags cut anywhere between
// pieces), one line per tool call (→ result / ✗ error), newlines where a line is left open.
#include "session/agent_printer.h"

#include <gtest/gtest.h>

#include <sstream>

namespace tunedeck {
namespace {

AgentEvent event(AgentEventKind kind, std::string text = "") {
  AgentEvent e;
  e.kind = kind;
  e.text = std::move(text);
  return e;
}

AgentEvent tool_event(const std::string& name, nlohmann::json arguments, nlohmann::json result,
                      std::string error, double ms) {
  AgentEvent e = event(AgentEventKind::kToolResult);
  e.tool.name = name;
  e.tool.arguments = std::move(arguments);
  e.tool.result = std::move(result);
  e.tool.error = std::move(error);
  e.tool.ms = ms;
  return e;
}

// Feeds `text` cut into pieces of `size` bytes, as one model step.
void stream_step(AgentPrinter& printer, const std::string& text, size_t size) {
  printer.on_event(event(AgentEventKind::kStepStarted));
  for (size_t at = 0; at < text.size(); at += size)
    printer.on_event(event(AgentEventKind::kTextDelta, text.substr(at, size)));
  printer.on_event(event(AgentEventKind::kModelOutput, text));
}

TEST(AgentPrinter, HidesToolCallsWhereverThePiecesAreCut) {
  const std::string step =
      "\n Let me check. <tool_call>{\"name\": \"today\", \"arguments\": {}}</tool_call>";
  for (size_t size = 1; size <= step.size(); size++) {
    std::ostringstream out;
    AgentPrinter printer(out, ToolCallSyntax{});
    stream_step(printer, step, size);
    EXPECT_EQ(out.str(), "Let me check. ") << "pieces of " << size;
  }
}

TEST(AgentPrinter, ShowsEachToolCallOnItsOwnLine) {
  std::ostringstream out;
  AgentPrinter printer(out, ToolCallSyntax{});
  stream_step(printer, "Checking.<tool_call>{\"name\": \"add_days\"}</tool_call>", 3);
  printer.on_event(tool_event("add_days", {{"date", "2026-02-20"}, {"days", 100}},
                              {{"date", "2026-05-31"}}, "", 0.25));
  printer.on_event(tool_event("weekdays", {{"date", "2027-01-04"}}, nullptr,
                              "unknown tool 'weekdays'; known tools: add_days", 0.0));
  printer.on_event(tool_event("", nlohmann::json::object(), nullptr, "could not read", 0));
  stream_step(printer, "It is May 31, 2026.", 5);
  printer.on_event(event(AgentEventKind::kFinalAnswer, "It is May 31, 2026."));
  EXPECT_EQ(
      out.str(),
      "Checking.\n"
      "→ add_days {\"date\":\"2026-02-20\",\"days\":100} = {\"date\":\"2026-05-31\"}  0.2 ms\n"
      "✗ weekdays {\"date\":\"2027-01-04\"} error: unknown tool 'weekdays'; known tools: "
      "add_days  0.0 ms\n"
      "✗ ? {} error: could not read  0.0 ms\n"
      "It is May 31, 2026.\n");
}

TEST(AgentPrinter, AnUnfinishedTagAtTheEndIsText) {
  std::ostringstream out;
  AgentPrinter printer(out, ToolCallSyntax{});
  stream_step(printer, "a < b and <tool", 2);
  printer.finish_turn();
  EXPECT_EQ(out.str(), "a < b and <tool\n");
}

TEST(AgentPrinter, AnUnclosedCallHidesTheRestOfTheStep) {
  std::ostringstream out;
  AgentPrinter printer(out, ToolCallSyntax{});
  stream_step(printer, "ok <tool_call>{\"name\": \"today\"", 4);
  printer.on_event(event(AgentEventKind::kStepLimit, "step limit reached"));
  EXPECT_EQ(out.str(), "ok \n");
}

TEST(AgentPrinter, TurnSummary) {
  AgentTurnResult turn;
  turn.outcome = AgentOutcome::kAnswered;
  turn.steps.resize(2);
  turn.prompt_tokens = 310;
  turn.completion_tokens = 42;
  turn.total_ms = 230.7;
  EXPECT_EQ(agent_turn_summary(turn),
            "[answered] 2 steps, prompt 310 tok, generated 42 tok, 230 ms");
  turn.outcome = AgentOutcome::kCancelled;
  turn.error = "cancelled during step 1";
  turn.steps.resize(1);
  EXPECT_EQ(
      agent_turn_summary(turn),
      "[cancelled] cancelled during step 1; 1 step, prompt 310 tok, generated 42 tok, 230 ms");
}

TEST(AgentPrinter, HidesTheTagsItIsGiven) {
  const std::string step =
      "Checking <tool_call>. [TOOL_CALLS]{\"name\": \"today\"}[/TOOL_CALLS] done";
  for (size_t size = 1; size <= step.size(); size++) {
    std::ostringstream out;
    AgentPrinter printer(out, ToolCallSyntax{"[TOOL_CALLS]", "[/TOOL_CALLS]"});
    stream_step(printer, step, size);
    EXPECT_EQ(out.str(), "Checking <tool_call>.  done") << "pieces of " << size;
  }
}

TEST(AgentPrinter, HidesCallsThatRunToTheEndOfTheReply) {
  const std::string mistral_step =
      "Checking. [TOOL_CALLS] [{\"name\": \"today\", \"arguments\": {}}]";
  const std::string llama_tagged = "Checking. <|python_tag|>{\"name\": \"today\"}";
  const std::string llama_bare = "  {\"name\": \"today\", \"parameters\": {}}";
  const std::string llama_answer = "Friday {really}";
  for (size_t size = 1; size <= mistral_step.size(); size++) {
    std::ostringstream mistral, tagged, bare, answer;
    AgentPrinter mistral_printer(mistral, tool_call_syntax_mistral());
    stream_step(mistral_printer, mistral_step, size);
    EXPECT_EQ(mistral.str(), "Checking. ") << "pieces of " << size;
    AgentPrinter tagged_printer(tagged, tool_call_syntax_llama3());
    stream_step(tagged_printer, llama_tagged, size);
    EXPECT_EQ(tagged.str(), "Checking. ") << "pieces of " << size;
    AgentPrinter bare_printer(bare, tool_call_syntax_llama3());
    stream_step(bare_printer, llama_bare, size);
    EXPECT_EQ(bare.str(), "") << "pieces of " << size;
    AgentPrinter answer_printer(answer, tool_call_syntax_llama3());
    stream_step(answer_printer, llama_answer, size);
    EXPECT_EQ(answer.str(), llama_answer) << "pieces of " << size;
  }
}

}  // namespace
}  // namespace tunedeck
