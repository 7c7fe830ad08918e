#include "tui/app_state.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "train/run_time.h"

namespace tunedeck {
namespace {

std::string json_text(const nlohmann::json& value) {
  if (value.is_null()) return "";
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Appends (x, y) to a series by increasing x; a point at the last x replaces it (the trainer
// logs its final eval at the last step again), an older one is ignored (already shown).
void add_point(std::vector<ChartPoint>& series, double x, double y) {
  if (!series.empty() && x < series.back().x) return;
  if (!series.empty() && x == series.back().x) {
    series.back().y = y;
    return;
  }
  series.push_back(ChartPoint{x, y});
}

// Forgets the run shown; keeps the list of recent runs.
void clear_run(TrainingView& view) {
  TrainingView cleared;
  cleared.recent = std::move(view.recent);
  cleared.run_log_error = std::move(view.run_log_error);
  view = std::move(cleared);
}

}  // namespace

AppState::AppState() { mark_all_dirty(); }

void AppState::mark_all_dirty() {
  for (bool& flag : dirty) flag = true;
  status_dirty = true;
}

bool AppState::any_dirty() const {
  for (bool flag : dirty)
    if (flag) return true;
  return status_dirty;
}

void AppState::add_notice(const std::string& text, bool error) {
  std::string shown = text;
  while (!shown.empty() && shown.back() == '\n') shown.pop_back();
  conversation.push_back(ConversationEntry{
      error ? ConversationEntry::Kind::kError : ConversationEntry::Kind::kNotice, shown, false});
  trim();
  set_dirty(Pane::kConversation);
}

void AppState::add_user_line(const std::string& text) {
  conversation.push_back(ConversationEntry{ConversationEntry::Kind::kUser, text, false});
  trim();
  set_dirty(Pane::kConversation);
}

void AnswerTiming::add(int step, const TextGenerationResult& generation) {
  if (steps == 0) {
    prompt_tokens = generation.prompt_tokens;
    first_token_ms = generation.prefill_ms;
  }
  steps = std::max(steps, step);
  completion_tokens += generation.completion_tokens;
  decode_ms += generation.decode_ms;
}

std::string AnswerTiming::text() const {
  char line[160];
  const double rate = decode_ms > 0 ? completion_tokens * 1000.0 / decode_ms : 0;
  std::snprintf(line, sizeof line, "prompt %d tok · first token %.2f s · %d tok, %.1f tok/s",
                prompt_tokens, first_token_ms / 1000.0, completion_tokens, rate);
  std::string text = line;
  if (steps > 1) text += " · " + std::to_string(steps) + " steps";
  return text;
}

void AppState::clear_conversation() {
  conversation.clear();
  trace.clear();
  step_outputs_.clear();
  turn_ = 0;
  status.context_used = 0;
  scroll[static_cast<int>(Pane::kConversation)] = 0;
  scroll[static_cast<int>(Pane::kTrace)] = 0;
  set_dirty(Pane::kConversation);
  set_dirty(Pane::kTrace);
  status_dirty = true;
}

void AppState::fold(std::vector<AppEvent> events) {
  for (AppEvent& event : events) fold(std::move(event));
}

void AppState::fold(AppEvent event) {
  switch (event.kind) {
    case AppEventKind::kTurnStarted:
      turn_++;
      step_outputs_.clear();
      answer_stream_.str("");
      printer_ = std::make_unique<AgentPrinter>(answer_stream_, event.tool_call_syntax);
      tool_call_format = tool_call_syntax_description(event.tool_call_syntax);
      set_dirty(Pane::kTrace);
      timing_ = AnswerTiming{};
      conversation.push_back(ConversationEntry{ConversationEntry::Kind::kAssistant, "", true});
      trim();
      status.generating = true;
      scroll[static_cast<int>(Pane::kConversation)] = 0;
      set_dirty(Pane::kConversation);
      status_dirty = true;
      break;
    case AppEventKind::kAgent:
      fold_agent(event.agent);
      break;
    case AppEventKind::kTurnFinished:
      if (printer_) printer_->finish_turn();
      append_streamed_text();
      if (ConversationEntry* entry = streaming_entry()) {
        entry->streaming = false;
        while (!entry->text.empty() && entry->text.back() == '\n') entry->text.pop_back();
        if (entry->text.empty())
          conversation.erase(conversation.begin() + (entry - &conversation[0]));
      }
      printer_.reset();
      if (timing_.steps > 0)
        conversation.push_back(ConversationEntry{ConversationEntry::Kind::kTiming, timing_.text()});
      timing_ = AnswerTiming{};
      status.generating = false;
      status.message.clear();  // "cancelling..." and the like
      if (event.tokens_per_s > 0) status.last_tokens_per_s = event.tokens_per_s;
      set_dirty(Pane::kConversation);
      status_dirty = true;
      break;
    case AppEventKind::kNotice:
      add_notice(event.text, !event.ok);
      break;
    case AppEventKind::kModelChanged:
      status.model = std::move(event.model);
      status_dirty = true;
      set_dirty(Pane::kTraining);  // its hint names the model's training config
      break;
    case AppEventKind::kBusy:
      status.busy = std::move(event.text);
      status_dirty = true;
      break;
    case AppEventKind::kTrainProgress:
      fold_train_progress(event.train);
      break;
    case AppEventKind::kRuns:
      training.recent = std::move(event.runs);
      training.run_log_error = event.ok ? "" : event.text;
      set_dirty(Pane::kTraining);
      break;
    case AppEventKind::kRunMetrics:
      fold_run_metrics(event);
      break;
    case AppEventKind::kStats:
      stats = std::move(event.stats);
      set_dirty(Pane::kGpu);
      break;
  }
}

void AppState::fold_agent(const AgentEvent& event) {
  if (printer_) {
    printer_->on_event(event);
    append_streamed_text();
  }
  fold_trace(event);
  switch (event.kind) {
    case AgentEventKind::kModelOutput:
      step_outputs_.emplace_back(event.step, event.text);
      timing_.add(event.step, event.generation);
      status.context_used = event.generation.prompt_tokens + event.generation.completion_tokens;
      status_dirty = true;
      break;
    case AgentEventKind::kStepLimit:
      add_notice(event.text.empty() ? "stopped: step limit reached" : event.text);
      break;
    case AgentEventKind::kCancelled:
      add_notice(event.text.empty() ? "cancelled" : event.text);
      break;
    case AgentEventKind::kError:
      add_notice(event.text, true);
      break;
    default:
      break;
  }
}

void AppState::fold_trace(const AgentEvent& event) {
  auto pending = [&]() -> TraceEntry* {
    if (!trace.empty() && !trace.back().done && trace.back().turn == turn_) return &trace.back();
    return nullptr;
  };
  switch (event.kind) {
    case AgentEventKind::kToolCallParsed: {
      TraceEntry entry;
      entry.turn = turn_;
      entry.step = event.step;
      entry.tool = event.tool.name;
      entry.arguments = json_text(event.tool.arguments);
      entry.raw = event.raw;
      trace.push_back(std::move(entry));
      break;
    }
    case AgentEventKind::kParseError: {
      TraceEntry entry;
      entry.turn = turn_;
      entry.step = event.step;
      entry.raw = event.raw;
      entry.parse_error = event.text;
      trace.push_back(std::move(entry));
      break;
    }
    case AgentEventKind::kToolResult: {
      TraceEntry* entry = pending();
      if (!entry) {
        trace.push_back(TraceEntry{});
        entry = &trace.back();
        entry->turn = turn_;
        entry->step = event.step;
      }
      if (!event.tool.name.empty()) entry->tool = event.tool.name;
      if (entry->arguments.empty()) entry->arguments = json_text(event.tool.arguments);
      entry->result = event.tool.ok() ? json_text(event.tool.result) : "";
      entry->error = event.tool.error;
      entry->ms = event.tool.ms;
      entry->done = true;
      break;
    }
    default:
      return;
  }
  // The step's whole output, when it arrived before the entry did.
  TraceEntry& entry = trace.back();
  for (const auto& [step, output] : step_outputs_)
    if (step == entry.step && entry.step_output.empty()) entry.step_output = output;
  trim();
  set_dirty(Pane::kTrace);
}

void AppState::fold_train_progress(const TrainProgress& progress) {
  const bool going = progress.status == "preparing" || progress.status == "running";
  status.training = going ? "training " + std::to_string(progress.step) + "/" +
                                std::to_string(progress.total_steps)
                          : "";
  status_dirty = true;
  if (!follow_in_process_training) return;
  TrainingView& view = training;
  // A new run (or the first progress of this one) starts a new chart.
  if (!view.in_process || progress.run_id != view.run_id) clear_run(view);
  view.shown = true;
  view.in_process = true;
  view.run_id = progress.run_id;
  view.name = progress.name;
  view.status = progress.status;
  if (!progress.message.empty()) view.message = progress.message;
  view.step = progress.step;
  view.total_steps = progress.total_steps;
  view.lr = progress.lr;
  view.tokens_per_s = progress.tokens_per_s;
  view.elapsed_s = progress.elapsed_s;
  view.eta_s = progress.eta_s;
  if (progress.step > 0) {
    view.loss = progress.loss;
    add_point(view.loss_points, progress.step, progress.loss);
  }
  if (progress.eval_loss && !std::isnan(*progress.eval_loss)) {
    if (!view.eval_loss || *view.eval_loss != *progress.eval_loss)
      add_point(view.eval_points, progress.step, *progress.eval_loss);
    view.eval_loss = progress.eval_loss;
  }
  set_dirty(Pane::kTraining);
  status_dirty = true;
}

void AppState::fold_run_metrics(AppEvent& event) {
  TrainingView& view = training;
  const RunInfo& run = event.run;
  const bool same_in_process_run = view.in_process && view.run_id == run.id;
  if (event.reset && !same_in_process_run) clear_run(view);
  view.shown = true;
  view.run_id = run.id;
  view.name = run.name;
  view.total_steps = run.total_steps;
  if (!same_in_process_run) {
    view.status = run.status;
    if (!run.error.empty()) view.message = run.error;
  }
  for (const RunMetrics& m : event.metrics) {
    add_point(view.loss_points, static_cast<double>(m.step), m.loss);
    if (m.eval_loss) {
      add_point(view.eval_points, static_cast<double>(m.step), *m.eval_loss);
      view.eval_loss = m.eval_loss;
    }
    // The trainer's own progress is newer; rows of older steps only fill the chart.
    if (same_in_process_run || m.step < view.step) continue;
    view.step = m.step;
    view.loss = m.loss;
    view.lr = m.lr;
    view.tokens_per_s = m.tokens_per_s;
    view.elapsed_s = m.elapsed_s;
  }
  if (!same_in_process_run) {
    const long long steps_left = view.total_steps - view.step;
    view.eta_s =
        view.status == "running" ? run_time_eta_s(view.elapsed_s, view.step, steps_left) : 0;
  }
  set_dirty(Pane::kTraining);
}

void AppState::append_streamed_text() {
  const std::string text = answer_stream_.str();
  if (text.empty()) return;
  answer_stream_.str("");
  if (ConversationEntry* entry = streaming_entry()) {
    entry->text += text;
    set_dirty(Pane::kConversation);
  }
}

ConversationEntry* AppState::streaming_entry() {
  for (auto it = conversation.rbegin(); it != conversation.rend(); ++it)
    if (it->streaming) return &*it;
  return nullptr;
}

void AppState::trim() {
  if (conversation.size() > kMaxConversation)
    conversation.erase(conversation.begin(),
                       conversation.begin() + (conversation.size() - kMaxConversation));
  if (trace.size() > kMaxTrace) {
    const int dropped = static_cast<int>(trace.size() - kMaxTrace);
    trace.erase(trace.begin(), trace.begin() + dropped);
    if (trace_selected >= 0) trace_selected = std::max(0, trace_selected - dropped);
  }
}

}  // namespace tunedeck
