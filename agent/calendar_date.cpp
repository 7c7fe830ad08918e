#include "agent/calendar_date.h"

#include <cstdio>
#include <ctime>

namespace tunedeck {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days ("chrono-compatible low-level date
// algorithms"): exact for the proleptic Gregorian calendar, 400-year eras of 146097 days,
// years counted from March so the leap day is the last day of the year.
long long days_from_civil(long long y, int m, int d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const long long yoe = y - era * 400;                                    // [0, 399]
  const long long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return era * 146097 + doe - 719468;
}

struct Civil {
  long long year;
  int month;
  int day;
};

Civil civil_from_days(long long z) {
  z += 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const long long doe = z - era * 146097;                                       // [0, 146096]
  const long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const long long mp = (5 * doy + 2) / 153;                                     // [0, 11]
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (month <= 2), month, day};
}

const long long kFirstDay = days_from_civil(CalendarDate::kMinYear, 1, 1);
const long long kLastDay = days_from_civil(CalendarDate::kMaxYear, 12, 31);

std::string quoted(const std::string& text) { return "'" + text + "'"; }

bool all_digits(const std::string& text) {
  if (text.empty()) return false;
  for (char c : text)
    if (c < '0' || c > '9') return false;
  return true;
}

std::string two_digits(int value) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", value);
  return buf;
}

std::string range_text() { return "supported dates are 0001-01-01..9999-12-31"; }

}  // namespace

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static const int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

const char* month_name_english(int month) {
  static const char* const kNames[12] = {"January",   "February", "March",    "April",
                                         "May",       "June",     "July",     "August",
                                         "September", "October",  "November", "December"};
  return kNames[month - 1];
}

const char* weekday_name_korean(int iso_weekday) {
  static const char* const kNames[7] = {"월요일", "화요일", "수요일", "목요일",
                                        "금요일", "토요일", "일요일"};
  return kNames[iso_weekday - 1];
}

const char* weekday_name_english(int iso_weekday) {
  static const char* const kNames[7] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                        "Friday", "Saturday", "Sunday"};
  return kNames[iso_weekday - 1];
}

int iso_weekday_from_english(const std::string& name) {
  std::string lower = name;
  for (char& c : lower)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  static const char* const kLower[7] = {"monday", "tuesday",  "wednesday", "thursday",
                                        "friday", "saturday", "sunday"};
  for (int i = 0; i < 7; i++)
    if (lower == kLower[i]) return i + 1;
  return 0;
}

CalendarDate CalendarDate::parse(const std::string& text) {
  const size_t first_dash = text.find('-');
  const std::string year_text = text.substr(0, first_dash);
  const bool shaped = first_dash != std::string::npos && text.size() == first_dash + 6 &&
                      text[first_dash + 3] == '-' && all_digits(year_text) &&
                      all_digits(text.substr(first_dash + 1, 2)) &&
                      all_digits(text.substr(first_dash + 4, 2));
  if (!shaped || year_text.size() < 4)
    throw CalendarDateError(quoted(text) +
                            " is not a date in YYYY-MM-DD form (example: 2027-01-04)");
  if (year_text.size() > 4)
    throw CalendarDateError(quoted(text) + ": year " + year_text + " is out of range; " +
                            range_text());
  const int year = std::stoi(year_text);
  const int month = std::stoi(text.substr(first_dash + 1, 2));
  const int day = std::stoi(text.substr(first_dash + 4, 2));
  if (year < kMinYear)
    throw CalendarDateError(quoted(text) + ": year " + year_text + " is out of range; " +
                            range_text());
  if (month < 1 || month > 12)
    throw CalendarDateError(quoted(text) + ": month " + two_digits(month) +
                            " does not exist; months are 01..12");
  const int month_days = days_in_month(year, month);
  if (day < 1 || day > month_days)
    throw CalendarDateError(quoted(text) + ": day " + two_digits(day) + " does not exist; " +
                            month_name_english(month) + " " + std::to_string(year) + " has " +
                            std::to_string(month_days) + " days (01.." +
                            std::to_string(month_days) + ")");
  return CalendarDate{year, month, day};
}

CalendarDate CalendarDate::from_parts(int year, int month, int day) {
  if (year < kMinYear || year > kMaxYear)
    throw CalendarDateError("year " + std::to_string(year) + " is out of range; " + range_text());
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month))
    throw CalendarDateError("year " + std::to_string(year) + ", month " + std::to_string(month) +
                            ", day " + std::to_string(day) + " is not a date");
  return CalendarDate{year, month, day};
}

CalendarDate CalendarDate::from_days_since_epoch(long long days) {
  if (days < kFirstDay || days > kLastDay)
    throw CalendarDateError("day number " + std::to_string(days) + " is out of range; " +
                            range_text());
  const Civil civil = civil_from_days(days);
  return CalendarDate{static_cast<int>(civil.year), civil.month, civil.day};
}

CalendarDate CalendarDate::today() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return from_parts(local.tm_year + 1900, local.tm_mon + 1, local.tm_mday);
}

long long CalendarDate::days_since_epoch() const { return days_from_civil(year, month, day); }

CalendarDate CalendarDate::plus_days(long long days) const {
  const long long start = days_since_epoch();
  // Compare before adding so that huge counts cannot overflow.
  if (days > kLastDay - start)
    throw CalendarDateError(iso() + " plus " + std::to_string(days) +
                            " days falls after 9999-12-31; " + range_text());
  if (days < kFirstDay - start)
    throw CalendarDateError(iso() + " plus " + std::to_string(days) +
                            " days falls before 0001-01-01; " + range_text());
  return from_days_since_epoch(start + days);
}

CalendarDate CalendarDate::plus_months(long long months) const {
  const long long month_index = static_cast<long long>(year) * 12 + (month - 1);  // 12..119999
  const long long first = static_cast<long long>(kMinYear) * 12;
  const long long last = static_cast<long long>(kMaxYear) * 12 + 11;
  if (months > last - month_index || months < first - month_index)
    throw CalendarDateError(iso() + " plus " + std::to_string(months) +
                            " months falls outside the calendar; " + range_text());
  const long long target = month_index + months;
  const int new_year = static_cast<int>(target / 12);
  const int new_month = static_cast<int>(target % 12) + 1;
  const int last_day = days_in_month(new_year, new_month);
  return CalendarDate{new_year, new_month, day < last_day ? day : last_day};
}

int CalendarDate::iso_weekday() const {
  const long long days = days_since_epoch();
  // 1970-01-01 (day 0) was a Thursday, ISO weekday 4.
  return static_cast<int>(((days % 7 + 7) % 7 + 3) % 7) + 1;
}

std::string CalendarDate::iso() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

std::string CalendarDate::korean() const {
  return std::to_string(year) + "년 " + std::to_string(month) + "월 " + std::to_string(day) + "일";
}

std::string CalendarDate::english() const {
  return std::string(month_name_english(month)) + " " + std::to_string(day) + ", " +
         std::to_string(year);
}

}  // namespace tunedeck
