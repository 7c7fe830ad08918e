// `tunedeck eval toolcalls`: runs the agent on every user turn of a seed-001 CSV or chat JSONL and
// scores the turn's first tool call (name + arguments as JSON) and its final answer (contains the
// expected date or weekday). Prints the accuracies (follow-up turns apart) and the failures.
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/commands.h"
#include "cli/session_flags.h"
#include "datagen/toolcall_eval.h"
#include "session/chat_session.h"
#include "train/dataset.h"

namespace tunedeck {
namespace {

namespace fs = std::filesystem;

const char kUsage[] =
    "usage: tunedeck eval toolcalls --data FILE [--model DIR] [--adapter DIR] [--json] [--limit "
    "N]\n"
    "\n"
    "Runs the agent on every user turn of FILE and scores each turn:\n"
    "  call accuracy    the turn's first tool call has the expected name and arguments (as JSON)\n"
    "  answer accuracy  the final answer contains the expected date (2027-01-04, 2027년 1월 4일,\n"
    "                   January 4, 2027) or weekday (월요일, Monday) of the turn's last tool "
    "result\n"
    "A turn counts as correct when both are. Turns after the first in a conversation are scored\n"
    "on what the model itself said before (not on the reference), and reported as follow-ups.\n"
    "When the reference calls `today`, the agent's `today` answers the date it returned, so\n"
    "\"3 days from today\" is scored against the data's today. Prints the failures (question,\n"
    "expected, got). Sessions go to a scratch database, not your memory.\n"
    "\n"
    "  --data FILE     seed-001 CSV (one turn a row) or chat JSONL (multi-turn conversations,\n"
    "                  as `tunedeck data toolcalls --format jsonl` writes)\n"
    "  --limit N       score only the first N rows (conversations)\n"
    "  --json          one JSON object: counts, accuracies, failures\n";

// One user turn of a reference conversation and what the agent is expected to do with it.
struct EvalTurn {
  std::string question;
  std::string expected_call;    // "" when the reference answers without a tool
  std::string expected_result;  // the turn's last tool result
  std::string expected_answer;  // the reference's final answer text
  bool follow_up = false;       // not the conversation's first turn
};

struct EvalConversation {
  std::vector<EvalTurn> turns;
  std::string today;  // the date the reference's `today` returned; "" when it never asks
};

struct TurnScore {
  EvalTurn turn;
  std::string got_call, answer;
  bool call_ok = false, answer_ok = false;
};

struct Tally {
  int turns = 0, calls_ok = 0, answers_ok = 0, both_ok = 0;
  void add(const TurnScore& s) {
    ++turns;
    calls_ok += s.call_ok;
    answers_ok += s.answer_ok;
    both_ok += s.call_ok && s.answer_ok;
  }
  static double share(int part, int whole) {
    return whole == 0 ? 0.0 : static_cast<double>(part) / whole;
  }
  nlohmann::json json() const {
    return {{"turns", turns},
            {"calls_correct", calls_ok},
            {"answers_correct", answers_ok},
            {"both_correct", both_ok},
            {"call_accuracy", share(calls_ok, turns)},
            {"answer_accuracy", share(answers_ok, turns)},
            {"turn_accuracy", share(both_ok, turns)}};
  }
};

std::string call_text(const std::string& name, const nlohmann::json& arguments) {
  return nlohmann::json{{"name", name}, {"arguments", arguments}}.dump();
}

std::string today_from_result(const std::string& result) {
  const nlohmann::json j = nlohmann::json::parse(result, nullptr, false);
  return j.is_object() && j.contains("date") && j["date"].is_string() ? j["date"].get<std::string>()
                                                                      : "";
}

// Splits a reference conversation at its user messages.
EvalConversation conversation_from_row(const DatasetRow& row) {
  EvalConversation conversation;
  for (const ChatMessage& m : row.messages) {
    if (m.role == "user") {
      EvalTurn turn;
      turn.question = m.content;
      turn.follow_up = !conversation.turns.empty();
      conversation.turns.push_back(std::move(turn));
      continue;
    }
    if (conversation.turns.empty()) continue;  // a system message
    EvalTurn& turn = conversation.turns.back();
    if (m.role == "assistant" && m.content.find(ToolCallSyntax{}.open) != std::string::npos) {
      if (turn.expected_call.empty()) turn.expected_call = m.content;
    } else if (m.role == "assistant") {
      turn.expected_answer = m.content;
    } else if (m.role == "tool") {
      turn.expected_result = m.content;
      if (m.name == "today" && conversation.today.empty())
        conversation.today = today_from_result(m.content);
    }
  }
  return conversation;
}

TurnScore score_turn(AgentLoop& loop, const EvalTurn& turn, const std::string& source) {
  TurnScore s;
  s.turn = turn;
  const AgentTurnResult result = loop.run_turn(turn.question, nullptr, nullptr);
  const ToolResult* first =
      !result.steps.empty() && !result.steps[0].calls.empty() ? &result.steps[0].calls[0] : nullptr;
  s.got_call = first                  ? call_text(first->name, first->arguments)
               : result.steps.empty() ? "(no output)"
                                      : "(no call) " + result.steps[0].raw;
  s.answer = result.outcome == AgentOutcome::kAnswered
                 ? result.answer
                 : std::string("(") + agent_outcome_name(result.outcome) + ") " + result.error;
  if (turn.expected_call.empty()) {  // the reference answers without a tool
    s.call_ok = first == nullptr;
    s.answer_ok = result.outcome == AgentOutcome::kAnswered;
    return s;
  }
  ToolCallExpectation
      expected;  // the call from the turn's first call, the date from its last result
  try {
    expected = toolcall_expectation(turn.expected_call, turn.expected_result);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(source + ": " + e.what());
  }
  s.turn.expected_call = expected.call.dump();
  s.call_ok = first && toolcall_call_matches(expected, first->name, first->arguments);
  s.answer_ok =
      result.outcome == AgentOutcome::kAnswered && toolcall_answer_matches(expected, result.answer);
  return s;
}

void print_failures(const std::vector<TurnScore>& scores) {
  for (const auto& s : scores) {
    if (s.call_ok && s.answer_ok) continue;
    std::cout << "FAIL  " << (s.turn.follow_up ? "(follow-up) " : "") << s.turn.question << "\n";
    if (!s.call_ok)
      std::cout << "  call     expected "
                << (s.turn.expected_call.empty() ? "(no call)" : s.turn.expected_call)
                << "\n           got      " << s.got_call << "\n";
    if (!s.answer_ok)
      std::cout << "  answer   expected " << s.turn.expected_answer << "\n           got      "
                << s.answer << "\n";
  }
}

std::string percent(int part, int whole) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(1);
  out << part << "/" << whole << " = " << 100.0 * Tally::share(part, whole) << "%";
  return out.str();
}

int run_eval(CliArgs& args) {
  SessionFlags flags = session_flags_read(args);
  const auto data = args.value("data");
  const int limit = args.int_or("limit", 0);
  const bool json_output = args.flag("json");
  const auto positionals = args.positionals();
  args.finish();
  if (positionals.size() != 1 || positionals[0] != "toolcalls")
    throw UsageError("expected: eval toolcalls");
  if (!data) throw UsageError("--data FILE (CSV or chat JSONL) is required");

  DatasetLoadReport report;
  std::vector<DatasetRow> rows = dataset_load(*data, DatasetOptions{}, report);
  if (limit > 0 && static_cast<int>(rows.size()) > limit) rows.resize(limit);

  const fs::path scratch =
      fs::temp_directory_path() / ("tunedeck-eval-" + std::to_string(getpid()) + ".db");
  flags.db = scratch.string();
  // `today` answers the date the reference's own `today` returned while its conversation runs;
  // in a conversation that never asks, the user's clock (TUNEDECK_TODAY or the system date).
  const TodayClock user_today = today_clock_from_environment();
  std::string reference_today;  // "" when the conversation's reference never asks
  const TodayClock today = [&]() {
    return reference_today.empty() ? user_today() : CalendarDate::parse(reference_today);
  };
  std::ostringstream warnings;
  const std::unique_ptr<ChatSession> session = chat_session_open(flags, "eval-0", warnings, today);
  if (!warnings.str().empty()) std::cerr << warnings.str();

  std::vector<TurnScore> scores;
  Tally all, first_turns, follow_ups;
  for (size_t i = 0; i < rows.size(); ++i) {
    const EvalConversation conversation = conversation_from_row(rows[i]);
    reference_today = conversation.today;
    session->loop().set_session(session->memory().create_session("eval-" + std::to_string(i + 1)));
    for (const EvalTurn& turn : conversation.turns) {
      scores.push_back(score_turn(session->loop(), turn, rows[i].source));
      all.add(scores.back());
      (turn.follow_up ? follow_ups : first_turns).add(scores.back());
    }
    if (!json_output && isatty(STDERR_FILENO))
      std::cerr << "\r" << (i + 1) << "/" << rows.size() << " conversations scored" << std::flush;
  }
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(scratch.string() + suffix, ignored);

  if (json_output) {
    nlohmann::json failures = nlohmann::json::array();
    for (const auto& s : scores)
      if (!s.call_ok || !s.answer_ok)
        failures.push_back({{"question", s.turn.question},
                            {"follow_up", s.turn.follow_up},
                            {"expected_call", s.turn.expected_call},
                            {"got_call", s.got_call},
                            {"call_ok", s.call_ok},
                            {"expected_answer", s.turn.expected_answer},
                            {"answer", s.answer},
                            {"answer_ok", s.answer_ok}});
    nlohmann::json out = all.json();
    out["rows"] = rows.size();
    out["skipped"] = report.rows_skipped;
    out["first_turns"] = first_turns.json();
    out["follow_ups"] = follow_ups.json();
    out["failures"] = failures;
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  if (isatty(STDERR_FILENO)) std::cerr << "\n";
  print_failures(scores);
  std::cout << "rows " << rows.size() << " (skipped " << report.rows_skipped << "), " << all.turns
            << " turns\n"
            << "call accuracy     " << percent(all.calls_ok, all.turns) << "\n"
            << "answer accuracy   " << percent(all.answers_ok, all.turns) << "\n";
  if (follow_ups.turns > 0)
    std::cout << "first turns       " << percent(first_turns.both_ok, first_turns.turns)
              << " fully correct\n"
              << "follow-up turns   " << percent(follow_ups.both_ok, follow_ups.turns)
              << " fully correct\n";
  return 0;
}

}  // namespace

extern const Command kEvalCommand = {
    "eval", "score the agent's tool calls and answers on a CSV of examples", kUsage, run_eval};

}  // namespace tunedeck
