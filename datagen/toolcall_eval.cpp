#include "datagen/toolcall_eval.h"

#include <stdexcept>

#include "agent/calendar_date.h"
#include "agent/tool_call_parser.h"

namespace tunedeck {

ToolCallExpectation toolcall_expectation(const std::string& tool_call_output,
                                         const std::string& tool_call_result) {
  ToolCallExpectation e;
  const ToolCallSyntax tags;  // the data's
  const std::string text = tool_call_output.find(tags.open) == std::string::npos
                               ? tags.open + tool_call_output + tags.close
                               : tool_call_output;
  const ParsedReply reply = parse_tool_calls(text, tags);
  if (reply.calls.empty() || !reply.calls[0].error.empty())
    throw std::invalid_argument("tool_call_output holds no valid tool call: " +
                                (reply.calls.empty() ? text : reply.calls[0].error));
  e.call = {{"name", reply.calls[0].name}, {"arguments", reply.calls[0].arguments}};
  const nlohmann::json result = nlohmann::json::parse(tool_call_result, nullptr, false);
  if (result.is_discarded())
    throw std::invalid_argument("tool_call_result is not JSON: " + tool_call_result);
  if (result.is_object() && result.contains("date") && result["date"].is_string()) {
    try {
      const CalendarDate date = CalendarDate::parse(result["date"]);
      e.date_iso = date.iso();
      e.iso_weekday = date.iso_weekday();
    } catch (const CalendarDateError&) {
      // a result without a usable date: only the call can be scored
    }
  }
  return e;
}

bool toolcall_call_matches(const ToolCallExpectation& expected, const std::string& name,
                           const nlohmann::json& arguments) {
  return expected.call.value("name", std::string()) == name &&
         expected.call["arguments"] == arguments;
}

bool toolcall_answer_matches(const ToolCallExpectation& expected, const std::string& answer) {
  if (expected.date_iso.empty()) return false;
  const CalendarDate date = CalendarDate::parse(expected.date_iso);
  for (const std::string& form : {date.iso(), date.korean(), date.english()})
    if (answer.find(form) != std::string::npos) return true;
  return answer.find(weekday_name_korean(expected.iso_weekday)) != std::string::npos ||
         answer.find(weekday_name_english(expected.iso_weekday)) != std::string::npos;
}

}  // namespace tunedeck
