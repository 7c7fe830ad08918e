// Running a tool-calling agent over evaluation conversations (datagen/toolcall_eval.h), turn by
// turn in each conversation so the model sees its own earlier answers, and the totals: overall,
// first turns, follow-ups, no-tool turns and per kind, with the failures. Not the CLI (it only
// opens the session and prints) and not the model. Single-threaded: it drives one AgentLoop.
#pragma once
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "agent/agent_loop.h"
#include "datagen/toolcall_eval.h"

namespace tunedeck {

struct TurnScore {
  std::string conversation;  // its id
  EvalTurn turn;
  std::string got_call;    // the first call as {"name","arguments"} JSON, or "(no call) RAW"
  std::string answer;      // the final answer, or "(outcome) error"
  bool call_ok = false;    // the expected first call was made; no call when none is expected
  bool answer_ok = false;  // answered, carrying every expected date, weekday and count
  bool right() const { return call_ok && answer_ok; }
};

// Scores one turn's outcome against its expectation.
TurnScore toolcall_eval_score_turn(const EvalTurn& turn, const AgentTurnResult& result);

// Called before a conversation's first turn: give the loop a fresh session and point the today
// tool's clock at conversation.today.
using EvalConversationStart = std::function<void(const EvalConversation&, size_t index)>;
// Called after each conversation with how many are done.
using EvalProgress = std::function<void(size_t done)>;

// Every turn of every conversation, in order, through loop.run_turn.
std::vector<TurnScore> toolcall_eval_run(AgentLoop& loop,
                                         const std::vector<EvalConversation>& conversations,
                                         const EvalConversationStart& start,
                                         const EvalProgress& progress = nullptr);

struct EvalTally {
  int turns = 0, calls_ok = 0, answers_ok = 0, right = 0;
  void add(const TurnScore& score);
  // {"turns","calls_correct","answers_correct","both_correct","call_accuracy",
  //  "answer_accuracy","turn_accuracy"}
  nlohmann::json json() const;
};

struct ToolcallEvalReport {
  EvalTally all, first_turns, follow_ups, tool_turns, no_tool_turns;
  std::map<std::string, EvalTally> kinds;  // by EvalTurn::kind
};

ToolcallEvalReport toolcall_eval_report(const std::vector<TurnScore>& scores);
// The report's tallies (all's at the top level, then "first_turns", "follow_ups", "tool_turns",
// "no_tool_turns", "kinds") and "failures": one object per wrong turn.
nlohmann::json toolcall_eval_json(const ToolcallEvalReport& report,
                                  const std::vector<TurnScore>& scores);
// The failures (question, expected, got), then the accuracies, one per line.
std::string toolcall_eval_text(const ToolcallEvalReport& report,
                               const std::vector<TurnScore>& scores);

}  // namespace tunedeck
