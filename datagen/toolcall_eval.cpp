#include "datagen/toolcall_eval.h"

#include <sstream>
#include <stdexcept>

#include "agent/calendar_date.h"
#include "agent/tool_call_parser.h"

namespace tunedeck {
namespace {

using nlohmann::json;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// `form` occurs in `text` with no digit right before or after it ("March 2" is not in
// "March 20", "3월 20일" not in "13월 20일").
bool contains_unextended(const std::string& text, const std::string& form) {
  for (size_t at = text.find(form); at != std::string::npos; at = text.find(form, at + 1)) {
    const size_t end = at + form.size();
    const bool digit_before = at > 0 && is_digit(text[at - 1]);
    if (!digit_before && (end >= text.size() || !is_digit(text[end]))) return true;
  }
  return false;
}

// `text` without thousands separators: a ',' after a digit and before exactly three digits.
std::string without_thousands_separators(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); i++) {
    const bool separator = text[i] == ',' && i > 0 && is_digit(text[i - 1]) &&
                           i + 3 < text.size() && is_digit(text[i + 1]) && is_digit(text[i + 2]) &&
                           is_digit(text[i + 3]) &&
                           (i + 4 == text.size() || !is_digit(text[i + 4]));
    if (!separator) out += text[i];
  }
  return out;
}

// Every whole number in `text` (at most 15 digits), "1,234" read as 1234.
std::vector<long long> numbers_in(const std::string& text) {
  std::vector<long long> out;
  std::string digits;
  for (const char c : without_thousands_separators(text) + " ") {
    if (is_digit(c)) {
      digits += c;
      continue;
    }
    if (!digits.empty() && digits.size() <= 15) out.push_back(std::stoll(digits));
    digits.clear();
  }
  return out;
}

std::string where_field(const std::string& where, const std::string& field) {
  return where + ": " + field;
}

CalendarDate checked_date(const json& value, const std::string& where) {
  if (!value.is_string()) throw std::invalid_argument(where + ": expected \"YYYY-MM-DD\"");
  try {
    return CalendarDate::parse(value.get<std::string>());
  } catch (const CalendarDateError& e) {
    throw std::invalid_argument(where + ": " + e.what());
  }
}

TurnExpectation heldout_expectation(const json& expect, const std::string& where) {
  if (!expect.is_object() || expect.empty())
    throw std::invalid_argument(where + ": expected an object with date, weekday, days or no_tool");
  TurnExpectation e;
  for (const auto& [key, value] : expect.items()) {
    const std::string at = where_field(where, key);
    if (key == "date") {
      e.date = checked_date(value, at).iso();
    } else if (key == "weekday") {
      e.weekday = value.is_string() ? iso_weekday_from_english(value.get<std::string>()) : 0;
      if (e.weekday == 0) throw std::invalid_argument(at + ": expected an English weekday name");
    } else if (key == "days") {
      if (!value.is_number_integer() || value.get<long long>() < 0)
        throw std::invalid_argument(at + ": expected an integer >= 0");
      e.days = value.get<long long>();
    } else if (key == "no_tool") {
      if (!value.is_boolean()) throw std::invalid_argument(at + ": expected true or false");
      e.no_tool = value.get<bool>();
    } else {
      throw std::invalid_argument(at + ": unknown key (known: date, weekday, days, no_tool)");
    }
  }
  return e;
}

// "date", "weekday", "date+weekday", "days", "no_tool": which checks the turn has.
std::string kind_of(const TurnExpectation& e) {
  if (e.no_tool) return "no_tool";
  std::string kind;
  const auto add = [&kind](const char* part) {
    kind += (kind.empty() ? "" : "+") + std::string(part);
  };
  if (!e.date.empty()) add("date");
  if (e.weekday != 0) add("weekday");
  if (e.days) add("days");
  return kind.empty() ? "other" : kind;
}

std::string string_field(const json& line, const char* key) {
  return line.contains(key) && line[key].is_string() ? line[key].get<std::string>() : "";
}

}  // namespace

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
  const json result = json::parse(tool_call_result, nullptr, false);
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
  return toolcall_answer_has_date(answer, expected.date_iso) ||
         toolcall_answer_has_weekday(answer, expected.iso_weekday);
}

bool toolcall_answer_has_date(const std::string& answer, const std::string& date_iso) {
  const CalendarDate date = CalendarDate::parse(date_iso);
  const std::string month_day_ko =
      std::to_string(date.month) + "월 " + std::to_string(date.day) + "일";
  const std::string month_day_en =
      std::string(month_name_english(date.month)) + " " + std::to_string(date.day);
  for (const std::string& form : {date.iso(), date.korean(), date.english()})
    if (answer.find(form) != std::string::npos) return true;
  // Without the year: only where no other year is given beside it.
  const bool other_year_ko = answer.find("년 " + month_day_ko) != std::string::npos;
  return (!other_year_ko && contains_unextended(answer, month_day_ko)) ||
         (contains_unextended(answer, month_day_en) &&
          answer.find(month_day_en + ", ") == std::string::npos);
}

bool toolcall_answer_has_weekday(const std::string& answer, int iso_weekday) {
  if (iso_weekday < 1 || iso_weekday > 7) return false;
  return answer.find(weekday_name_korean(iso_weekday)) != std::string::npos ||
         answer.find(weekday_name_english(iso_weekday)) != std::string::npos;
}

bool toolcall_answer_has_count(const std::string& answer, long long days) {
  for (long long n : numbers_in(answer))
    if (n == days) return true;
  return false;
}

EvalConversation toolcall_eval_heldout_conversation(const json& line, const std::string& where) {
  EvalConversation c;
  c.id = line.contains("id") && line["id"].is_string() ? line["id"].get<std::string>() : where;
  if (!line.contains("today"))
    throw std::invalid_argument(where + ": missing \"today\" (YYYY-MM-DD)");
  c.today = checked_date(line["today"], where_field(where, "today")).iso();
  c.language = string_field(line, "language");
  const json& turns = line["turns"];
  if (!turns.is_array() || turns.empty())
    throw std::invalid_argument(where + ": \"turns\" must be a non-empty array");
  for (size_t i = 0; i < turns.size(); i++) {
    const std::string at = where + ": turns[" + std::to_string(i) + "]";
    const json& t = turns[i];
    if (!t.is_object() || !t.contains("user") || !t["user"].is_string())
      throw std::invalid_argument(at + ": expected {\"user\": TEXT, \"expect\": {...}}");
    if (!t.contains("expect")) throw std::invalid_argument(at + ": missing \"expect\"");
    EvalTurn turn;
    turn.question = t["user"].get<std::string>();
    turn.expect = heldout_expectation(t["expect"], at + ".expect");
    turn.kind = kind_of(turn.expect);
    turn.follow_up = i > 0;
    c.turns.push_back(std::move(turn));
  }
  return c;
}

EvalConversation toolcall_eval_reference_conversation(const ChatMessages& messages,
                                                      const std::vector<std::string>& kinds,
                                                      const std::string& where) {
  EvalConversation c;
  c.id = where;
  struct Pending {
    std::string first_call, last_result;
  };
  std::vector<Pending> pending;
  for (const ChatMessage& m : messages) {
    if (m.role == "user") {
      EvalTurn turn;
      turn.question = m.content;
      turn.follow_up = !c.turns.empty();
      c.turns.push_back(std::move(turn));
      pending.emplace_back();
      continue;
    }
    if (c.turns.empty()) continue;  // a system message
    Pending& p = pending.back();
    if (m.role == "assistant" && m.content.find(ToolCallSyntax{}.open) != std::string::npos) {
      if (p.first_call.empty()) p.first_call = m.content;
    } else if (m.role == "assistant") {
      c.turns.back().reference_answer = m.content;
    } else if (m.role == "tool") {
      p.last_result = m.content;
      if (m.name == "today" && c.today.empty()) {
        const json today = json::parse(m.content, nullptr, false);
        if (today.is_object() && today.contains("date") && today["date"].is_string())
          c.today = today["date"].get<std::string>();
      }
    }
  }
  for (size_t i = 0; i < c.turns.size(); i++) {
    EvalTurn& turn = c.turns[i];
    turn.kind = i < kinds.size() ? kinds[i] : (turn.follow_up ? "follow_up" : "first");
    if (pending[i].first_call.empty()) {
      turn.expect.no_tool = true;
      continue;
    }
    ToolCallExpectation e;
    try {
      e = toolcall_expectation(pending[i].first_call, pending[i].last_result);
    } catch (const std::invalid_argument& error) {
      throw std::invalid_argument(where + ": " + error.what());
    }
    turn.expect.call = e.call;
    const json result = json::parse(pending[i].last_result, nullptr, false);
    if (!e.date_iso.empty()) {
      turn.expect.date = e.date_iso;
      turn.expect.weekday = e.iso_weekday;
      turn.expect.date_or_weekday = true;
    } else if (result.is_object() && result.contains("days") &&
               result["days"].is_number_integer()) {
      const long long days = result["days"].get<long long>();
      turn.expect.days = days < 0 ? -days : days;
    }
  }
  return c;
}

std::vector<EvalConversation> toolcall_eval_read_jsonl(const std::string& text,
                                                       const std::string& path) {
  std::vector<EvalConversation> out;
  std::istringstream lines(text);
  std::string line;
  for (int number = 1; std::getline(lines, line); number++) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = path + ":" + std::to_string(number);
    const json j = json::parse(line, nullptr, false);
    if (!j.is_object()) throw std::invalid_argument(where + ": not a JSON object");
    if (j.contains("turns")) {
      out.push_back(toolcall_eval_heldout_conversation(j, where));
      continue;
    }
    if (!j.contains("messages") || !j["messages"].is_array())
      throw std::invalid_argument(where + ": expected \"turns\" (held-out) or \"messages\" (chat)");
    ChatMessages messages;
    for (const json& m : j["messages"])
      messages.push_back(
          {string_field(m, "role"), string_field(m, "content"), string_field(m, "name")});
    std::vector<std::string> kinds;
    if (j.contains("kinds") && j["kinds"].is_array())
      for (const json& k : j["kinds"]) kinds.push_back(k.is_string() ? k.get<std::string>() : "");
    EvalConversation c = toolcall_eval_reference_conversation(messages, kinds, where);
    if (j.contains("today")) c.today = checked_date(j["today"], where_field(where, "today")).iso();
    c.language = string_field(j, "language");
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace tunedeck
