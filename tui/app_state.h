// The full-screen app's view state: conversation turns (the answer streaming in), tool trace
// entries, stats history, the training run shown and recent runs, status bar fields, focus,
// scroll and zoom; and fold(), which turns worker events into it and marks what must be redrawn.
// Not drawing (tui/pane_*.h read it) and not the workers. Thread rules: owned by the UI thread;
// workers never see it (they post AppEvents).
#pragma once
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "session/agent_printer.h"
#include "tui/app_events.h"
#include "tui/chart.h"
#include "tui/pane_layout.h"

namespace tunedeck {

// What one answer cost, summed over its model steps (llama-cli's summary, per answer).
struct AnswerTiming {
  int steps = 0;
  int prompt_tokens = 0;      // the first step's prompt (the conversation so far)
  double first_token_ms = 0;  // the first step's prefill: time to first token
  int completion_tokens = 0;  // every step's
  double decode_ms = 0;       // every step's

  void add(int step, const TextGenerationResult& generation);
  std::string text() const;  // "prompt 412 tok · first token 0.31 s · 23 tok, 41.7 tok/s"
};

struct ConversationEntry {
  enum class Kind { kUser, kAssistant, kNotice, kError, kTiming };  // kTiming: after an answer
  Kind kind = Kind::kNotice;
  std::string text;        // the assistant's text without tool-call markup, tool lines inline
  bool streaming = false;  // the answer is still being written
};

struct TraceEntry {
  int turn = 0;             // the question it belongs to, from 1
  int step = 0;             // the model step of that turn, from 1
  std::string tool;         // "" when the call's name could not be read
  std::string arguments;    // JSON text
  std::string result;       // JSON text; "" while running or on error
  std::string error;        // the tool's error (bad arguments, unknown tool, a parse failure)
  std::string parse_error;  // why the model's text did not parse as a call ("" when it did)
  std::string raw;          // the model text the call was parsed from (between the tags)
  std::string step_output;  // the step's whole raw output
  double ms = 0;
  bool done = false;      // the result (or error) arrived
  bool expanded = false;  // shows raw text and step output
};

// The run the training pane shows: the one this process runs, or one watched in the run log.
struct TrainingView {
  bool shown = false;       // a run is shown
  bool in_process = false;  // started by /train start in this app
  long long run_id = 0;
  std::string name, status, message;
  long long step = 0, total_steps = 0;
  double loss = 0, lr = 0, tokens_per_s = 0, elapsed_s = 0, eta_s = 0;
  std::optional<double> eval_loss;
  std::vector<ChartPoint> loss_points;  // (step, loss), increasing steps
  std::vector<ChartPoint> eval_points;  // (step, eval loss)
  std::vector<RunInfo> recent;          // the run log's newest runs
  std::string run_log_error;            // "" or why the run log cannot be read
};

struct StatusView {
  ModelStatus model;
  std::string busy;              // what the chat worker is doing ("" = idle)
  bool generating = false;       // a turn is running
  double last_tokens_per_s = 0;  // of the last answer; 0 = none yet
  int context_used = 0;          // tokens of the last model step (its prompt + what it wrote)
  std::string training;          // "training 40/150" while this app trains; "" otherwise
  std::string message;           // a transient line (completion candidates, hints)
};

struct AppState {
  AppState();

  // Applies one worker event and marks the panes it changes dirty.
  void fold(AppEvent event);
  void fold(std::vector<AppEvent> events);
  // A line for the conversation pane from the UI thread itself (welcome text, command output).
  void add_notice(const std::string& text, bool error = false);
  // The user's input line as entered (a question or a command).
  void add_user_line(const std::string& text);
  // Empties the conversation and the trace (numbering starts again): a new session on screen.
  void clear_conversation();

  void mark_all_dirty();
  bool any_dirty() const;

  std::vector<ConversationEntry> conversation;
  std::vector<TraceEntry> trace;
  std::string tool_call_format;      // tool_call_syntax_description() of the last turn's template
  std::vector<StatsSnapshot> stats;  // oldest first
  TrainingView training;
  StatusView status;

  std::optional<Pane> focus;   // nullopt: the input line has the focus
  std::optional<Pane> zoomed;  // the pane shown full screen
  // Conversation and trace: lines up from the newest (0 = follow the newest).
  // GPU and training: lines down from the top.
  int scroll[kPaneCount] = {};
  int trace_selected = -1;  // the trace entry Enter opens; -1 = the newest
  // The training pane follows this app's own run (false after /train watch ID of another).
  bool follow_in_process_training = true;
  bool unicode = true;  // UTF-8 terminal: block characters and arrows; false: ASCII only

  bool dirty[kPaneCount] = {};
  bool status_dirty = true;

  static constexpr size_t kMaxConversation = 1000;
  static constexpr size_t kMaxTrace = 500;

 private:
  void fold_agent(const AgentEvent& event);
  void fold_trace(const AgentEvent& event);
  void fold_run_metrics(AppEvent& event);
  void fold_train_progress(const TrainProgress& progress);
  void append_streamed_text();
  ConversationEntry* streaming_entry();
  void trim();
  void set_dirty(Pane pane) { dirty[static_cast<int>(pane)] = true; }

  int turn_ = 0;
  std::ostringstream answer_stream_;  // AgentPrinter writes here; moved into the entry
  std::unique_ptr<AgentPrinter> printer_;
  std::vector<std::pair<int, std::string>> step_outputs_;  // (step, raw output) of this turn
  AnswerTiming timing_;                                    // of this turn, so far
};

}  // namespace tunedeck
