// The words of the v7 date conversations (datagen/toolcall_data_v7.h), as data: one table of
// patterns per kind of question and answer, one set of tables per language, and the slot filler
// that spells them out ("{rel:은} 며칠이야?" with rel = 모레 -> "모레는 며칠이야?"). Not the
// sampling of values or the tool calls (toolcall_data_v7.cpp), not the v1-v6 phrasings
// (toolcall_phrasing.h). Tables are constant; every function is thread-safe.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "datagen/seeded_random.h"
#include "datagen/toolcall_phrasing.h"

namespace tunedeck {

// A pattern starts with its register: 'p' plain (반말, casual), 'y' polite (존댓말), '-' either.
// Slots: {name} or, in Korean, {name:J} with J one of 은 이 을 과 으로: the particle that fits the
// slot's last sound (모레 + 은 -> 모레는, 내일 + 이 -> 내일이, 2026-03-15 + 은 -> 2026-03-15는).
using V7Patterns = std::vector<const char*>;

struct V7Holiday {
  int month = 1, day = 1;
  std::vector<const char*> names;  // first: the usual name
};

struct V7WeekdayRule {
  const char* rule;                   // find_weekday's rule: "after", "next_week", ...
  std::vector<const char*> phrasing;  // with {wd}: "next {wd}", "다음 주 {wd}"
};

struct V7RelativeDay {
  const char* word;  // "모레", "the day after tomorrow"
  int offset;        // days from today
};

struct V7Language {
  ToolcallLanguage language;
  std::vector<V7RelativeDay> relative_days;
  std::vector<V7WeekdayRule> weekday_rules;
  std::vector<V7Holiday> holidays;
  std::vector<const char*> lunar_holidays;  // out of scope: answered without a tool
  std::vector<const char*> contexts;        // sentences put before a question
  // Questions, by kind (slots in brackets).
  V7Patterns relative_day;      // {rel}
  V7Patterns relative_weekday;  // {wdp}: a weekday phrase
  V7Patterns chain;             // {start} (a relative day or weekday phrase), {dur}
  V7Patterns months_from_date;  // {date}, {mon} (after)
  V7Patterns months_before_date;
  V7Patterns months_from_today;  // {mon}; says today or now: a bare "3달 뒤" reads as a follow-up
  V7Patterns months_bare;  // {mon}: "3달 뒤는 며칠이야?", only where no date was answered
  V7Patterns no_year_weekday;  // {md}
  V7Patterns holiday_weekday;  // {hol}
  V7Patterns holiday_date;     // {hol}
  V7Patterns holiday_year;     // {hol}, {year}
  V7Patterns days_until;       // {target}
  V7Patterns days_since;       // {date}
  V7Patterns days_between;     // {a}, {b}
  V7Patterns lunar;            // {hol}
  V7Patterns greeting, thanks, identity, capability, off_topic;
  V7Patterns follow_add;                                                           // {dur} (after)
  V7Patterns follow_subtract;                                                      // {dur} (before)
  V7Patterns follow_next_day, follow_previous_day, follow_weekday, follow_months;  // {mon}
  V7Patterns follow_until, follow_since;
  V7Patterns follow_next_weekday;  // {wd}
  // Answers: {date} {wd} of the result; {n} a count; {hol} a holiday; {target} what was counted to.
  V7Patterns answer_date, answer_weekday, answer_holiday, answer_until, answer_since,
      answer_between;
  V7Patterns answer_greeting, answer_thanks, answer_identity, answer_capability, answer_off_topic,
      answer_lunar;
};

const V7Language& v7_language(ToolcallLanguage language);

using V7Slots = std::vector<std::pair<std::string, std::string>>;

// A pattern of `patterns` whose register fits `plain` ('-' fits both), spelled with `slots`.
// Throws std::logic_error naming the pattern when it uses a slot not given.
std::string v7_phrase(const V7Patterns& patterns, bool plain, const V7Slots& slots,
                      SeededRandom& random);
// `pattern` (its register letter first) with its slots filled.
std::string v7_fill(const std::string& pattern, const V7Slots& slots);
// The particle (은/는, 이/가, 을/를, 과/와, 으로/로) that follows `word` (J: 은 이 을 과 으로).
std::string korean_particle(const std::string& word, const std::string& j);

// Spellings of a date, a month and day, a count of days/weeks/months/years, in the language.
std::string v7_date_text(ToolcallLanguage language, const CalendarDate& date, SeededRandom& r);
std::string v7_month_day_text(ToolcallLanguage language, int month, int day, SeededRandom& r);
std::string v7_days_text(ToolcallLanguage language, long long days, bool weeks, SeededRandom& r);
std::string v7_months_text(ToolcallLanguage language, long long months, bool years,
                           SeededRandom& r);
std::string v7_weekday_text(ToolcallLanguage language, int iso_weekday, SeededRandom& r);

// Typing as people do, now and then: a dropped space or question mark, lower case, common
// misspellings (몇일, 낼, tmrw, xmas). Never touches digits, so dates and counts stay readable.
std::string v7_informal(std::string text, ToolcallLanguage language, SeededRandom& r);

}  // namespace tunedeck
