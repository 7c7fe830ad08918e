// The events the app's workers post to its UI thread: agent trace events of the running turn,
// command output, model changes, training progress, the run log's runs and metrics, and stats
// history. Plain values: a worker builds one, moves it into the queue and never sees it again.
// Not the queue (tui/app_event_queue.h) and not the view state (tui/app_state.h).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "agent/agent_loop.h"
#include "core/stats/stats_snapshot.h"
#include "train/run_log.h"
#include "train/trainer.h"

namespace tunedeck {

enum class AppEventKind {
  kTurnStarted,    // text: the question; tool_call_syntax: the tags of the turn's chat template
  kAgent,          // agent: one event of the running turn, in order
  kTurnFinished,   // tokens_per_s: of the turn's generation (0 when nothing was generated)
  kNotice,         // text: command output or a message; ok == false: an error
  kModelChanged,   // model: what the status bar shows (after a load, reload or adapter swap)
  kBusy,           // text: what the chat worker is doing ("" = idle, ready for input)
  kTrainProgress,  // train: the in-process run's newest snapshot
  kRuns,           // runs: the run log's newest runs, newest first
  kRunMetrics,     // run: the watched run; metrics: its rows not sent before; reset: start over
  kStats,          // stats: the sampler's recent history, oldest first
};

// What the status bar says about the model.
struct ModelStatus {
  bool loaded = false;
  std::string path;           // model folder ("" without a model)
  std::string name;           // what the user calls it (ChatSession::model_name)
  std::string train_example;  // a shipped training config for this model ("" = none)
  int context_length = 0;     // positions the model attends over
  std::string adapter;        // adapter folder ("" = none)
  std::string device, dtype;  // "cpu", "f32"
  std::string template_name;  // "tunedeck"
};

struct AppEvent {
  AppEventKind kind = AppEventKind::kNotice;
  std::string text;
  bool ok = true;
  AgentEvent agent;
  ToolCallSyntax tool_call_syntax;
  double tokens_per_s = 0;
  ModelStatus model;
  TrainProgress train;
  std::vector<RunInfo> runs;
  RunInfo run;
  std::vector<RunMetrics> metrics;
  bool reset = false;
  std::vector<StatsSnapshot> stats;
};

}  // namespace tunedeck
