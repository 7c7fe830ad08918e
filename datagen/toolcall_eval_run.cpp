#include "datagen/toolcall_eval_run.h"

#include <sstream>

#include "agent/calendar_date.h"

namespace tunedeck {
namespace {

using nlohmann::json;

double share(int part, int whole) { return whole == 0 ? 0.0 : static_cast<double>(part) / whole; }

std::string percent(int part, int whole) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(1);
  out << part << "/" << whole << " = " << 100.0 * share(part, whole) << "%";
  return out.str();
}

bool answer_carries(const TurnExpectation& e, const std::string& answer) {
  if (e.date_or_weekday)
    return toolcall_answer_has_date(answer, e.date) ||
           toolcall_answer_has_weekday(answer, e.weekday);
  if (!e.date.empty() && !toolcall_answer_has_date(answer, e.date)) return false;
  if (e.weekday != 0 && !toolcall_answer_has_weekday(answer, e.weekday)) return false;
  return !e.days || toolcall_answer_has_count(answer, *e.days);
}

// What the turn was expected to do, in one line.
std::string expected_text(const TurnExpectation& e) {
  std::string out;
  const auto add = [&out](const std::string& part) { out += (out.empty() ? "" : ", ") + part; };
  if (e.no_tool) add("no tool");
  if (e.call) add(e.call->dump());
  if (!e.date.empty())
    add(std::string(e.date_or_weekday ? "date or weekday of " : "date ") + e.date);
  if (e.weekday != 0 && !e.date_or_weekday)
    add(std::string("weekday ") + weekday_name_english(e.weekday));
  if (e.days) add("days " + std::to_string(*e.days));
  return out;
}

}  // namespace

TurnScore toolcall_eval_score_turn(const EvalTurn& turn, const AgentTurnResult& result) {
  TurnScore s;
  s.turn = turn;
  const ToolResult* first =
      !result.steps.empty() && !result.steps[0].calls.empty() ? &result.steps[0].calls[0] : nullptr;
  s.got_call = first ? json{{"name", first->name}, {"arguments", first->arguments}}.dump()
               : result.steps.empty() ? "(no output)"
                                      : "(no call) " + result.steps[0].raw;
  const bool answered = result.outcome == AgentOutcome::kAnswered;
  s.answer = answered ? result.answer
                      : std::string("(") + agent_outcome_name(result.outcome) + ") " + result.error;
  const TurnExpectation& e = turn.expect;
  if (e.no_tool) {
    s.call_ok = first == nullptr;
    s.answer_ok = answered;
    return s;
  }
  s.call_ok = !e.call || (first && first->name == e.call->value("name", std::string()) &&
                          first->arguments == (*e.call)["arguments"]);
  s.answer_ok = answered && answer_carries(e, result.answer);
  return s;
}

std::vector<TurnScore> toolcall_eval_run(AgentLoop& loop,
                                         const std::vector<EvalConversation>& conversations,
                                         const EvalConversationStart& start,
                                         const EvalProgress& progress) {
  std::vector<TurnScore> scores;
  for (size_t i = 0; i < conversations.size(); i++) {
    const EvalConversation& conversation = conversations[i];
    start(conversation, i);
    for (const EvalTurn& turn : conversation.turns) {
      scores.push_back(toolcall_eval_score_turn(turn, loop.run_turn(turn.question, nullptr)));
      scores.back().conversation = conversation.id;
    }
    if (progress) progress(i + 1);
  }
  return scores;
}

void EvalTally::add(const TurnScore& score) {
  ++turns;
  calls_ok += score.call_ok;
  answers_ok += score.answer_ok;
  right += score.right();
}

json EvalTally::json() const {
  return {{"turns", turns},
          {"calls_correct", calls_ok},
          {"answers_correct", answers_ok},
          {"both_correct", right},
          {"call_accuracy", share(calls_ok, turns)},
          {"answer_accuracy", share(answers_ok, turns)},
          {"turn_accuracy", share(right, turns)}};
}

ToolcallEvalReport toolcall_eval_report(const std::vector<TurnScore>& scores) {
  ToolcallEvalReport r;
  for (const TurnScore& s : scores) {
    r.all.add(s);
    (s.turn.follow_up ? r.follow_ups : r.first_turns).add(s);
    (s.turn.expect.no_tool ? r.no_tool_turns : r.tool_turns).add(s);
    r.kinds[s.turn.kind].add(s);
  }
  return r;
}

json toolcall_eval_json(const ToolcallEvalReport& report, const std::vector<TurnScore>& scores) {
  json failures = json::array();
  for (const TurnScore& s : scores) {
    if (s.right()) continue;
    failures.push_back({{"conversation", s.conversation},
                        {"question", s.turn.question},
                        {"kind", s.turn.kind},
                        {"follow_up", s.turn.follow_up},
                        {"expected", expected_text(s.turn.expect)},
                        {"expected_call", s.turn.expect.call ? s.turn.expect.call->dump() : ""},
                        {"got_call", s.got_call},
                        {"call_ok", s.call_ok},
                        {"expected_answer", s.turn.reference_answer},
                        {"answer", s.answer},
                        {"answer_ok", s.answer_ok}});
  }
  json out = report.all.json();
  out["first_turns"] = report.first_turns.json();
  out["follow_ups"] = report.follow_ups.json();
  out["tool_turns"] = report.tool_turns.json();
  out["no_tool_turns"] = report.no_tool_turns.json();
  json kinds = json::object();
  for (const auto& [kind, tally] : report.kinds) kinds[kind] = tally.json();
  out["kinds"] = kinds;
  out["failures"] = failures;
  return out;
}

std::string toolcall_eval_text(const ToolcallEvalReport& report,
                               const std::vector<TurnScore>& scores) {
  std::ostringstream out;
  for (const TurnScore& s : scores) {
    if (s.right()) continue;
    out << "FAIL  " << s.conversation << (s.turn.follow_up ? " (follow-up) " : " ")
        << s.turn.question << "\n"
        << "  expected " << expected_text(s.turn.expect) << "\n";
    if (!s.call_ok) out << "  call     got " << s.got_call << "\n";
    if (!s.answer_ok) {
      if (!s.turn.reference_answer.empty())
        out << "  answer   reference " << s.turn.reference_answer << "\n";
      out << "  answer   got " << s.answer << "\n";
    }
  }
  const EvalTally& a = report.all;
  out << "turns             " << a.turns << "\n"
      << "call accuracy     " << percent(a.calls_ok, a.turns) << "\n"
      << "answer accuracy   " << percent(a.answers_ok, a.turns) << "\n"
      << "turn accuracy     " << percent(a.right, a.turns) << "\n";
  if (report.follow_ups.turns > 0)
    out << "first turns       " << percent(report.first_turns.right, report.first_turns.turns)
        << " fully correct\n"
        << "follow-up turns   " << percent(report.follow_ups.right, report.follow_ups.turns)
        << " fully correct\n";
  if (report.no_tool_turns.turns > 0)
    out << "tool turns        " << percent(report.tool_turns.right, report.tool_turns.turns) << "\n"
        << "no-tool turns     " << percent(report.no_tool_turns.right, report.no_tool_turns.turns)
        << " (right when no tool was called)\n";
  if (report.kinds.size() > 1)
    for (const auto& [kind, tally] : report.kinds)
      out << "  kind " << kind << std::string(kind.size() < 14 ? 14 - kind.size() : 1, ' ')
          << percent(tally.right, tally.turns) << "\n";
  return out.str();
}

}  // namespace tunedeck
