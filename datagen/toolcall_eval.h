// Scoring a tool-calling agent against a seed-001 style row: did its first call have the expected
// name and arguments (compared as parsed JSON), and does its final answer contain the expected
// date or weekday in an accepted spelling (2027-01-04, 2027년 1월 4일, January 4, 2027, 월요일,
// Monday). Not the agent loop and not the CLI. Plain functions, thread-safe.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

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
bool toolcall_answer_matches(const ToolCallExpectation& expected, const std::string& answer);

}  // namespace tunedeck
