// The built-in date tools, called through the registry as the agent calls them.
#include "agent/builtin_tools.h"

#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "agent/calendar_date.h"
#include "agent/json_schema.h"
#include "agent/tool_registry.h"
#include "tests/test_support.h"

namespace tunedeck {
namespace {

using nlohmann::json;

const CalendarDate kThursday = CalendarDate::from_parts(2026, 3, 5);

class BuiltinTools : public ::testing::Test {
 protected:
  void SetUp() override {
    register_builtin_tools(registry_, fixed_today_clock(kThursday), BuiltinToolSet::kCalendar);
  }

  ToolResult run(const std::string& name, const json& args) { return registry_.run({name, args}); }

  const testing::ScopedEnv no_today_{"TUNEDECK_TODAY", nullptr};
  ToolRegistry registry_;
};

TEST_F(BuiltinTools, RegisteredInOrder) {
  EXPECT_EQ(registry_.names(),
            (std::vector<std::string>{"add_days", "weekday", "today", "days_between", "add_months",
                                      "find_weekday", "next_occurrence"}));
}

TEST(BuiltinToolSet, BasicIsWhatDatebotV6LearnedCalendarAddsFour) {
  ToolRegistry basic;
  register_builtin_tools(basic, fixed_today_clock(kThursday));
  EXPECT_EQ(basic.names(), (std::vector<std::string>{"add_days", "weekday", "today"}));
  EXPECT_EQ(builtin_tool_set_parse("basic"), BuiltinToolSet::kBasic);
  EXPECT_EQ(builtin_tool_set_parse("calendar"), BuiltinToolSet::kCalendar);
  try {
    builtin_tool_set_parse("all");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "builtin_tools = \"all\" is not one of \"basic\", \"calendar\"");
  }
}

TEST_F(BuiltinTools, AddDaysForward) {
  const ToolResult r = run("add_days", {{"date", "2026-12-25"}, {"days", 10}});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.result, (json{{"from", "2026-12-25"},
                            {"days", 10},
                            {"date", "2027-01-04"},
                            {"weekday", "월요일"},
                            {"weekday_en", "Monday"},
                            {"date_ko", "2027년 1월 4일"},
                            {"date_en", "January 4, 2027"}}));
}

TEST_F(BuiltinTools, AddDaysBackward) {
  const ToolResult r = run("add_days", {{"date", "2027-01-04"}, {"days", -10}});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.result["date"], "2026-12-25");
  EXPECT_EQ(r.result["weekday"], "금요일");
  EXPECT_EQ(r.result["weekday_en"], "Friday");
  EXPECT_EQ(r.result["date_ko"], "2026년 12월 25일");
  EXPECT_EQ(r.result["date_en"], "December 25, 2026");
  EXPECT_EQ(r.result["days"], -10);
}

TEST_F(BuiltinTools, AddDaysAcrossALeapDay) {
  const ToolResult r = run("add_days", {{"date", "2024-02-28"}, {"days", 1}});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.result["date"], "2024-02-29");
  EXPECT_EQ(r.result["weekday_en"], "Thursday");
}

TEST_F(BuiltinTools, AddDaysRejectsInvalidDates) {
  ToolResult r = run("add_days", {{"date", "2026-02-30"}, {"days", 1}});
  EXPECT_EQ(r.error,
            "argument 'date': '2026-02-30': day 30 does not exist; February 2026 has 28 days "
            "(01..28)");
  r = run("add_days", {{"date", "2026-13-01"}, {"days", 1}});
  EXPECT_EQ(r.error, "argument 'date': '2026-13-01': month 13 does not exist; months are 01..12");
  r = run("add_days", {{"date", "next Tuesday"}, {"days", 1}});
  EXPECT_EQ(r.error,
            "argument 'date': 'next Tuesday' is not a date in YYYY-MM-DD form (example: "
            "2027-01-04)");
  EXPECT_TRUE(r.result.is_null());
}

TEST_F(BuiltinTools, AddDaysRejectsOutOfRangeDayCounts) {
  ToolResult r = run("add_days", {{"date", "2026-01-01"}, {"days", 100001}});
  EXPECT_EQ(r.error,
            "bad arguments for 'add_days': argument 'days': 100001 is above the maximum 100000");
  r = run("add_days", {{"date", "2026-01-01"}, {"days", -100001}});
  EXPECT_EQ(r.error,
            "bad arguments for 'add_days': argument 'days': -100001 is below the minimum -100000");
  r = run("add_days", {{"date", "2026-01-01"}, {"days", 100000}});
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.result["date"], "2299-10-17");
}

TEST_F(BuiltinTools, AddDaysRejectsResultsOutsideTheCalendar) {
  const ToolResult r = run("add_days", {{"date", "9999-12-01"}, {"days", 31}});
  EXPECT_EQ(r.error,
            "9999-12-01 plus 31 days falls after 9999-12-31; supported dates are "
            "0001-01-01..9999-12-31");
}

TEST_F(BuiltinTools, AddDaysRejectsWrongTypesAndMissingArguments) {
  EXPECT_EQ(run("add_days", {{"date", "2026-01-01"}, {"days", "10"}}).error,
            "bad arguments for 'add_days': argument 'days': expected an integer, got string "
            "\"10\"");
  EXPECT_EQ(run("add_days", {{"date", "2026-01-01"}, {"days", 1.5}}).error,
            "bad arguments for 'add_days': argument 'days': expected an integer, got number 1.5");
  EXPECT_EQ(run("add_days", {{"date", "2026-01-01"}}).error,
            "bad arguments for 'add_days': missing required argument 'days'");
  EXPECT_EQ(run("add_days", {{"date", "2026-01-01"}, {"days", 1}, {"unit", "weeks"}}).error,
            "bad arguments for 'add_days': unexpected argument 'unit' (allowed: date, days)");
}

TEST_F(BuiltinTools, AddDaysCheckedEvenWhenCalledDirectly) {
  const auto tool = make_add_days_tool();
  EXPECT_THROW(tool->call({{"date", "2026-01-01"}, {"days", 100001}}), ToolError);
  EXPECT_THROW(tool->call({{"date", "2026-02-30"}, {"days", 1}}), ToolError);
}

TEST_F(BuiltinTools, Weekday) {
  const ToolResult r = run("weekday", {{"date", "2000-02-29"}});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.result, (json{{"date", "2000-02-29"},
                            {"weekday", "화요일"},
                            {"weekday_en", "Tuesday"},
                            {"date_ko", "2000년 2월 29일"},
                            {"date_en", "February 29, 2000"}}));
  EXPECT_EQ(run("weekday", {{"date", "1900-02-29"}}).error,
            "argument 'date': '1900-02-29': day 29 does not exist; February 1900 has 28 days "
            "(01..28)");
}

TEST_F(BuiltinTools, TodayAnswersItsClock) {
  const ToolResult r = run("today", json::object());
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.result, (json{{"date", "2026-03-05"},
                            {"weekday", "목요일"},
                            {"weekday_en", "Thursday"},
                            {"date_ko", "2026년 3월 5일"},
                            {"date_en", "March 5, 2026"}}));
  EXPECT_EQ(run("today", {{"date", "2026-01-01"}}).error,
            "bad arguments for 'today': unexpected argument 'date' (allowed: none)");
}

TEST(TodayTool, AsksTheClockAtEachCall) {
  int calls = 0;
  ToolRegistry registry;
  register_builtin_tools(
      registry, [&calls] { return CalendarDate::from_parts(2026, 12, 30).plus_days(calls++); });
  EXPECT_EQ(registry.run({"today", json::object()}).result["date"], "2026-12-30");
  EXPECT_EQ(registry.run({"today", json::object()}).result["date"], "2026-12-31");
  EXPECT_EQ(calls, 2);
}

TEST(TodayTool, AClockFailureIsTheToolsError) {
  ToolRegistry registry;
  register_builtin_tools(registry, []() -> CalendarDate { throw CalendarDateError("no date"); });
  EXPECT_EQ(registry.run({"today", json::object()}).error, "no date");
}

TEST(TodayClockFromEnvironment, ReadsTunedeckTodayOnceWhenMade) {
  TodayClock clock;
  {
    testing::ScopedEnv pinned("TUNEDECK_TODAY", "2026-03-05");
    clock = today_clock_from_environment();
  }
  EXPECT_EQ(clock().iso(), "2026-03-05");
  testing::ScopedEnv changed("TUNEDECK_TODAY", "2030-01-01");
  EXPECT_EQ(clock().iso(), "2026-03-05");
}

TEST(TodayClockFromEnvironment, ABadTunedeckTodayFailsEachCall) {
  testing::ScopedEnv bad("TUNEDECK_TODAY", "2026-02-30");
  ToolRegistry registry;
  register_builtin_tools(registry, today_clock_from_environment());
  EXPECT_EQ(registry.run({"today", json::object()}).error,
            "environment variable TUNEDECK_TODAY: '2026-02-30': day 30 does not exist; February "
            "2026 has 28 days (01..28)");
}

TEST(TodayClockFromEnvironment, WithoutTunedeckTodayIsTheLocalDate) {
  testing::ScopedEnv unset("TUNEDECK_TODAY", nullptr);
  const TodayClock clock = today_clock_from_environment();
  const std::string before = CalendarDate::today().iso();
  const std::string today = clock().iso();
  const std::string after = CalendarDate::today().iso();
  EXPECT_TRUE(today == before || today == after) << today;
}

TEST_F(BuiltinTools, SchemasHaveTheOpenAiShape) {
  const json list = registry_.list_json();
  ASSERT_EQ(list.size(), 7u);
  EXPECT_EQ(list[0]["type"], "function");
  EXPECT_EQ(list[0]["function"]["name"], "add_days");
  EXPECT_EQ(list[0]["function"]["parameters"]["required"], (json{"date", "days"}));
  EXPECT_EQ(list[0]["function"]["parameters"]["properties"]["days"]["maximum"], kMaxAddDays);
  EXPECT_EQ(list[1]["function"]["parameters"]["required"], (json{"date"}));
  EXPECT_EQ(list[2]["function"]["parameters"]["properties"], json::object());
  EXPECT_EQ(list[3]["function"]["parameters"]["required"], (json{"from", "to"}));
  EXPECT_EQ(list[5]["function"]["parameters"]["properties"]["rule"]["enum"],
            (json{"after", "on_or_after", "before", "this_week", "next_week", "last_week"}));
  for (const json& tool : list) {
    EXPECT_FALSE(tool["function"]["description"].get<std::string>().empty());
    EXPECT_NO_THROW(json_schema_check(tool["function"]["parameters"], "builtin"));
  }
}

// ---- The calendar tools: the conventions' examples, then a table from Python's datetime -------

TEST_F(BuiltinTools, DaysBetweenIsToMinusFrom) {
  ToolResult r = run("days_between", {{"from", "2026-03-14"}, {"to", "2026-12-25"}});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.result, (json{{"from", "2026-03-14"}, {"to", "2026-12-25"}, {"days", 286}}));
  EXPECT_EQ(run("days_between", {{"from", "2026-12-25"}, {"to", "2026-03-14"}}).result["days"],
            -286);
  EXPECT_EQ(run("days_between", {{"from", "2026-03-14"}, {"to", "2026-03-14"}}).result["days"], 0);
  EXPECT_EQ(run("days_between", {{"from", "2026-03-14"}, {"to", "Christmas"}}).error,
            "argument 'to': 'Christmas' is not a date in YYYY-MM-DD form (example: 2027-01-04)");
}

TEST_F(BuiltinTools, AddMonthsKeepsTheDayOrTakesTheMonthsLastDay) {
  ToolResult r = run("add_months", {{"date", "2026-01-31"}, {"months", 1}});
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.result, (json{{"from", "2026-01-31"},
                            {"months", 1},
                            {"date", "2026-02-28"},
                            {"weekday", "토요일"},
                            {"weekday_en", "Saturday"},
                            {"date_ko", "2026년 2월 28일"},
                            {"date_en", "February 28, 2026"}}));
  EXPECT_EQ(run("add_months", {{"date", "2024-02-29"}, {"years", 1}}).result["date"], "2025-02-28");
  EXPECT_EQ(run("add_months", {{"date", "2024-02-29"}, {"years", 4}}).result["date"], "2028-02-29");
  EXPECT_EQ(run("add_months", {{"date", "2026-03-31"}, {"months", -1}}).result["date"],
            "2026-02-28");
  EXPECT_EQ(run("add_months", {{"date", "2026-05-15"}, {"years", 1}, {"months", 2}}).result["date"],
            "2027-07-15");
  EXPECT_EQ(run("add_months", {{"date", "2026-05-15"}, {"months", -5}}).result["date"],
            "2025-12-15");
}

TEST_F(BuiltinTools, AddMonthsSaysWhatIsWrong) {
  EXPECT_EQ(run("add_months", {{"date", "2026-05-15"}}).error,
            "give 'months' or 'years' (or both): how far to move from 'date'");
  EXPECT_EQ(run("add_months", {{"date", "9999-05-15"}, {"months", 8}}).error,
            "9999-05-15 plus 8 months falls outside the calendar; supported dates are "
            "0001-01-01..9999-12-31");
  EXPECT_EQ(run("add_months", {{"date", "2026-05-15"}, {"days", 3}}).error,
            "bad arguments for 'add_months': unexpected argument 'days' (allowed: date, months, "
            "years)");
}

TEST_F(BuiltinTools, FindWeekdayFollowsTheWeekConventions) {
  // 2026-03-14 is a Saturday; its Monday..Sunday week is 03-09..03-15.
  const auto find = [this](const char* weekday, const char* rule) {
    const ToolResult r =
        run("find_weekday", {{"date", "2026-03-14"}, {"weekday", weekday}, {"rule", rule}});
    EXPECT_TRUE(r.ok()) << r.error;
    return r.result.value("date", std::string());
  };
  EXPECT_EQ(find("Friday", "after"), "2026-03-20");
  EXPECT_EQ(find("Saturday", "after"), "2026-03-21");
  EXPECT_EQ(find("Saturday", "on_or_after"), "2026-03-14");
  EXPECT_EQ(find("Sunday", "on_or_after"), "2026-03-15");
  EXPECT_EQ(find("Friday", "before"), "2026-03-13");
  EXPECT_EQ(find("Saturday", "before"), "2026-03-07");
  EXPECT_EQ(find("Friday", "next_week"), "2026-03-20");
  EXPECT_EQ(find("Monday", "next_week"), "2026-03-16");
  EXPECT_EQ(find("Monday", "this_week"), "2026-03-09");
  EXPECT_EQ(find("Sunday", "this_week"), "2026-03-15");
  EXPECT_EQ(find("Friday", "last_week"), "2026-03-06");
  EXPECT_EQ(run("find_weekday", {{"date", "2026-03-14"}, {"weekday", "Friday"}, {"rule", "after"}})
                .result["from"],
            "2026-03-14");
}

TEST_F(BuiltinTools, FindWeekdaySaysWhatIsWrong) {
  EXPECT_EQ(
      run("find_weekday", {{"date", "2026-03-14"}, {"weekday", "Fri"}, {"rule", "after"}}).error,
      "bad arguments for 'find_weekday': argument 'weekday': \"Fri\" is not one of \"Monday\", "
      "\"Tuesday\", \"Wednesday\", \"Thursday\", \"Friday\", \"Saturday\", \"Sunday\"");
  const auto tool = make_find_weekday_tool();
  try {
    tool->call({{"date", "2026-03-14"}, {"weekday", "Friday"}, {"rule", "soon"}});
    FAIL() << "expected a ToolError";
  } catch (const ToolError& e) {
    EXPECT_STREQ(e.what(),
                 "argument 'rule': 'soon' is not one of after, on_or_after, before, this_week, "
                 "next_week, last_week");
  }
  EXPECT_THROW(tool->call({{"date", "2026-03-14"}, {"weekday", "Caturday"}, {"rule", "after"}}),
               ToolError);
}

TEST_F(BuiltinTools, NextOccurrenceCountsTheDayItselfAndSkipsToLeapYears) {
  const auto next = [this](const char* from, int month, int day) {
    const ToolResult r = run("next_occurrence", {{"date", from}, {"month", month}, {"day", day}});
    EXPECT_TRUE(r.ok()) << r.error;
    return r.result.value("date", std::string());
  };
  EXPECT_EQ(next("2026-03-14", 3, 15), "2026-03-15");
  EXPECT_EQ(next("2026-03-14", 3, 14), "2026-03-14");
  EXPECT_EQ(next("2026-03-14", 3, 13), "2027-03-13");
  EXPECT_EQ(next("2026-03-14", 12, 25), "2026-12-25");
  EXPECT_EQ(next("2026-03-14", 2, 29), "2028-02-29");
  EXPECT_EQ(next("2097-03-01", 2, 29), "2104-02-29");
  EXPECT_EQ(run("next_occurrence", {{"date", "2026-03-14"}, {"month", 4}, {"day", 31}}).error,
            "argument 'day': April has no day 31");
  EXPECT_EQ(run("next_occurrence", {{"date", "2026-03-14"}, {"month", 13}, {"day", 1}}).error,
            "bad arguments for 'next_occurrence': argument 'month': 13 is above the maximum 12");
  EXPECT_EQ(run("next_occurrence", {{"date", "9999-12-31"}, {"month", 1}, {"day", 1}}).error,
            "no January 1 on or after 9999-12-31 before 9999-12-31");
}

// tests/agent/data/calendar_tools_expected.jsonl: 1,700 calls over 1900-2100 with the results
// Python's datetime gives (written by calendar_tools_expected.py beside it).
TEST_F(BuiltinTools, AgreeWithPythonsDatetimeFrom1900To2100) {
  const std::string path =
      testing::source_dir() + "/tests/agent/data/calendar_tools_expected.jsonl";
  std::istringstream lines(testing::read_file(path));
  std::map<std::string, int> checked;
  std::string line;
  while (std::getline(lines, line)) {
    const json c = json::parse(line);
    const ToolResult r = run(c["tool"], c["args"]);
    ASSERT_TRUE(r.ok()) << line << ": " << r.error;
    for (const auto& [key, value] : c["expect"].items()) EXPECT_EQ(r.result[key], value) << line;
    checked[c["tool"]]++;
  }
  for (const char* tool :
       {"add_days", "weekday", "days_between", "add_months", "find_weekday", "next_occurrence"})
    EXPECT_GE(checked[tool], 200) << tool;
}

}  // namespace
}  // namespace tunedeck
