// Synthetic tool-call conversations for the shipped date agent (datebot): questions in
// Korean and English (datagen/toolcall_phrasing.h), tool calls and results from the real built-in
// tools, final answers phrased from those results; written as seed-001 CSV rows or chat JSONL.
// Reproducible: the same options give the same bytes on every platform (no clock, no std
// distributions). Not the trainer's dataset loader. Pure functions; thread-safe.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "agent/chat_message.h"
#include "datagen/toolcall_phrasing.h"

namespace tunedeck {

struct ToolcallDataOptions {
  uint64_t seed = 1;
  int count = 1000;               // conversations to make (CSV: rows); >= 1
  std::string languages = "mix";  // "ko", "en", or "mix" (about 60% Korean, 40% English)
  // Only questions answered by one call in one turn (weekday, add_days): what a seed-001 CSV row
  // can hold. Otherwise also today, today-relative (two calls) and multi-turn follow-ups.
  bool single_call_only = false;
  // A mix for training on the hard cases (datebot stage 3): day counts said in weeks or words,
  // whole-week counts, follow-ups and today-relative questions come up more often. Same
  // phrasings, other odds; false gives exactly the default mix's bytes.
  bool hard_counts = false;
  // Dates spelled in their rarer ways more often ("2/28/1993", "jul. 22, 2045", "May 2nd, 1920",
  // "1993. 2. 28."), English month names in lower case now and then (datebot's stage 5). Same
  // spellings, other odds; false gives exactly the bytes without it.
  bool hard_dates = false;
  // Weekday and N-days questions that now and then state the date in a clause of their own and
  // then ask about "that day" ("My flight is on Aug 22, 2026. What day is that?", "이사 날짜가
  // 2027년 2월 27일인데 그날 무슨 요일이야?"), or say "add 250 days to …" (datebot's stage 6).
  // false gives exactly the bytes without it.
  bool stated_dates = false;
  // Which mix: "v6" (the mixes above, as datebot v1-v6 were trained on) or "v7"
  // (datagen/toolcall_data_v7.h: multi-turn conversations with relative words, holidays, day
  // counts and no-tool turns).
  std::string mix = "v6";
};

// One tool call of a turn and what the tool returned.
struct ToolcallStep {
  std::string name;  // "add_days", "weekday", "today"
  nlohmann::json arguments = nlohmann::json::object();
  std::string call_text;    // toolcall_data_call_text(name, arguments): the assistant's whole turn
  std::string result_text;  // the result as compact JSON, byte for byte what the agent loop shows
};

struct ToolcallTurn {
  ToolcallIntent intent = ToolcallIntent::kWeekday;
  std::string user;                 // the question
  std::vector<ToolcallStep> steps;  // in order; kTodayAddDays: today, then add_days
  std::string answer;               // the final answer, in the question's language
  std::string answer_date;  // YYYY-MM-DD: the date answered (follow-ups build on it); "" if none
  std::string kind;         // the v7 mix's kind ("relative_weekday", "no_tool", ...); "" in v6
};

struct ToolcallConversation {
  ToolcallIntent intent = ToolcallIntent::kWeekday;  // the first turn's, or kFollowUp if several
  ToolcallLanguage language = ToolcallLanguage::kKorean;
  std::vector<ToolcallTurn> turns;  // a kFollowUp conversation: 2 or 3 turns, each later one
                                    // needing the turn before it
  std::string today;                // the v7 mix: the conversation's today; "" in v6
};

// `count` conversations. "today" is a date drawn per conversation (2024..2028) and the today
// tool's result is built from it (the clock is never read). Throws std::invalid_argument naming
// the option when count < 1, languages is not ko/en/mix or mix is not v6/v7.
std::vector<ToolcallConversation> toolcall_data_generate(const ToolcallDataOptions& options);

// The canonical text of one call, used for every assistant tool-calling turn:
//   <tool_call>{"name": "add_days", "arguments": {"date": "2026-02-20", "days": 100}}</tool_call>
// name first, then arguments; ", " between items and ": " after keys (Python's json.dumps
// spacing); argument keys in sorted order; non-ASCII text as UTF-8, not \u escapes.
std::string toolcall_data_call_text(const std::string& name, const nlohmann::json& arguments);

// The conversation as chat messages: [system], then per turn user, (assistant call, tool result)
// per step, assistant answer. Tool messages carry the tool's name.
ChatMessages toolcall_data_messages(const ToolcallConversation& conversation,
                                    const std::string& system_prompt);

// The seed-001 CSV: header "user_input,tool_call_output,tool_call_result,final_output", one row
// per conversation, RFC 4180 quoting (fields with , " CR or LF quoted, quotes doubled), LF line
// ends, UTF-8. Throws std::invalid_argument naming the conversation when one has more than one
// turn or call (generate with single_call_only for CSV).
std::string toolcall_data_csv(const std::vector<ToolcallConversation>& conversations);

// Chat JSONL, one conversation a line:
//   {"messages":[{"role":"user","content":"..."},{"role":"assistant","content":"<tool_call>..."},
//    {"role":"tool","content":"{...}","name":"weekday"},...],"intent":"weekday","language":"ko"}
// "intent" and "language" are labels for evaluation and summaries; trainers read "messages".
// A v7 conversation adds "today" and "kinds" (one per turn), and its "intent" is the first turn's
// kind, or "conversation" when it has several turns.
std::string toolcall_data_jsonl(const std::vector<ToolcallConversation>& conversations,
                                const std::string& system_prompt);

}  // namespace tunedeck
