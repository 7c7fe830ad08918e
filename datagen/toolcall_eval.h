// Scoring a tool-calling agent's turns: what a turn is expected to do (a first call with a name and
// arguments, an answer that carries a date, a weekday or a day count, or no tool at all), read
// from a reference conversation or from the held-out multi-turn format, and the checks of one
// turn's outcome against it. Not the agent loop, not the CLI (datagen/toolcall_eval_run.h runs
// conversations and tallies). Plain functions, thread-safe.
#pragma once
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "agent/chat_message.h"

namespace tunedeck {

struct ToolCallExpectation {
  nlohmann::json call;   // {"name": ..., "arguments": {...}}
  std::string date_iso;  // from the tool result's "date" ("" when it has none)
  int iso_weekday = 0;   // 1..7 from the result's date; 0 when unknown
};

// Throws std::invalid_argument naming what is wrong when the call text holds no parseable
// <tool_call> (or bare {"name", "arguments"} JSON) or the result is not JSON.
ToolCallExpectation toolcall_expectation(const std::string& tool_call_output,
                                         const std::string& tool_call_result);

bool toolcall_call_matches(const ToolCallExpectation& expected, const std::string& name,
                           const nlohmann::json& arguments);
// The answer carries the expected date or, failing that, its weekday.
bool toolcall_answer_matches(const ToolCallExpectation& expected, const std::string& answer);

// The answer carries `date` in one of its renderings: 2026-03-20, 2026년 3월 20일, March 20, 2026,
// 3월 20일, March 20 (not followed by another digit). REQUIRES: date_iso is YYYY-MM-DD.
bool toolcall_answer_has_date(const std::string& answer, const std::string& date_iso);
// The answer carries the weekday (1..7) in English ("Friday") or Korean ("금요일").
bool toolcall_answer_has_weekday(const std::string& answer, int iso_weekday);
// The answer carries `days` as a number of its own ("286", "286일", "1,234 days"; not "2860").
bool toolcall_answer_has_count(const std::string& answer, long long days);

// What one user turn must do to be right; every expectation given must hold.
struct TurnExpectation {
  std::optional<nlohmann::json> call;  // the first call {"name","arguments"} (references only)
  std::string date;                    // YYYY-MM-DD the answer carries; "" = not checked
  int weekday = 0;                     // 1..7 the answer carries; 0 = not checked
  bool date_or_weekday = false;        // references: the date or its weekday is enough
  std::optional<long long> days;       // the count the answer carries
  bool no_tool = false;                // the turn calls no tool
};

struct EvalTurn {
  std::string question;
  TurnExpectation expect;
  std::string reference_answer;  // the reference's final answer ("" in the held-out format)
  std::string kind;              // what it asks, for per-kind totals ("date", "no_tool", ...)
  bool follow_up = false;        // not the conversation's first turn
};

struct EvalConversation {
  std::string id;        // the held-out "id", or "file:line"
  std::string today;     // YYYY-MM-DD the agent's clock says; "" = the user's clock
  std::string language;  // "ko", "en", "mix" or ""
  std::vector<EvalTurn> turns;
};

// One line of the held-out multi-turn format:
//   {"id","today","language","turns":[{"user": ..., "expect":
//   {"date"|"weekday"|"days"|"no_tool"}}]}
// Throws std::invalid_argument naming `where` and the field when the line breaks the format.
EvalConversation toolcall_eval_heldout_conversation(const nlohmann::json& line,
                                                    const std::string& where);
// A reference conversation (chat messages with tool calls and results) split at its user
// messages: each turn expects its first call and an answer with the last result's date (or
// weekday) or day count; a turn without calls expects none. `kinds`, when not empty, labels the
// turns in order. The conversation's today is the reference's `today` result, if any.
EvalConversation toolcall_eval_reference_conversation(const ChatMessages& messages,
                                                      const std::vector<std::string>& kinds,
                                                      const std::string& where);
// A file's lines as conversations: the held-out format when a line has "turns", else chat JSONL
// ({"messages": [...], optional "kinds", "today"}). Blank lines are skipped. Throws
// std::invalid_argument naming "path:line" on a line that is neither.
std::vector<EvalConversation> toolcall_eval_read_jsonl(const std::string& text,
                                                       const std::string& path);

}  // namespace tunedeck
