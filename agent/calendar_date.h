// A civil (proleptic Gregorian) calendar date, years 0001..9999: strict "YYYY-MM-DD" parsing,
// day arithmetic, weekday, and the Korean/English spellings the date tools hand to the model.
// Not for times, time zones or locales (today() reads the local clock once). Plain value type;
// every function is thread-safe.
#pragma once
#include <stdexcept>
#include <string>

namespace tunedeck {

// A text that is not a valid date, or arithmetic that leaves 0001-01-01..9999-12-31.
// The message quotes the input and says what is wrong ("February 2026 has 28 days").
struct CalendarDateError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct CalendarDate {
  static constexpr int kMinYear = 1;
  static constexpr int kMaxYear = 9999;

  int year = 1970;  // 1..9999
  int month = 1;    // 1..12
  int day = 1;      // 1..days_in_month(year, month)

  // Exactly "YYYY-MM-DD" (four-digit year, two-digit month and day, no spaces); throws
  // CalendarDateError for anything else, including 2026-02-30, 2026-13-01 and "next Tuesday".
  static CalendarDate parse(const std::string& text);
  // Throws CalendarDateError when (year, month, day) is not a date in the supported range.
  static CalendarDate from_parts(int year, int month, int day);
  // Inverse of days_since_epoch(). REQUIRES: the result lies in years 1..9999 (else throws).
  static CalendarDate from_days_since_epoch(long long days);
  // Today by the local clock.
  static CalendarDate today();

  long long days_since_epoch() const;  // 1970-01-01 is 0; earlier dates are negative
  // The date `days` later (negative: earlier); throws CalendarDateError outside 0001..9999.
  CalendarDate plus_days(long long days) const;
  // The same day of the month `months` later (negative: earlier); when that month is shorter,
  // its last day (2026-01-31 + 1 month = 2026-02-28; 2024-02-29 + 12 months = 2025-02-28).
  // Throws CalendarDateError outside 0001..9999.
  CalendarDate plus_months(long long months) const;
  // Days from this date to `to` (negative when `to` is earlier).
  long long days_until(const CalendarDate& to) const {
    return to.days_since_epoch() - days_since_epoch();
  }
  int iso_weekday() const;  // 1 = Monday .. 7 = Sunday

  std::string iso() const;      // "2027-01-04"
  std::string korean() const;   // "2027년 1월 4일"
  std::string english() const;  // "January 4, 2027"

  bool operator==(const CalendarDate& o) const {
    return year == o.year && month == o.month && day == o.day;
  }
  bool operator!=(const CalendarDate& o) const { return !(*this == o); }
};

bool is_leap_year(int year);                        // Gregorian: /4, except /100 unless /400
int days_in_month(int year, int month);             // REQUIRES: 1 <= month <= 12
const char* month_name_english(int month);          // 1 -> "January"
const char* weekday_name_korean(int iso_weekday);   // 1 -> "월요일" .. 7 -> "일요일"
const char* weekday_name_english(int iso_weekday);  // 1 -> "Monday" .. 7 -> "Sunday"
// "Monday".."Sunday" (any letter case) -> 1..7; 0 when `name` is not an English weekday name.
int iso_weekday_from_english(const std::string& name);

}  // namespace tunedeck
