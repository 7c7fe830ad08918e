#include "agent/builtin_tools.h"

#include <cstdlib>
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
    CalendarDate to;
    try {
      to = from.plus_days(days);
    } catch (const CalendarDateError& e) {
      throw ToolError(e.what());
    }
    json result = describe_date(to);
    result["from"] = from.iso();
    result["days"] = days;
    return result;
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

void register_builtin_tools(ToolRegistry& registry, TodayClock clock) {
  registry.add(make_add_days_tool());
  registry.add(make_weekday_tool());
  registry.add(make_today_tool(std::move(clock)));
}

}  // namespace tunedeck
