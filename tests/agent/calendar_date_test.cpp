// CalendarDate against independent references: a day-by-day walk over 1900..2100 with its own
// month table and leap rule, and libc's timegm/gmtime.
#include "agent/calendar_date.h"

#include <gtest/gtest.h>

#include <climits>
#include <ctime>
#include <vector>

namespace tunedeck {
namespace {

struct Ymd {
  int year, month, day;
};

// The reference calendar: every day of 1900-01-01..2100-12-31 in order, built by counting days
// with a month table, written here without calling anything in calendar_date.
std::vector<Ymd> reference_days_1900_2100() {
  const int month_lengths[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  std::vector<Ymd> days;
  for (int y = 1900; y <= 2100; ++y) {
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    for (int m = 1; m <= 12; ++m) {
      const int length = month_lengths[m - 1] + (m == 2 && leap ? 1 : 0);
      for (int d = 1; d <= length; ++d) days.push_back({y, m, d});
    }
  }
  return days;
}

// libc's view of a date: days since 1970-01-01 and weekday (0 = Sunday).
void libc_days_and_weekday(const Ymd& date, long long& days, int& sunday_based_weekday) {
  std::tm tm{};
  tm.tm_year = date.year - 1900;
  tm.tm_mon = date.month - 1;
  tm.tm_mday = date.day;
  const time_t seconds = timegm(&tm);
  days = static_cast<long long>(seconds) / 86400;
  std::tm back{};
  gmtime_r(&seconds, &back);
  sunday_based_weekday = back.tm_wday;
}

TEST(CalendarDate, MatchesDayByDayWalkAndLibcFrom1900To2100) {
  const std::vector<Ymd> days = reference_days_1900_2100();
  ASSERT_EQ(days.size(), 73414u);  // 201 years, 49 of them leap (1900 and 2100 are not)
  const long long first = CalendarDate::from_parts(1900, 1, 1).days_since_epoch();
  EXPECT_EQ(first, -25567);
  for (size_t i = 0; i < days.size(); ++i) {
    const Ymd& r = days[i];
    const CalendarDate date =
        CalendarDate::from_days_since_epoch(first + static_cast<long long>(i));
    ASSERT_EQ(date, (CalendarDate{r.year, r.month, r.day})) << "day index " << i;
    ASSERT_EQ(date.days_since_epoch(), first + static_cast<long long>(i));
    ASSERT_EQ(date.iso_weekday(), static_cast<int>(i % 7) + 1);  // 1900-01-01 was a Monday
    long long libc_days = 0;
    int libc_weekday = 0;
    libc_days_and_weekday(r, libc_days, libc_weekday);
    ASSERT_EQ(date.days_since_epoch(), libc_days) << date.iso();
    ASSERT_EQ(date.iso_weekday() % 7, libc_weekday) << date.iso();
    ASSERT_EQ(CalendarDate::parse(date.iso()), date);
  }
}

TEST(CalendarDate, PlusDaysMatchesTheWalkForPositiveAndNegativeOffsets) {
  const std::vector<Ymd> days = reference_days_1900_2100();
  const long long offsets[] = {1,    -1,   10,    -10,   28,     -28,   29,    -29,
                               30,   31,   -31,   59,    60,     365,   -365,  366,
                               -366, 1000, -1000, 10000, -10000, 36524, -36524};
  for (size_t i = 0; i < days.size(); i += 97) {
    const CalendarDate from{days[i].year, days[i].month, days[i].day};
    for (long long offset : offsets) {
      const long long j = static_cast<long long>(i) + offset;
      if (j < 0 || j >= static_cast<long long>(days.size())) continue;
      const Ymd& want = days[static_cast<size_t>(j)];
      ASSERT_EQ(from.plus_days(offset), (CalendarDate{want.year, want.month, want.day}))
          << from.iso() << " + " << offset;
    }
  }
}

TEST(CalendarDate, LeapYearRule) {
  EXPECT_FALSE(is_leap_year(1900));
  EXPECT_TRUE(is_leap_year(2000));
  EXPECT_TRUE(is_leap_year(2024));
  EXPECT_FALSE(is_leap_year(2026));
  EXPECT_FALSE(is_leap_year(2100));
  EXPECT_TRUE(is_leap_year(2400));
  EXPECT_EQ(days_in_month(1900, 2), 28);
  EXPECT_EQ(days_in_month(2000, 2), 29);
  EXPECT_EQ(days_in_month(2026, 4), 30);
  EXPECT_EQ(days_in_month(2026, 12), 31);
}

TEST(CalendarDate, MonthAndYearEnds) {
  auto plus = [](const char* date, long long days) {
    return CalendarDate::parse(date).plus_days(days).iso();
  };
  EXPECT_EQ(plus("1900-02-28", 1), "1900-03-01");
  EXPECT_EQ(plus("2000-02-28", 1), "2000-02-29");
  EXPECT_EQ(plus("2000-02-29", 1), "2000-03-01");
  EXPECT_EQ(plus("2023-02-28", 1), "2023-03-01");
  EXPECT_EQ(plus("2024-02-28", 1), "2024-02-29");
  EXPECT_EQ(plus("2026-12-31", 1), "2027-01-01");
  EXPECT_EQ(plus("2027-01-01", -1), "2026-12-31");
  EXPECT_EQ(plus("2027-03-01", -1), "2027-02-28");
  EXPECT_EQ(plus("2100-03-01", -1), "2100-02-28");
  EXPECT_EQ(plus("2026-04-30", 1), "2026-05-01");
  EXPECT_EQ(plus("2026-12-25", 10), "2027-01-04");
  EXPECT_EQ(plus("2027-01-04", -10), "2026-12-25");
  EXPECT_EQ(plus("2026-12-25", 0), "2026-12-25");
}

TEST(CalendarDate, PlusMonthsClampsToTheMonthsLastDay) {
  auto plus = [](const char* date, long long months) {
    return CalendarDate::parse(date).plus_months(months).iso();
  };
  EXPECT_EQ(plus("2026-01-31", 1), "2026-02-28");
  EXPECT_EQ(plus("2024-01-31", 1), "2024-02-29");
  EXPECT_EQ(plus("2024-02-29", 12), "2025-02-28");
  EXPECT_EQ(plus("2026-03-31", -1), "2026-02-28");
  EXPECT_EQ(plus("2026-12-15", 1), "2027-01-15");
  EXPECT_EQ(plus("2026-01-15", -1), "2025-12-15");
  EXPECT_EQ(plus("2026-05-31", -24), "2024-05-31");
  EXPECT_EQ(plus("0001-01-31", 0), "0001-01-31");
  EXPECT_EQ(plus("9999-01-31", 11), "9999-12-31");
  EXPECT_THROW(CalendarDate::parse("9999-12-01").plus_months(1), CalendarDateError);
  EXPECT_THROW(CalendarDate::parse("0001-01-01").plus_months(-1), CalendarDateError);
  EXPECT_THROW(CalendarDate::parse("2026-01-01").plus_months(1LL << 62), CalendarDateError);
}

TEST(CalendarDate, DaysUntilIsSigned) {
  EXPECT_EQ(CalendarDate::parse("2026-03-14").days_until(CalendarDate::parse("2026-12-25")), 286);
  EXPECT_EQ(CalendarDate::parse("2026-12-25").days_until(CalendarDate::parse("2026-03-14")), -286);
}

TEST(CalendarDate, EnglishWeekdayNamesReadBack) {
  for (int d = 1; d <= 7; d++) EXPECT_EQ(iso_weekday_from_english(weekday_name_english(d)), d);
  EXPECT_EQ(iso_weekday_from_english("friday"), 5);
  EXPECT_EQ(iso_weekday_from_english("Fri"), 0);
  EXPECT_EQ(iso_weekday_from_english(""), 0);
}

TEST(CalendarDate, KnownWeekdays) {
  EXPECT_EQ(CalendarDate::parse("2027-01-04").iso_weekday(), 1);  // Monday
  EXPECT_EQ(CalendarDate::parse("2026-12-25").iso_weekday(), 5);  // Friday
  EXPECT_EQ(CalendarDate::parse("2000-02-29").iso_weekday(), 2);  // Tuesday
  EXPECT_EQ(CalendarDate::parse("0001-01-01").iso_weekday(), 1);  // Monday (proleptic)
  EXPECT_EQ(CalendarDate::parse("9999-12-31").iso_weekday(), 5);  // Friday
}

TEST(CalendarDate, ParseRejectsInvalidDatesWithAReason) {
  auto message = [](const std::string& text) -> std::string {
    try {
      CalendarDate::parse(text);
    } catch (const CalendarDateError& e) {
      return e.what();
    }
    return "(parsed)";
  };
  EXPECT_EQ(message("2026-02-30"),
            "'2026-02-30': day 30 does not exist; February 2026 has 28 days (01..28)");
  EXPECT_EQ(message("2023-02-29"),
            "'2023-02-29': day 29 does not exist; February 2023 has 28 days (01..28)");
  EXPECT_EQ(message("2026-04-31"),
            "'2026-04-31': day 31 does not exist; April 2026 has 30 days (01..30)");
  EXPECT_EQ(message("2026-01-00"),
            "'2026-01-00': day 00 does not exist; January 2026 has 31 days (01..31)");
  EXPECT_EQ(message("2026-13-01"), "'2026-13-01': month 13 does not exist; months are 01..12");
  EXPECT_EQ(message("2026-00-10"), "'2026-00-10': month 00 does not exist; months are 01..12");
  EXPECT_EQ(message("next Tuesday"),
            "'next Tuesday' is not a date in YYYY-MM-DD form (example: 2027-01-04)");
  EXPECT_EQ(message("0000-01-01"),
            "'0000-01-01': year 0000 is out of range; supported dates are 0001-01-01..9999-12-31");
  EXPECT_EQ(message("10000-01-01"),
            "'10000-01-01': year 10000 is out of range; supported dates are "
            "0001-01-01..9999-12-31");
  for (const char* bad : {"", "2026-1-05", "2026-01-5", " 2026-01-05", "2026-01-05 ", "2026/01/05",
                          "2026-01-05T00:00", "-2026-01-05", "+2026-01-05", "26-01-05",
                          "2026-0a-05", "２０２６-01-05"})
    EXPECT_NE(message(bad).find("is not a date in YYYY-MM-DD form"), std::string::npos) << bad;
}

TEST(CalendarDate, AcceptsTheWholeRangeAndNothingBeyond) {
  EXPECT_EQ(CalendarDate::parse("0001-01-01"), (CalendarDate{1, 1, 1}));
  EXPECT_EQ(CalendarDate::parse("9999-12-31"), (CalendarDate{9999, 12, 31}));
  EXPECT_EQ(CalendarDate::parse("0001-01-01").days_since_epoch(), -719162);
  EXPECT_EQ(CalendarDate::parse("9999-12-31").days_since_epoch(), 2932896);
  const CalendarDate last{9999, 12, 31}, first{1, 1, 1};
  EXPECT_THROW(last.plus_days(1), CalendarDateError);
  EXPECT_THROW(first.plus_days(-1), CalendarDateError);
  EXPECT_THROW(first.plus_days(LLONG_MAX), CalendarDateError);
  EXPECT_THROW(last.plus_days(LLONG_MIN), CalendarDateError);
  EXPECT_EQ(first.plus_days(2932896 + 719162), last);
  EXPECT_THROW(CalendarDate::from_days_since_epoch(2932897), CalendarDateError);
  EXPECT_THROW(CalendarDate::from_parts(2026, 2, 29), CalendarDateError);
  EXPECT_THROW(CalendarDate::from_parts(0, 1, 1), CalendarDateError);
  try {
    CalendarDate::parse("9999-12-01").plus_days(31);
    FAIL() << "expected an error";
  } catch (const CalendarDateError& e) {
    EXPECT_STREQ(e.what(),
                 "9999-12-01 plus 31 days falls after 9999-12-31; supported dates are "
                 "0001-01-01..9999-12-31");
  }
}

TEST(CalendarDate, Spellings) {
  const CalendarDate date = CalendarDate::parse("2027-01-04");
  EXPECT_EQ(date.iso(), "2027-01-04");
  EXPECT_EQ(date.korean(), "2027년 1월 4일");
  EXPECT_EQ(date.english(), "January 4, 2027");
  EXPECT_EQ((CalendarDate{33, 2, 3}).iso(), "0033-02-03");
  EXPECT_EQ((CalendarDate{2026, 12, 25}).korean(), "2026년 12월 25일");
  EXPECT_EQ((CalendarDate{2026, 12, 25}).english(), "December 25, 2026");
  const char* korean[] = {"월요일", "화요일", "수요일", "목요일", "금요일", "토요일", "일요일"};
  const char* english[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                           "Friday", "Saturday", "Sunday"};
  for (int d = 1; d <= 7; ++d) {
    EXPECT_STREQ(weekday_name_korean(d), korean[d - 1]);
    EXPECT_STREQ(weekday_name_english(d), english[d - 1]);
  }
  EXPECT_STREQ(month_name_english(9), "September");
}

}  // namespace
}  // namespace tunedeck
