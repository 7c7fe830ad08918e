// tui/app_state: worker events folded into the view state, without a terminal.
#include "tui/app_state.h"

#include <gtest/gtest.h>

namespace tunedeck {
namespace {

using nlohmann::json;
using Kind = ConversationEntry::Kind;

AppEvent agent_event(AgentEventKind kind, int step, const std::string& text = "",
                     const std::string& raw = "") {
  AppEvent event;
  event.kind = AppEventKind::kAgent;
  event.agent.kind = kind;
  event.agent.step = step;
  event.agent.text = text;
  event.agent.raw = raw;
  return event;
}

AppEvent tool_event(AgentEventKind kind, int step, const std::string& name, json arguments,
                    json result, const std::string& error, double ms) {
  AppEvent event = agent_event(kind, step);
  event.agent.tool.name = name;
  event.agent.tool.arguments = std::move(arguments);
  event.agent.tool.result = std::move(result);
  event.agent.tool.error = error;
  event.agent.tool.ms = ms;
  return event;
}

AppEvent simple(AppEventKind kind, const std::string& text = "") {
  AppEvent event;
  event.kind = kind;
  event.text = text;
  return event;
}

void clear_dirty(AppState& state) {
  for (bool& flag : state.dirty) flag = false;
  state.status_dirty = false;
}

bool dirty(const AppState& state, Pane pane) { return state.dirty[static_cast<int>(pane)]; }

const char kCall[] = R"({"name": "add_days", "arguments": {"date": "2026-02-20", "days": 100}})";

// A turn that calls add_days in step 1 and answers in step 2.
std::vector<AppEvent> tool_turn() {
  std::vector<AppEvent> events;
  events.push_back(simple(AppEventKind::kTurnStarted, "100 days after 2026-02-20?"));
  events.push_back(agent_event(AgentEventKind::kStepStarted, 1));
  events.push_back(agent_event(AgentEventKind::kTextDelta, 1, "Let me check. <tool"));
  events.push_back(agent_event(AgentEventKind::kTextDelta, 1, std::string("_call>") + kCall));
  events.push_back(agent_event(AgentEventKind::kTextDelta, 1, "</tool_call>"));
  events.push_back(agent_event(AgentEventKind::kModelOutput, 1,
                               std::string("Let me check. <tool_call>") + kCall + "</tool_call>"));
  events.back().agent.generation.prompt_tokens = 40;
  events.back().agent.generation.prefill_ms = 120;
  events.back().agent.generation.completion_tokens = 20;
  events.back().agent.generation.decode_ms = 400;
  events.push_back(tool_event(AgentEventKind::kToolCallParsed, 1, "add_days",
                              {{"date", "2026-02-20"}, {"days", 100}}, nullptr, "", 0));
  events.back().agent.raw = kCall;
  events.push_back(tool_event(AgentEventKind::kToolResult, 1, "add_days",
                              {{"date", "2026-02-20"}, {"days", 100}}, {{"date", "2026-05-31"}}, "",
                              0.25));
  events.push_back(agent_event(AgentEventKind::kStepStarted, 2));
  events.push_back(agent_event(AgentEventKind::kTextDelta, 2, "It is 2026-05-31."));
  events.push_back(agent_event(AgentEventKind::kModelOutput, 2, "It is 2026-05-31."));
  events.back().agent.generation.prompt_tokens = 90;
  events.back().agent.generation.completion_tokens = 8;
  events.back().agent.generation.decode_ms = 160;
  events.push_back(agent_event(AgentEventKind::kFinalAnswer, 2, "It is 2026-05-31."));
  AppEvent finished = simple(AppEventKind::kTurnFinished);
  finished.tokens_per_s = 812.5;
  events.push_back(std::move(finished));
  return events;
}

TEST(AppState, StreamsTheAnswerWithoutToolCallMarkup) {
  AppState state;
  state.add_user_line("100 days after 2026-02-20?");
  std::vector<AppEvent> events = tool_turn();
  // Halfway through step 1 the entry is streaming and the half-written tag is held back.
  for (int i = 0; i < 3; i++) state.fold(std::move(events[i]));
  ASSERT_EQ(state.conversation.size(), 2u);
  EXPECT_EQ(state.conversation[1].kind, Kind::kAssistant);
  EXPECT_TRUE(state.conversation[1].streaming);
  EXPECT_EQ(state.conversation[1].text, "Let me check. ");
  EXPECT_TRUE(state.status.generating);

  for (size_t i = 3; i < events.size(); i++) state.fold(std::move(events[i]));
  ASSERT_EQ(state.conversation.size(), 3u);  // the question, the answer, its timing
  const ConversationEntry& answer = state.conversation[1];
  EXPECT_FALSE(answer.streaming);
  EXPECT_EQ(
      answer.text,
      "Let me check. \n"
      "→ add_days {\"date\":\"2026-02-20\",\"days\":100} = {\"date\":\"2026-05-31\"}  0.2 ms\n"
      "It is 2026-05-31.");
  EXPECT_EQ(answer.text.find("<tool_call>"), std::string::npos);
  EXPECT_EQ(state.conversation[2].kind, Kind::kTiming);
  EXPECT_EQ(state.conversation[2].text,
            "prompt 40 tok · first token 0.12 s · 28 tok, 50.0 tok/s · 2 steps");
  EXPECT_FALSE(state.status.generating);
  EXPECT_DOUBLE_EQ(state.status.last_tokens_per_s, 812.5);
}

TEST(AppState, RecordsOneTraceEntryPerToolCall) {
  AppState state;
  state.fold(tool_turn());
  ASSERT_EQ(state.trace.size(), 1u);
  const TraceEntry& entry = state.trace[0];
  EXPECT_EQ(entry.turn, 1);
  EXPECT_EQ(entry.step, 1);
  EXPECT_EQ(entry.tool, "add_days");
  EXPECT_EQ(entry.arguments, R"({"date":"2026-02-20","days":100})");
  EXPECT_EQ(entry.result, R"({"date":"2026-05-31"})");
  EXPECT_EQ(entry.error, "");
  EXPECT_EQ(entry.raw, kCall);
  EXPECT_EQ(entry.step_output, std::string("Let me check. <tool_call>") + kCall + "</tool_call>");
  EXPECT_DOUBLE_EQ(entry.ms, 0.25);
  EXPECT_TRUE(entry.done);
  EXPECT_FALSE(entry.expanded);
}

TEST(AppState, ATurnRemembersItsTemplatesToolCallFormat) {
  AppState state;
  AppEvent started = simple(AppEventKind::kTurnStarted, "q");
  started.tool_call_syntax = tool_call_syntax_mistral();
  clear_dirty(state);
  state.fold(started);
  EXPECT_EQ(state.tool_call_format, "mistral ([TOOL_CALLS])");
  EXPECT_TRUE(dirty(state, Pane::kTrace));
}

TEST(AppState, AParseFailureKeepsTheRawTextAndWhy) {
  AppState state;
  state.fold(simple(AppEventKind::kTurnStarted, "q"));
  state.fold(agent_event(AgentEventKind::kStepStarted, 1));
  state.fold(agent_event(AgentEventKind::kModelOutput, 1, "<tool_call>{\"name\": </tool_call>"));
  clear_dirty(state);
  state.fold(
      agent_event(AgentEventKind::kParseError, 1, "not JSON: unexpected end", "{\"name\": "));
  EXPECT_TRUE(dirty(state, Pane::kTrace));
  state.fold(tool_event(AgentEventKind::kToolResult, 1, "", nullptr, nullptr,
                        "the call is not valid JSON", 0));
  ASSERT_EQ(state.trace.size(), 1u);
  const TraceEntry& entry = state.trace[0];
  EXPECT_EQ(entry.tool, "");
  EXPECT_EQ(entry.raw, "{\"name\": ");
  EXPECT_EQ(entry.parse_error, "not JSON: unexpected end");
  EXPECT_EQ(entry.error, "the call is not valid JSON");
  EXPECT_EQ(entry.result, "");
  EXPECT_EQ(entry.step_output, "<tool_call>{\"name\": </tool_call>");
  EXPECT_TRUE(entry.done);
}

TEST(AppState, AToolErrorIsKeptAsTheError) {
  AppState state;
  state.fold(simple(AppEventKind::kTurnStarted, "q"));
  state.fold(
      tool_event(AgentEventKind::kToolCallParsed, 1, "weekdays", {{"date", "x"}}, nullptr, "", 0));
  state.fold(tool_event(AgentEventKind::kToolResult, 1, "weekdays", {{"date", "x"}}, nullptr,
                        "unknown tool 'weekdays'", 0.1));
  ASSERT_EQ(state.trace.size(), 1u);
  EXPECT_EQ(state.trace[0].error, "unknown tool 'weekdays'");
  EXPECT_EQ(state.trace[0].arguments, R"({"date":"x"})");
}

TEST(AppState, CancelAndErrorsBecomeNotices) {
  AppState state;
  state.fold(simple(AppEventKind::kTurnStarted, "q"));
  state.fold(agent_event(AgentEventKind::kTextDelta, 1, "Once upon"));
  state.fold(agent_event(AgentEventKind::kCancelled, 1, "cancelled; the partial answer is kept"));
  state.fold(simple(AppEventKind::kTurnFinished));
  ASSERT_EQ(state.conversation.size(), 2u);
  EXPECT_EQ(state.conversation[0].text, "Once upon");
  EXPECT_EQ(state.conversation[1].kind, Kind::kNotice);
  EXPECT_EQ(state.conversation[1].text, "cancelled; the partial answer is kept");

  state.fold(simple(AppEventKind::kTurnStarted, "q2"));
  state.fold(agent_event(AgentEventKind::kError, 1, "the model threw"));
  state.fold(simple(AppEventKind::kTurnFinished));
  // The empty answer is dropped; the error stays.
  ASSERT_EQ(state.conversation.size(), 3u);
  EXPECT_EQ(state.conversation[2].kind, Kind::kError);
  EXPECT_EQ(state.conversation[2].text, "the model threw");
}

TEST(AppState, NoticesAndModelChangesMarkTheirPanes) {
  AppState state;
  clear_dirty(state);
  AppEvent notice = simple(AppEventKind::kNotice, "add_days(date, days)  ...\n");
  notice.ok = false;
  state.fold(std::move(notice));
  EXPECT_TRUE(dirty(state, Pane::kConversation));
  EXPECT_FALSE(dirty(state, Pane::kTrace));
  EXPECT_FALSE(state.status_dirty);
  EXPECT_EQ(state.conversation.back().text, "add_days(date, days)  ...");
  EXPECT_EQ(state.conversation.back().kind, Kind::kError);

  clear_dirty(state);
  AppEvent model = simple(AppEventKind::kModelChanged);
  model.model.loaded = true;
  model.model.path = "/models/stories260k";
  state.fold(std::move(model));
  EXPECT_TRUE(state.status_dirty);
  EXPECT_FALSE(dirty(state, Pane::kConversation));
  EXPECT_TRUE(dirty(state, Pane::kTraining));  // its hint names the model's training config
  EXPECT_EQ(state.status.model.path, "/models/stories260k");

  clear_dirty(state);
  AppEvent stats = simple(AppEventKind::kStats);
  stats.stats.resize(3);
  stats.stats[2].sequence = 7;
  state.fold(std::move(stats));
  EXPECT_TRUE(dirty(state, Pane::kGpu));
  ASSERT_EQ(state.stats.size(), 3u);
  EXPECT_EQ(state.stats.back().sequence, 7u);
}

TrainProgress progress(long long run_id, const std::string& status, int step, double loss,
                       std::optional<double> eval_loss = std::nullopt) {
  TrainProgress p;
  p.run_id = run_id;
  p.name = "stories260k-lora";
  p.status = status;
  p.step = step;
  p.total_steps = 150;
  p.loss = loss;
  p.lr = 0.01;
  p.tokens_per_s = 5000;
  p.eta_s = 30;
  p.eval_loss = eval_loss;
  return p;
}

void fold_progress(AppState& state, const TrainProgress& p) {
  AppEvent event = simple(AppEventKind::kTrainProgress);
  event.train = p;
  state.fold(std::move(event));
}

TEST(AppState, TrainingProgressFillsTheViewAndTheChart) {
  AppState state;
  fold_progress(state, progress(0, "preparing", 0, 0));
  EXPECT_TRUE(state.training.shown);
  EXPECT_TRUE(state.training.in_process);
  EXPECT_EQ(state.status.training, "training 0/150");
  fold_progress(state, progress(4, "running", 1, 3.0));
  fold_progress(state, progress(4, "running", 2, 2.5));
  fold_progress(state, progress(4, "running", 2, 2.4, 2.6));  // the eval at the same step
  const TrainingView& view = state.training;
  EXPECT_EQ(view.run_id, 4);
  EXPECT_EQ(view.step, 2);
  EXPECT_DOUBLE_EQ(view.loss, 2.4);
  ASSERT_EQ(view.loss_points.size(), 2u);
  EXPECT_DOUBLE_EQ(view.loss_points[1].y, 2.4);
  ASSERT_EQ(view.eval_points.size(), 1u);
  EXPECT_DOUBLE_EQ(view.eval_points[0].y, 2.6);
  EXPECT_EQ(*view.eval_loss, 2.6);

  fold_progress(state, progress(4, "finished", 150, 1.0));
  EXPECT_EQ(state.status.training, "");
  EXPECT_EQ(state.training.status, "finished");
}

AppEvent run_metrics(long long id, const std::string& status, std::vector<RunMetrics> metrics,
                     bool reset) {
  AppEvent event = simple(AppEventKind::kRunMetrics);
  event.run.id = id;
  event.run.name = "other-run";
  event.run.status = status;
  event.run.total_steps = 100;
  event.metrics = std::move(metrics);
  event.reset = reset;
  return event;
}

RunMetrics metric(int64_t step, double loss, std::optional<double> eval = std::nullopt) {
  RunMetrics m;
  m.step = step;
  m.loss = loss;
  m.lr = 0.001;
  m.tokens_per_s = 100;
  m.elapsed_s = step * 2.0;
  m.eval_loss = eval;
  return m;
}

TEST(AppState, AWatchedRunComesFromTheRunLog) {
  AppState state;
  state.fold(run_metrics(9, "running", {metric(10, 3.0), metric(20, 2.0, 2.2)}, true));
  const TrainingView& view = state.training;
  EXPECT_TRUE(view.shown);
  EXPECT_FALSE(view.in_process);
  EXPECT_EQ(view.name, "other-run");
  EXPECT_EQ(view.status, "running");
  EXPECT_EQ(view.step, 20);
  EXPECT_DOUBLE_EQ(view.loss, 2.0);
  EXPECT_DOUBLE_EQ(view.elapsed_s, 40);
  EXPECT_DOUBLE_EQ(view.eta_s, 40.0 / 20 * 80);  // by the time per step so far
  ASSERT_EQ(view.loss_points.size(), 2u);
  ASSERT_EQ(view.eval_points.size(), 1u);

  // A step logged twice (the final eval) replaces the point; an older one is ignored.
  state.fold(run_metrics(9, "finished", {metric(20, 1.9, 2.1), metric(5, 9.0)}, false));
  ASSERT_EQ(view.loss_points.size(), 2u);
  EXPECT_DOUBLE_EQ(view.loss_points[1].y, 1.9);
  EXPECT_DOUBLE_EQ(view.eval_points[0].y, 2.1);
  EXPECT_EQ(view.status, "finished");
  EXPECT_DOUBLE_EQ(view.eta_s, 0);

  // Watching another run starts over.
  state.fold(run_metrics(10, "running", {}, true));
  EXPECT_EQ(state.training.run_id, 10);
  EXPECT_TRUE(state.training.loss_points.empty());
}

TEST(AppState, TheInProcessRunKeepsItsOwnStatusOverTheRunLog) {
  AppState state;
  fold_progress(state, progress(4, "running", 30, 2.0));
  AppEvent logged = run_metrics(4, "running", {metric(10, 3.0), metric(20, 2.5)}, true);
  logged.run.total_steps = 150;
  state.fold(std::move(logged));
  EXPECT_TRUE(state.training.in_process);
  EXPECT_EQ(state.training.step, 30);                // the trainer's newer progress
  ASSERT_EQ(state.training.loss_points.size(), 1u);  // rows older than the progress point
}

TEST(AppState, AfterWatchingAnotherRunTheOwnRunOnlyUpdatesTheStatusBar) {
  AppState state;
  state.follow_in_process_training = false;
  state.fold(run_metrics(9, "running", {metric(10, 3.0)}, true));
  fold_progress(state, progress(4, "running", 30, 2.0));
  EXPECT_EQ(state.training.run_id, 9);
  EXPECT_EQ(state.status.training, "training 30/150");
}

TEST(AppState, RecentRunsAndRunLogErrors) {
  AppState state;
  AppEvent runs = simple(AppEventKind::kRuns);
  runs.runs.resize(2);
  runs.runs[0].id = 2;
  state.fold(std::move(runs));
  EXPECT_EQ(state.training.recent.size(), 2u);
  EXPECT_EQ(state.training.run_log_error, "");
  AppEvent broken = simple(AppEventKind::kRuns, "not a database");
  broken.ok = false;
  state.fold(std::move(broken));
  EXPECT_EQ(state.training.run_log_error, "not a database");
  EXPECT_TRUE(state.training.recent.empty());
}

TEST(AppState, KeepsABoundedHistory) {
  AppState state;
  for (size_t i = 0; i < AppState::kMaxConversation + 10; i++) state.add_notice(std::to_string(i));
  EXPECT_EQ(state.conversation.size(), AppState::kMaxConversation);
  EXPECT_EQ(state.conversation.front().text, "10");
}

}  // namespace
}  // namespace tunedeck
