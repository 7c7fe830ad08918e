// The words of the synthetic date conversations (datagen/toolcall_data.h): user questions and final
// answers in Korean and English, composed from slots (date spelling, day count and unit,
// particles, politeness, word order, fillers, small typos) so each intent has thousands of surface
// forms. Not the tools, not the conversation assembly, not file formats. Pure functions of their
// arguments and the random source: thread-safe with one SeededRandom per thread.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "agent/calendar_date.h"
#include "datagen/seeded_random.h"

namespace tunedeck {

enum class ToolcallLanguage { kKorean, kEnglish };
const char* toolcall_language_name(ToolcallLanguage language);  // "ko", "en"

// What a turn asks. A conversation's intent is that of its first turn, or kFollowUp when it has
// follow-up turns.
enum class ToolcallIntent {
  kWeekday,         // weekday {date}
  kAddDays,         // add_days {date, days}: N days after/before a date
  kToday,           // today {}
  kTodayAddDays,    // today {}, then add_days {today, days}: "100 days from today"
  kFollowUp,        // add_days {previous answer's date, days}: "and 3 days after that?"
  kFollowUpSameAs,  // the previous turn's question again for a new date: "what about May 1?"
};
// "weekday", "add_days", "today", "today_add_days", "follow_up", "follow_up_same"
const char* toolcall_intent_name(ToolcallIntent intent);

// Speech level. Korean: 반말 / 해요체 / 합쇼체; English: casual / neutral / polite. Answers mirror
// it.
enum class Politeness { kPlain, kPolite, kFormal };

struct QuestionSpec {
  ToolcallIntent intent = ToolcallIntent::kWeekday;
  CalendarDate date;             // kWeekday, kAddDays, kFollowUpSameAs: the date the user names
  long long days = 0;            // kAddDays, kTodayAddDays, kFollowUp: the signed offset (never 0)
  bool repeats_weekday = false;  // kFollowUpSameAs: the previous turn asked for a weekday
  Politeness politeness = Politeness::kPolite;
  bool hard_counts = false;   // say the count in weeks or words more often (training mixes)
  bool hard_dates = false;    // spell the date in its rarer ways more often (training mixes)
  bool stated_dates = false;  // now and then state the date in a clause of its own first
};

// How the question came out, so the answer can fit it.
struct QuestionForm {
  bool in_weeks = false;      // the count was said in weeks ("3주", "three weeks")
  std::string relative_word;  // kTodayAddDays said as one word ("내일", "tomorrow"); "" if not
  int guessed_weekday = 0;    // "Is it a Monday?": 1..7; 0 when not a yes/no guess
  int weekend_question = 0;   // 1 "is it a weekend?", 2 "is it a weekday?", 3 "which?"; 0 none
};

struct PhrasedQuestion {
  std::string text;
  QuestionForm form;
};

// The user's question. REQUIRES: spec.days != 0 for the intents that use it.
PhrasedQuestion phrase_question(ToolcallLanguage language, const QuestionSpec& spec,
                                SeededRandom& random);

// The assistant's final answer, from the last tool result of the turn (the fields of
// agent/builtin_tools.h: date, weekday, weekday_en, date_ko, date_en; add_days adds from, days).
// Always contains the result's date (2026-05-31, 2026년 5월 31일 or May 31, 2026) or, for a
// weekday question, at least its weekday name (일요일 / Sunday).
std::string phrase_answer(ToolcallLanguage language, const QuestionSpec& spec,
                          const QuestionForm& form, const nlohmann::json& result,
                          SeededRandom& random);

// Assembles a phrase left to right. The phrasing code builds text with `Words() << a << b`, never
// `a + b`: C++17 sequences the operands of << left to right (overloaded ones too) but not those of
// +, and most pieces draw from the random source, so only << gives the same draws, hence the same
// bytes, on every compiler.
class Words {
 public:
  Words& operator<<(const std::string& piece) {
    text_ += piece;
    return *this;
  }
  operator std::string() const { return text_; }  // NOLINT: implicit by design
  const std::string& str() const { return text_; }

 private:
  std::string text_;
};

// Per language (datagen/toolcall_phrasing_ko.cpp, datagen/toolcall_phrasing_en.cpp).
PhrasedQuestion korean_question(const QuestionSpec& spec, SeededRandom& random);
std::string korean_answer(const QuestionSpec& spec, const QuestionForm& form,
                          const nlohmann::json& result, SeededRandom& random);
PhrasedQuestion english_question(const QuestionSpec& spec, SeededRandom& random);
std::string english_answer(const QuestionSpec& spec, const QuestionForm& form,
                           const nlohmann::json& result, SeededRandom& random);

}  // namespace tunedeck
