// The built-in date tools the demo agent calls, and the one function that registers them:
//   add_days {"date","days"}  the date `days` later (negative: earlier), with its weekday
//   weekday  {"date"}         the weekday of a date
//   today    {}               today's date (env TUNEDECK_TODAY=YYYY-MM-DD overrides the clock)
// Results carry ready-made spellings ("2027년 1월 4일", "January 4, 2027", "월요일", "Monday") so a
// model can answer without arithmetic. Not user tools (agent/user_tool.h). Thread-safe.
#pragma once
#include <memory>

#include "agent/tool.h"

namespace tunedeck {

class ToolRegistry;

// add_days accepts |days| <= kMaxAddDays (about 273 years); the result must stay in 0001..9999.
constexpr long long kMaxAddDays = 100000;

std::unique_ptr<Tool> make_add_days_tool();
std::unique_ptr<Tool> make_weekday_tool();
std::unique_ptr<Tool> make_today_tool();

// Registers add_days, weekday and today, in that order.
void register_builtin_tools(ToolRegistry& registry);

}  // namespace tunedeck
