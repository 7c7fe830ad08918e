#include "agent/builtin_tools.h"

#include <cstdlib>
#include <stdexcept>
#include <utility>

#include "agent/tool_registry.h"

namespace tunedeck {
namespace {

using nlohmann::json;

json date_property() {
  return {{"type", "string"},
          {"description", "a calendar date in YYYY-MM-DD form, e.g. 2026-12-25"}};
}

// The fields every date result carries, so the model can phrase the answer in Korean or English.
json describe_date(const CalendarDate& date) {
  const int weekday = date.iso_weekday();
  return {{"date", date.iso()},
          {"weekday", weekday_name_korean(weekday)},
          {"weekday_en", weekday_name_english(weekday)},
          {"date_ko", date.korean()},
          {"date_en", date.english()}};
}

// The argument `name` parsed as a date; a bad date becomes a ToolError naming the argument.
CalendarDate date_argument(const json& args, const char* name) {
  const json& value = args.at(name);
  if (!value.is_string())
    throw ToolError(std::string("argument '") + name + "': expected a string YYYY-MM-DD");
  try {
    return CalendarDate::parse(value.get<std::string>());
  } catch (const CalendarDateError& e) {
    throw ToolError(std::string("argument '") + name + "': " + e.what());
  }
}

// `from` moved by `days`; leaving the calendar becomes a ToolError.
CalendarDate shifted(const CalendarDate& from, long long days) {
  try {
    return from.plus_days(days);
  } catch (const CalendarDateError& e) {
    throw ToolError(e.what());
  }
}

class AddDaysTool : public Tool {
 public:
  std::string name() const override { return "add_days"; }
  std::string description() const override {
    return "Returns the date a number of days after a given date (negative days: before it), "
           "with its weekday.";
  }
  json parameters() const override {
    return {
        {"type", "object"},
        {"properties",
         {{"date", date_property()},
          {"days",
           {{"type", "integer"},
            {"minimum", -kMaxAddDays},
            {"maximum", kMaxAddDays},
            {"description", "how many days to add; negative counts back (10 days ago: -10)"}}}}},
        {"required", {"date", "days"}},
        {"additionalProperties", false}};
  }
  json call(const json& args) const override {
    const CalendarDate from = date_argument(args, "date");
    const json& days_value = args.at("days");
    if (!days_value.is_number_integer())
      throw ToolError("argument 'days': expected an integer, got " + days_value.dump());
    const long long days = days_value.get<long long>();
    if (days < -kMaxAddDays || days > kMaxAddDays)
      throw ToolError("argument 'days': " + std::to_string(days) + " is outside -" +
                      std::to_string(kMaxAddDays) + ".." + std::to_string(kMaxAddDays));
    json result = describe_date(shifted(from, days));
    result["from"] = from.iso();
    result["days"] = days;
    return result;
  }
};

// The integer argument `name`, checked against |value| <= limit.
long long integer_argument(const json& args, const char* name, long long limit) {
  const json& value = args.at(name);
  if (!value.is_number_integer())
    throw ToolError(std::string("argument '") + name + "': expected an integer, got " +
                    value.dump());
  const long long number = value.get<long long>();
  if (number < -limit || number > limit)
    throw ToolError(std::string("argument '") + name + "': " + std::to_string(number) +
                    " is outside -" + std::to_string(limit) + ".." + std::to_string(limit));
  return number;
}

json integer_property(long long minimum, long long maximum, const char* description) {
  return {{"type", "integer"},
          {"minimum", minimum},
          {"maximum", maximum},
          {"description", description}};
}

class DaysBetweenTool : public Tool {
 public:
  std::string name() const override { return "days_between"; }
  std::string description() const override { return "Returns the days from one date to another."; }
  json parameters() const override {
    return {{"type", "object"},
            {"properties", {{"from", date_property()}, {"to", date_property()}}},
            {"required", {"from", "to"}},
            {"additionalProperties", false}};
  }
  json call(const json& args) const override {
    const CalendarDate from = date_argument(args, "from");
    const CalendarDate to = date_argument(args, "to");
    return {{"from", from.iso()}, {"to", to.iso()}, {"days", from.days_until(to)}};
  }
};

class AddMonthsTool : public Tool {
 public:
  std::string name() const override { return "add_months"; }
  std::string description() const override {
    return "Returns the date months or years later (negative: earlier).";
  }
  json parameters() const override {
    return {{"type", "object"},
            {"properties",
             {{"date", date_property()},
              {"months", integer_property(
                             -kMaxAddMonths, kMaxAddMonths,
                             "months to add; negative counts back (3 months ago: -3). The day of "
                             "the month stays; when that month is shorter, its last day "
                             "(2026-01-31 + 1 month = 2026-02-28)")},
              {"years", integer_property(-kMaxAddMonths / 12, kMaxAddMonths / 12,
                                         "years to add (12 months each); negative counts back "
                                         "(2024-02-29 + 1 year = 2025-02-28)")}}},
            {"required", {"date"}},
            {"additionalProperties", false}};
  }
  json call(const json& args) const override {
    const CalendarDate from = date_argument(args, "date");
    if (!args.contains("months") && !args.contains("years"))
      throw ToolError("give 'months' or 'years' (or both): how far to move from 'date'");
    const long long months =
        args.contains("months") ? integer_argument(args, "months", kMaxAddMonths) : 0;
    const long long years =
        args.contains("years") ? integer_argument(args, "years", kMaxAddMonths / 12) : 0;
    CalendarDate to;
    try {
      to = from.plus_months(years * 12 + months);
    } catch (const CalendarDateError& e) {
      throw ToolError(e.what());
    }
    json result = describe_date(to);
    result["from"] = from.iso();
    if (args.contains("months")) result["months"] = months;
    if (args.contains("years")) result["years"] = years;
    return result;
  }
};

// The find_weekday rules, by the name the schema lists.
enum class WeekdayRule { kAfter, kOnOrAfter, kBefore, kThisWeek, kNextWeek, kLastWeek };

struct WeekdayRuleName {
  const char* name;
  WeekdayRule rule;
};

const WeekdayRuleName kWeekdayRules[] = {
    {"after", WeekdayRule::kAfter},        {"on_or_after", WeekdayRule::kOnOrAfter},
    {"before", WeekdayRule::kBefore},      {"this_week", WeekdayRule::kThisWeek},
    {"next_week", WeekdayRule::kNextWeek}, {"last_week", WeekdayRule::kLastWeek}};

// Days from `from` to the date `rule` picks for ISO weekday `target`; weeks run Monday..Sunday.
long long weekday_offset(const CalendarDate& from, int target, WeekdayRule rule) {
  const int now = from.iso_weekday();
  const int ahead = (target - now + 7) % 7;  // 0..6: on or after
  switch (rule) {
    case WeekdayRule::kAfter:
      return ahead == 0 ? 7 : ahead;
    case WeekdayRule::kOnOrAfter:
      return ahead;
    case WeekdayRule::kBefore: {
      const int behind = (now - target + 7) % 7;
      return -(behind == 0 ? 7 : behind);
    }
    case WeekdayRule::kThisWeek:
      return target - now;
    case WeekdayRule::kNextWeek:
      return target - now + 7;
    case WeekdayRule::kLastWeek:
      return target - now - 7;
  }
  return 0;
}

class FindWeekdayTool : public Tool {
 public:
  std::string name() const override { return "find_weekday"; }
  std::string description() const override { return "Returns a weekday near a date by a rule."; }
  json parameters() const override {
    json weekdays = json::array(), rules = json::array();
    for (int d = 1; d <= 7; d++) weekdays.push_back(weekday_name_english(d));
    for (const WeekdayRuleName& r : kWeekdayRules) rules.push_back(r.name);
    return {{"type", "object"},
            {"properties",
             {{"date", date_property()},
              {"weekday", {{"type", "string"}, {"enum", weekdays}, {"description", "in English"}}},
              {"rule",
               {{"type", "string"},
                {"enum", rules},
                {"description",
                 "after: the first one strictly after date (next Friday); on_or_after: the "
                 "first on or after it (this Friday); before: the last one strictly before it "
                 "(last Friday); this_week, next_week, last_week: that weekday in the date's "
                 "Monday..Sunday week, the week after, the week before"}}}}},
            {"required", {"date", "weekday", "rule"}},
            {"additionalProperties", false}};
  }
  json call(const json& args) const override {
    const CalendarDate from = date_argument(args, "date");
    const std::string weekday = args.at("weekday").get<std::string>();
    const int target = iso_weekday_from_english(weekday);
    if (target == 0) throw ToolError("argument 'weekday': '" + weekday + "' is not Monday..Sunday");
    const std::string rule_name = args.at("rule").get<std::string>();
    for (const WeekdayRuleName& r : kWeekdayRules) {
      if (rule_name != r.name) continue;
      json result = describe_date(shifted(from, weekday_offset(from, target, r.rule)));
      result["from"] = from.iso();
      return result;
    }
    throw ToolError("argument 'rule': '" + rule_name +
                    "' is not one of after, on_or_after, before, this_week, next_week, last_week");
  }
};

class NextOccurrenceTool : public Tool {
 public:
  std::string name() const override { return "next_occurrence"; }
  std::string description() const override { return "Returns the next date with a month and day."; }
  json parameters() const override {
    return {{"type", "object"},
            {"properties",
             {{"date", date_property()},
              {"month", integer_property(1, 12, "month, 1..12 (Christmas: 12)")},
              {"day", integer_property(1, 31, "day of the month, 1..31")}}},
            {"required", {"date", "month", "day"}},
            {"additionalProperties", false}};
  }
  json call(const json& args) const override {
    const CalendarDate from = date_argument(args, "date");
    const int month = static_cast<int>(integer_argument(args, "month", 12));
    const int day = static_cast<int>(integer_argument(args, "day", 31));
    if (month < 1) throw ToolError("argument 'month': " + std::to_string(month) + " is not 1..12");
    if (day < 1 || day > days_in_month(2000, month))  // 2000: a leap year, so 02-29 is allowed
      throw ToolError("argument 'day': " + std::string(month_name_english(month)) + " has no day " +
                      std::to_string(day));
    // 02-29 recurs only in leap years: at most 8 years ahead (e.g. 2096 -> 2104).
    for (int year = from.year; year <= from.year + 8 && year <= CalendarDate::kMaxYear; year++) {
      if (day > days_in_month(year, month)) continue;
      const CalendarDate candidate{year, month, day};
      if (from.days_until(candidate) < 0) continue;
      json result = describe_date(candidate);
      result["from"] = from.iso();
      return result;
    }
    throw ToolError("no " + std::string(month_name_english(month)) + " " + std::to_string(day) +
                    " on or after " + from.iso() + " before 9999-12-31");
  }
};

class WeekdayTool : public Tool {
 public:
  std::string name() const override { return "weekday"; }
  std::string description() const override {
    return "Returns the weekday of a date, in Korean and English.";
  }
  json parameters() const override {
    return {{"type", "object"},
            {"properties", {{"date", date_property()}}},
            {"required", {"date"}},
            {"additionalProperties", false}};
  }
  json call(const json& args) const override { return describe_date(date_argument(args, "date")); }
};

class TodayTool : public Tool {
 public:
  explicit TodayTool(TodayClock clock) : clock_(std::move(clock)) {}
  std::string name() const override { return "today"; }
  std::string description() const override { return "Returns today's date and weekday."; }
  json parameters() const override {
    return {{"type", "object"}, {"properties", json::object()}, {"additionalProperties", false}};
  }
  json call(const json&) const override {
    try {
      return describe_date(clock_());
    } catch (const CalendarDateError& e) {
      throw ToolError(e.what());
    }
  }

 private:
  TodayClock clock_;
};

}  // namespace

TodayClock today_clock_from_environment() {
  const char* pinned = std::getenv("TUNEDECK_TODAY");
  if (!pinned || !*pinned) return [] { return CalendarDate::today(); };
  try {
    return fixed_today_clock(CalendarDate::parse(pinned));
  } catch (const CalendarDateError& e) {
    const std::string problem = std::string("environment variable TUNEDECK_TODAY: ") + e.what();
    return [problem]() -> CalendarDate { throw CalendarDateError(problem); };
  }
}

TodayClock fixed_today_clock(CalendarDate date) {
  return [date] { return date; };
}

std::unique_ptr<Tool> make_add_days_tool() { return std::make_unique<AddDaysTool>(); }
std::unique_ptr<Tool> make_weekday_tool() { return std::make_unique<WeekdayTool>(); }
std::unique_ptr<Tool> make_today_tool(TodayClock clock) {
  return std::make_unique<TodayTool>(std::move(clock));
}

std::unique_ptr<Tool> make_days_between_tool() { return std::make_unique<DaysBetweenTool>(); }
std::unique_ptr<Tool> make_add_months_tool() { return std::make_unique<AddMonthsTool>(); }
std::unique_ptr<Tool> make_find_weekday_tool() { return std::make_unique<FindWeekdayTool>(); }
std::unique_ptr<Tool> make_next_occurrence_tool() { return std::make_unique<NextOccurrenceTool>(); }

BuiltinToolSet builtin_tool_set_parse(const std::string& name) {
  if (name == "basic") return BuiltinToolSet::kBasic;
  if (name == "calendar") return BuiltinToolSet::kCalendar;
  throw std::invalid_argument("builtin_tools = \"" + name +
                              "\" is not one of \"basic\", \"calendar\"");
}

void register_builtin_tools(ToolRegistry& registry, TodayClock clock, BuiltinToolSet set) {
  registry.add(make_add_days_tool());
  registry.add(make_weekday_tool());
  registry.add(make_today_tool(std::move(clock)));
  if (set == BuiltinToolSet::kBasic) return;
  registry.add(make_days_between_tool());
  registry.add(make_add_months_tool());
  registry.add(make_find_weekday_tool());
  registry.add(make_next_occurrence_tool());
}

}  // namespace tunedeck
