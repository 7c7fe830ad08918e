// The built-in date tools the demo agent calls, and the one function that registers them:
//   add_days        {"date","days"}            the date `days` later (negative: earlier)
//   weekday         {"date"}                   the weekday of a date
//   today           {}                         today's date, from the clock it was given
//   days_between    {"from","to"}              to minus from, in days
//   add_months      {"date","months"?,"years"?} same day N months/years on (month end clamps)
//   find_weekday    {"date","weekday","rule"}  next/this/last <weekday>, weeks Monday..Sunday
//   next_occurrence {"date","month","day"}     a month/day's first date on or after `date`
// Results carry ready-made spellings ("2027년 1월 4일", "January 4, 2027", "월요일", "Monday") so a
// model can answer without arithmetic. Not user tools (agent/user_tool.h). Thread-safe when the
// clock is (the tool calls it on whichever thread runs the tool).
#pragma once
#include <functional>
#include <memory>

#include "agent/calendar_date.h"
#include "agent/tool.h"

namespace tunedeck {

class ToolRegistry;

// add_days accepts |days| <= kMaxAddDays (about 273 years); the result must stay in 0001..9999.
constexpr long long kMaxAddDays = 100000;
// add_months accepts |months| <= kMaxAddMonths and |years| <= kMaxAddMonths / 12.
constexpr long long kMaxAddMonths = 120000;

// What `today` asks for the date, once per call. A CalendarDateError it throws becomes the
// tool's error, its message unchanged.
using TodayClock = std::function<CalendarDate()>;

// Reads TUNEDECK_TODAY=YYYY-MM-DD once, now: set, the clock always answers that date (a
// malformed value makes every call throw "environment variable TUNEDECK_TODAY: ..."); unset or
// empty, it answers the local date at each call.
TodayClock today_clock_from_environment();
// Always `date`.
TodayClock fixed_today_clock(CalendarDate date);

// Which built-in tools a registry gets: kBasic = add_days, weekday, today (what datebot v1-v6
// were trained with: their prompt lists exactly these); kCalendar = those and days_between,
// add_months, find_weekday, next_occurrence. Chosen by [agent] builtin_tools (the app) and
// [data] builtin_tools (training), so the prompt a model sees is the one it learned.
enum class BuiltinToolSet { kBasic, kCalendar };
// "basic" / "calendar"; throws std::invalid_argument naming the value otherwise.
BuiltinToolSet builtin_tool_set_parse(const std::string& name);

std::unique_ptr<Tool> make_add_days_tool();
std::unique_ptr<Tool> make_weekday_tool();
std::unique_ptr<Tool> make_today_tool(TodayClock clock);
std::unique_ptr<Tool> make_days_between_tool();
std::unique_ptr<Tool> make_add_months_tool();
std::unique_ptr<Tool> make_find_weekday_tool();
std::unique_ptr<Tool> make_next_occurrence_tool();

// Registers add_days, weekday, today (asking `clock`) and, for kCalendar, days_between,
// add_months, find_weekday and next_occurrence, in that order.
void register_builtin_tools(ToolRegistry& registry,
                            TodayClock clock = today_clock_from_environment(),
                            BuiltinToolSet set = BuiltinToolSet::kBasic);

}  // namespace tunedeck
