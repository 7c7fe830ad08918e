// English questions and answers for the synthetic date conversations (see toolcall_phrasing.h).
// Politeness maps to register: kPlain = casual ("whats the date 10 days after 2/20/2026"),
// kPolite = neutral, kFormal = polite ("Could you please tell me ...").
// Every phrase that draws from `r` more than once is built with Words() << ... (see Words).
#include <algorithm>
#include <string>
#include <vector>

#include "datagen/toolcall_phrasing.h"

namespace tunedeck {
namespace {

using P = Politeness;

// ---- Dates and counts ---------------------------------------------------------------------------

const char* const kMonthShort[] = {"",    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

std::string two_digits(int value) { return (value < 10 ? "0" : "") + std::to_string(value); }

// ASCII-only letter case (<cctype> follows the locale: in a Turkish one, 'I' lowers to 'ı').
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_letter(char c) { return is_lower(c) || is_upper(c); }
char to_upper(char c) { return is_lower(c) ? static_cast<char>(c - 'a' + 'A') : c; }
char to_lower(char c) { return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

// 1st, 2nd, 3rd, 4th, 11th, 21st ...
std::string ordinal(int n) {
  const int tens = n % 100;
  if (tens >= 11 && tens <= 13) return std::to_string(n) + "th";
  switch (n % 10) {
    case 1:
      return std::to_string(n) + "st";
    case 2:
      return std::to_string(n) + "nd";
    case 3:
      return std::to_string(n) + "rd";
    default:
      return std::to_string(n) + "th";
  }
}

std::string english_date_spelling(const CalendarDate& d, bool hard, SeededRandom& r) {
  const std::string y = std::to_string(d.year), day = std::to_string(d.day);
  const std::string month = month_name_english(d.month);
  const std::string abbr = d.month == 9 && r.chance(30) ? "Sept" : kMonthShort[d.month];
  const int spelling = hard ? r.weighted({8, 9, 8, 8, 7, 6, 7, 5, 11, 5, 7, 5, 8, 4})
                            : r.weighted({18, 18, 10, 6, 8, 4, 5, 4, 5, 3, 3, 3, 4, 2});
  switch (spelling) {
    case 0:
      return d.iso();
    case 1:
      return month + " " + day + ", " + y;
    case 2:
      return abbr + " " + day + ", " + y;
    case 3:
      return abbr + " " + day + " " + y;
    case 4:
      return day + " " + month + " " + y;
    case 5:
      return day + " " + abbr + " " + y;
    case 6:
      return month + " " + ordinal(d.day) + ", " + y;
    case 7:
      return Words() << "the " << ordinal(d.day) << " of " << month << (r.chance(50) ? ", " : " ")
                     << y;
    case 8:  // US month/day/year
      return r.chance(50) ? std::to_string(d.month) + "/" + day + "/" + y
                          : two_digits(d.month) + "/" + two_digits(d.day) + "/" + y;
    case 9:
      return y + "/" + two_digits(d.month) + "/" + two_digits(d.day);
    case 10:
      return (d.month == 5 ? month : abbr + ".") + " " + day + ", " + y;
    case 11:
      return ordinal(d.day) + " " + month + " " + y;
    case 12:
      return month + " " + day + " " + y;
    default:
      return y + "." + two_digits(d.month) + "." + two_digits(d.day);
  }
}

// `hard`: the rarer spellings more often, and month names in lower case now and then
// (QuestionSpec::hard_dates); without it, exactly the draws of the default mix.
std::string english_date_text(const CalendarDate& d, bool hard, SeededRandom& r) {
  const std::string text = english_date_spelling(d, hard, r);
  if (!hard || std::none_of(text.begin(), text.end(), is_letter) || !r.chance(20)) return text;
  std::string lower = text;
  for (char& c : lower) c = to_lower(c);
  return lower;
}

// 1..99, 100..900 by hundreds, and 1000 in words ("twenty-five", "two hundred"); "" otherwise.
std::string spelled(long long n) {
  static const char* kSmall[] = {"",        "one",     "two",       "three",    "four",
                                 "five",    "six",     "seven",     "eight",    "nine",
                                 "ten",     "eleven",  "twelve",    "thirteen", "fourteen",
                                 "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
  static const char* kTens[] = {"",      "",      "twenty",  "thirty", "forty",
                                "fifty", "sixty", "seventy", "eighty", "ninety"};
  if (n >= 1 && n < 20) return kSmall[n];
  if (n >= 20 && n < 100)
    return std::string(kTens[n / 10]) + (n % 10 ? std::string("-") + kSmall[n % 10] : "");
  if (n == 100) return "one hundred";
  if (n > 100 && n < 1000 && n % 100 == 0) return std::string(kSmall[n / 100]) + " hundred";
  if (n == 1000) return "one thousand";
  return "";
}

struct CountText {
  std::string text;  // "100 days", "three weeks", "a week"
  bool in_weeks = false;
};

// `hard`: weeks and words more often (QuestionSpec::hard_counts).
CountText english_count(long long n, bool hard, SeededRandom& r) {
  if (n % 7 == 0 && n / 7 <= 52 && r.chance(hard ? 80 : 55)) {
    const long long weeks = n / 7;
    if (weeks == 1) return {r.pick({"a week", "a week", "one week", "1 week"}), true};
    if (weeks == 2 && r.chance(hard ? 25 : 15)) return {"a fortnight", true};
    const std::string word = spelled(weeks);
    if (!word.empty() && r.chance(hard ? 45 : 30)) return {word + " weeks", true};
    return {std::to_string(weeks) + (r.chance(95) ? " weeks" : " wks"), true};
  }
  if (n == 1) return {r.pick({"a day", "one day", "1 day"}), false};
  std::string word = spelled(n);
  if ((n == 100 || n == 1000) && r.chance(50)) word = n == 100 ? "a hundred" : "a thousand";
  if (!word.empty() && r.chance(hard ? 50 : 25)) return {word + " days", false};
  return {std::to_string(n) + (r.chance(96) ? " days" : "days"), false};
}

const char* direction(bool after, SeededRandom& r) {
  static const char* kAfter[] = {"after", "from", "past", "later than", "following"};
  static const char* kBefore[] = {"before", "prior to", "earlier than", "previous to"};
  return after ? kAfter[r.weighted({60, 25, 4, 5, 6})] : kBefore[r.weighted({80, 10, 6, 4})];
}

// ---- Openers, endings, fillers and typos
// ---------------------------------------------------------

struct Opener {
  const char* text;
  bool asks;          // a question ("Can you tell me") rather than an order ("Tell me")
  bool takes_clause;  // may go on with "what day X is" ("Tell me"), not only a noun ("Find")
};

Opener request_opener(P p, SeededRandom& r) {
  static const Opener kCasual[] = {{"tell me", false, true},
                                   {"gimme", false, false},
                                   {"need", false, false},
                                   {"can u tell me", true, true}};
  static const Opener kNeutral[] = {{"Tell me", false, true}, {"Give me", false, false},
                                    {"Find", false, false},   {"Show me", false, false},
                                    {"I need", false, false}, {"Can you tell me", true, true}};
  static const Opener kPolite[] = {
      {"Could you tell me", true, true}, {"Can you tell me", true, true},
      {"Please tell me", false, true},   {"Would you tell me", true, true},
      {"I'd like to know", false, true}, {"Could you please find", true, false}};
  switch (p) {
    case P::kPlain:
      return kCasual[r.below(4)];
    case P::kPolite:
      return kNeutral[r.below(6)];
    case P::kFormal:
      return kPolite[r.below(6)];
  }
  return kNeutral[0];
}

bool is_month_word(const std::string& word) {
  for (int m = 1; m <= 12; m++) {
    if (word.rfind(month_name_english(m), 0) == 0 || word.rfind(kMonthShort[m], 0) == 0)
      return true;
  }
  return word.rfind("Sept", 0) == 0;
}

// Capitalises the first letter and closes the sentence ("?" or "." — sometimes left off).
std::string finish(std::string body, bool question, P p, SeededRandom& r) {
  if (!body.empty()) body[0] = to_upper(body[0]);
  const int keep = p == P::kPlain ? 70 : 95;
  if (question) {
    if (r.chance(keep)) body += "?";
  } else if (r.chance(keep - 20)) {
    body += ".";
  }
  return body;
}

std::string with_fillers(std::string q, P p, SeededRandom& r) {
  if (r.chance(12)) {
    const char* prefix =
        p == P::kPlain    ? r.pick({"hey, ", "yo, ", "quick q: ", "hey ", "ok so ", "um, "})
        : p == P::kPolite ? r.pick({"Hi! ", "Hello. ", "Quick question: ", "Hey, ", "Question: "})
                          : r.pick({"Hello. ", "Good morning. ", "Excuse me, ", "Hi there. ",
                                    "I have a question. "});
    const std::string lead = prefix;
    // After "Hey, " or "Quick question: " the sentence goes on in lower case; after "Hi! " or
    // "Hello. " it starts anew. Month names and "I" keep their capital.
    const char mark = lead[lead.size() - 2];
    const std::string first_word = q.substr(0, q.find(' '));
    const bool goes_on = mark != '.' && mark != '!';
    if (goes_on && !q.empty() && is_upper(q[0]) && !is_month_word(first_word) &&
        first_word != "I" && first_word.rfind("I'", 0) != 0)
      q[0] = to_lower(q[0]);
    q = lead + q;
  }
  const bool closed = !q.empty() && (q.back() == '?' || q.back() == '.' || q.back() == '!');
  if (r.chance(5) && closed) {
    q += p == P::kPlain    ? r.pick({" thx", " thanks", " pls"})
         : p == P::kPolite ? r.pick({" Thanks!", " Thank you."})
                           : r.pick({" Thank you.", " Thanks in advance.", " Much appreciated."});
  }
  return q;
}

std::string lowercase(std::string text) {
  for (char& c : text) c = to_lower(c);
  return text;
}

std::string without(const std::string& text, char gone) {
  std::string out;
  for (char c : text)
    if (c != gone) out += c;
  return out;
}

// Common slips, applied to one word if the question has it (never to a date or a count).
std::string misspell_one_word(const std::string& q, SeededRandom& r) {
  static const char* kSlips[][2] = {{"what", "waht"},      {"What", "Wht"},   {"date", "dat"},
                                    {"weekday", "wekday"}, {"after", "afer"}, {"before", "befor"},
                                    {"please", "pls"},     {"which", "wich"}, {"Which", "Whcih"},
                                    {"tell", "tel"},       {"Could", "Cud"},  {"know", "kno"}};
  const size_t count = sizeof(kSlips) / sizeof(kSlips[0]);
  const size_t start = r.below(count);
  for (size_t k = 0; k < count; k++) {
    const auto& slip = kSlips[(start + k) % count];
    const size_t at = q.find(slip[0]);
    if (at != std::string::npos)
      return q.substr(0, at) + slip[1] + q.substr(at + std::string(slip[0]).size());
  }
  return q;
}

// Glues two words together once ("whatday"), only between letters.
std::string drop_one_space(const std::string& q, SeededRandom& r) {
  std::vector<size_t> spaces;
  for (size_t i = 1; i + 1 < q.size(); i++) {
    if (q[i] == ' ' && is_letter(q[i - 1]) && is_letter(q[i + 1])) spaces.push_back(i);
  }
  if (spaces.empty()) return q;
  std::string out = q;
  out.erase(spaces[r.below(spaces.size())], 1);
  return out;
}

std::string with_typos(std::string q, P p, SeededRandom& r) {
  if (p == P::kPlain && r.chance(35)) q = lowercase(q);
  if (p == P::kPlain && r.chance(30)) q = without(q, '\'');
  if (r.chance(5)) q = misspell_one_word(q, r);
  if (r.chance(3)) q = drop_one_space(q, r);
  if (!q.empty() && q.back() == '?' && r.chance(2)) q += "?";
  return q;
}

// ---- Questions
// ------------------------------------------------------------------------------------

PhrasedQuestion weekday_question(const QuestionSpec& s, SeededRandom& r) {
  const P p = s.politeness;
  PhrasedQuestion out;
  const std::string d = english_date_text(s.date, s.hard_dates, r);
  std::string body;
  bool question = true;
  switch (r.weighted({16, 10, 7, 7, 5, 6, 4, 7, 6, 5, 4, 3, 3, 4})) {
    case 0:
      body = r.chance(80)
                 ? Words() << "What day of the week " << r.pick({"is", "is", "was"}) << " " << d
                 : Words() << "What day of the week will " << d << " be";
      break;
    case 1:
      body = Words() << "What day " << r.pick({"is", "is", "was"}) << " " << d;
      break;
    case 2:
      body = Words() << "What weekday " << r.pick({"is", "was"}) << " " << d;
      break;
    case 3:
      body = Words() << "Which day of the week " << r.pick({"is", "was", "is"}) << " " << d;
      break;
    case 4:
      body = Words() << d << " is what day" << r.pick({"", " of the week"});
      break;
    case 5:
      body = r.chance(50) ? Words() << "On what day " << r.pick({"", "of the week "})
                                    << r.pick({"does ", "did "}) << d << " fall"
                          : Words() << "What day does " << d << " fall on";
      break;
    case 6:
      body = Words() << r.pick({"Day of the week for ", "Weekday of ", "Day of week for "}) << d;
      break;
    case 7: {
      const Opener opener = request_opener(p, r);
      question = opener.asks;
      switch (opener.takes_clause ? r.below(4) : r.below(2)) {
        case 0:
          body = Words() << opener.text << " the weekday of " << d;
          break;
        case 1:
          body = Words() << opener.text << " the day of the week for " << d;
          break;
        case 2:
          body = Words() << opener.text << " what day of the week " << d << " is";
          break;
        default:
          body = Words() << opener.text << " what day " << d << " falls on";
          break;
      }
      break;
    }
    case 8: {
      const int truth = s.date.iso_weekday();
      const int guess = r.chance(45) ? truth : 1 + (truth + static_cast<int>(r.below(6))) % 7;
      out.form.guessed_weekday = guess;
      const std::string g = weekday_name_english(guess);
      switch (r.below(4)) {
        case 0:
          body = "Is " + d + " a " + g;
          break;
        case 1:
          body = "Was " + d + " a " + g;
          break;
        case 2:
          body = d + " is a " + g + ", right";
          break;
        default:
          body = "Does " + d + " fall on a " + g;
          break;
      }
      break;
    }
    case 9: {
      const int kind = 1 + static_cast<int>(r.below(3));
      out.form.weekend_question = kind;
      if (kind == 1) {
        body = r.chance(50) ? Words() << "Is " << d << " "
                                      << r.pick({"on a weekend", "a weekend day", "on the weekend"})
                            : Words() << "Does " << d << " fall on a weekend";
      } else if (kind == 2) {
        body = Words() << "Is " << d << " " << r.pick({"a weekday", "a working day", "a weekday"});
      } else {
        body = r.chance(50) ? Words() << "Is " << d << " a weekday or a weekend"
                            : Words() << "Weekday or weekend: " << d;
      }
      break;
    }
    case 10:
      body = r.chance(50) ? Words() << "Do you know what day " << d << " is"
                          : Words() << "Any idea what day of the week " << d << " is";
      break;
    case 11:
      body = Words() << d
                     << r.pick({" - what day of the week", " - which weekday", ": what day",
                                ", which day of the week"});
      break;
    case 12:
      question = false;
      body = Words() << r.pick({"I need the day of the week for ",
                                "I'd like to know the weekday of ", "Please find the weekday of "})
                     << d;
      break;
    default:
      body = Words() << r.pick({"What day of the week will it be on ", "What day will it be on "})
                     << d;
      break;
  }
  out.text = finish(body, question, p, r);
  return out;
}

PhrasedQuestion add_days_question(const QuestionSpec& s, SeededRandom& r) {
  const P p = s.politeness;
  const bool after = s.days > 0;
  const long long n = after ? s.days : -s.days;
  PhrasedQuestion out;
  const std::string d = english_date_text(s.date, s.hard_dates, r);
  const CountText count = english_count(n, s.hard_counts, r);
  out.form.in_weeks = count.in_weeks;
  const std::string& c = count.text;
  const std::string dir = direction(after, r);
  std::string body;
  bool question = true;
  switch (r.weighted({16, 12, 6, 8, 5, 4, 6, 4, 4, 4, 3, 4, 3, 3, 3, 4, 3, 3})) {
    case 0:
      body = Words() << (after ? r.pick({"What is", "What's", "What's"})
                               : r.pick({"What is", "What's", "What was"}))
                     << " the date " << c << " " << dir << " " << d;
      break;
    case 1:
      body = Words() << "What date "
                     << (after ? r.pick({"is", "is", "will it be", "would it be"})
                               : r.pick({"is", "was it", "was"}))
                     << " " << c << " " << dir << " " << d;
      break;
    case 2:
      body = Words() << c << " " << dir << " " << d << " is "
                     << r.pick({"what date", "which date", "what day"});
      break;
    case 3: {
      const Opener opener = request_opener(p, r);
      question = opener.asks;
      body = Words() << opener.text << " "
                     << (opener.takes_clause ? r.pick({"the date", "what date it is",
                                                       "what the date is", "the date that's"})
                                             : r.pick({"the date", "the date that's"}))
                     << " " << c << " " << dir << " " << d;
      break;
    }
    case 4:
      body = Words() << r.pick({"What's ", "What is ", ""}) << d
                     << (after ? r.pick({" plus ", " + ", " and "}) : r.pick({" minus ", " - "}))
                     << c;
      break;
    case 5:
      body = after ? Words() << "If I start " << r.pick({"on", "from"}) << " " << d << ", what "
                             << r.pick({"date", "day"}) << " is it " << c
                             << r.pick({" later", " after that"})
                   : Words() << "If I start " << r.pick({"on", "from"}) << " " << d
                             << ", what date was it " << c << r.pick({" earlier", " before that"});
      break;
    case 6:
      question = false;
      if (after) {
        switch (r.below(3)) {
          case 0:
            body = "Add " + c + " to " + d;
            break;
          case 1:
            body = "Count " + c + " forward from " + d;
            break;
          default:
            body = "Count " + c + " ahead from " + d;
            break;
        }
      } else {
        body = Words() << r.pick({"Subtract ", "Count back ", "Go back "}) << c << " from " << d;
      }
      break;
    case 7:
      body = Words() << "Which date " << r.pick({"is", "falls"}) << " " << c << " " << dir << " "
                     << d;
      break;
    case 8:
      body = Words() << (after ? "When is " : "When was ") << c << " " << dir << " " << d;
      break;
    case 9:
      body = Words() << d << (after ? r.pick({" + ", " plus "}) : r.pick({" - ", " minus "})) << c
                     << r.pick({"", " =", " is"});
      break;
    case 10:
      body = Words() << r.pick({"date ", "", "Date "}) << c << " " << dir << " " << d;
      break;
    case 11:
      body = Words() << "What day of the week is " << c << " " << dir << " " << d;
      break;
    case 12:
      body = Words() << "Starting " << r.pick({"from", "on"}) << " " << d << ", "
                     << r.pick({"when is it ", "what's the date ", "what date is it "}) << c
                     << (after ? " later" : " earlier");
      break;
    case 13:
      body =
          Words() << c << " " << dir << " " << d
                  << r.pick({" - what date is that", " - which day is that", ": what's the date"});
      break;
    case 14:
      body = after ? Words() << "What date do I get if I add " << c << " to " << d
                   : Words() << "What date do I get if I subtract " << c << " from " << d;
      break;
    case 15:
      body = Words() << "My "
                     << r.pick({"trip", "exam", "contract", "project", "visa", "lease", "course"})
                     << " "
                     << (after ? r.pick({"starts", "begins", "started"})
                               : r.pick({"ends", "is due", "is"}))
                     << " on " << d << ". What's the date " << c
                     << (after ? " later" : " before that");
      break;
    case 16:
      body = after ? Words() << "What will the date be " << c << " " << dir << " " << d
                   : Words() << "What was the date " << c << " " << dir << " " << d;
      break;
    default:
      body = after ? Words() << "Can you add " << c << " to " << d
                   : Words() << "Can you subtract " << c << " from " << d;
      break;
  }
  out.text = finish(body, question, p, r);
  return out;
}

PhrasedQuestion today_question(const QuestionSpec& s, SeededRandom& r) {
  const P p = s.politeness;
  std::string body;
  bool question = true;
  switch (r.below(10)) {
    case 0:
      body = Words() << r.pick({"What's", "What is"}) << " today's date";
      break;
    case 1:
      body = Words() << r.pick({"What is", "What's"}) << " the date today";
      break;
    case 2:
      body = Words() << "What day is it" << r.pick({" today", ""});
      break;
    case 3:
      body = Words() << "What day of the week is it" << r.pick({" today", ""});
      break;
    case 4:
      body = r.pick({"Today's date", "Date today", "Today's date and weekday"});
      break;
    case 5: {
      const Opener opener = request_opener(p, r);
      question = opener.asks;
      body =
          Words() << opener.text << " "
                  << (opener.takes_clause
                          ? r.pick({"today's date", "the date today", "what day it is today",
                                    "today's date and weekday"})
                          : r.pick({"today's date", "the date today", "today's date and weekday"}));
      break;
    }
    case 6:
      body = r.pick(
          {"Do you know what day it is", "Do you know today's date", "Do you know the date"});
      break;
    case 7:
      body = "What's the date";
      break;
    case 8:
      body = r.pick({"Which day is it today", "Which weekday is it today"});
      break;
    default:
      body = r.pick({"What's today", "What's today's date and day of the week"});
      break;
  }
  return {with_fillers(finish(body, question, p, r), p, r), {}};
}

// tomorrow, yesterday ... for the offsets that have a phrase of their own; nullptr otherwise.
const char* english_relative_word(long long days, SeededRandom& r) {
  switch (days) {
    case 1:
      return "tomorrow";
    case 2:
      return "the day after tomorrow";
    case -1:
      return "yesterday";
    case -2:
      return "the day before yesterday";
    case 7:
      return r.pick({"a week from today", "one week from today", "this day next week"});
    case -7:
      return r.pick({"a week ago today", "one week ago"});
    default:
      return nullptr;
  }
}

PhrasedQuestion today_add_days_question(const QuestionSpec& s, SeededRandom& r) {
  const P p = s.politeness;
  const bool after = s.days > 0;
  const long long n = after ? s.days : -s.days;
  PhrasedQuestion out;
  std::string body;
  bool question = true;
  const char* word = english_relative_word(s.days, r);
  if (word && r.chance(65)) {
    const std::string w = word;
    out.form.relative_word = w;
    const bool one_word = w.find(' ') == std::string::npos;
    switch (r.below(5)) {
      case 0:
        body = Words() << (after ? r.pick({"What's", "What is"}) : "What was") << " the date " << w;
        break;
      case 1:
        body = Words() << "What day " << (after ? "is " : "was ") << w;
        break;
      case 2:
        body = one_word ? Words() << (after ? "What's " : "What was ") << w << "'s date"
                        : Words() << "What date " << (after ? "is " : "was ") << w;
        break;
      case 3:
        body = Words() << "What day of the week " << (after ? "is it " : "was it ") << w;
        break;
      default: {
        const Opener opener = request_opener(p, r);
        question = opener.asks;
        body = Words() << opener.text << " " << r.pick({"the date ", "the date and weekday "}) << w;
        break;
      }
    }
    out.text = with_fillers(finish(body, question, p, r), p, r);
    return out;
  }
  const CountText count = english_count(n, s.hard_counts, r);
  out.form.in_weeks = count.in_weeks;
  const std::string& c = count.text;
  switch (r.weighted({14, 12, 12, 7, 6, 5, 6, 7, 5, 5})) {
    case 0:
      body = after ? Words() << r.pick({"What is", "What's"}) << " the date " << c << " "
                             << r.pick({"from today", "from now", "after today"})
                   : Words() << r.pick({"What was", "What's"}) << " the date " << c << " "
                             << r.pick({"ago", "before today"});
      break;
    case 1:
      body = after ? Words() << "What date will it be in " << c
                   : Words() << "What date was it " << c << " ago";
      break;
    case 2:
      body = after ? Words() << "What day " << r.pick({"is it ", "will it be "}) << c << " "
                             << r.pick({"from today", "from now"})
                   : Words() << "What day was it " << c << " ago";
      break;
    case 3:
      body = after ? Words() << c << " " << r.pick({"from today", "from now"}) << " is what date"
                   : Words() << c << " ago was what date";
      break;
    case 4:
      question = false;
      body = after
                 ? Words() << "Count " << c << r.pick({" forward from today", " ahead from today"})
                 : Words() << r.pick({"Go back ", "Count back "}) << c << " from today";
      break;
    case 5:
      body = Words() << "What's today " << (after ? "plus " : "minus ") << c;
      break;
    case 6:
      body = Words() << "What's the date " << c << (after ? " after today" : " before today");
      break;
    case 7:
      body = after ? Words() << "What day of the week will it be in " << c
                   : Words() << "What day of the week was it " << c << " ago";
      break;
    case 8:
      body = after ? Words() << "In " << c << ", what date will it be"
                   : Words() << c << " ago, what date was it";
      break;
    default: {
      const Opener opener = request_opener(p, r);
      question = opener.asks;
      body = Words() << opener.text << " the date " << c << (after ? " from now" : " ago");
      break;
    }
  }
  out.text = with_fillers(finish(body, question, p, r), p, r);
  return out;
}

const char* that_date(bool after, SeededRandom& r) {
  return after ? r.pick({"after that", "after that", "later", "after that date", "from then",
                         "after that day"})
               : r.pick({"before that", "before that", "earlier", "before that date", "before then",
                         "prior to that"});
}

PhrasedQuestion follow_up_question(const QuestionSpec& s, SeededRandom& r) {
  const P p = s.politeness;
  const bool after = s.days > 0;
  const long long n = after ? s.days : -s.days;
  PhrasedQuestion out;
  const CountText count = english_count(n, s.hard_counts, r);
  out.form.in_weeks = count.in_weeks;
  const std::string& c = count.text;
  std::string body;
  bool question = true;
  int frame = static_cast<int>(r.weighted({22, 16, 8, 8, 8, 5, 5, 5, 5}));
  if (frame == 4 && s.days != 1 && s.days != -1 && s.days != 7 && s.days != -7) frame = 0;
  switch (frame) {
    case 0:
      body = Words() << (p == P::kPlain ? r.pick({"and ", "ok and ", "", "then ", "cool, "})
                                        : r.pick({"And ", "OK. And ", "Then ", "And "}))
                     << c << " " << that_date(after, r);
      break;
    case 1:
      body = Words() << r.pick({"What about ", "How about ", "And what about ", "OK, what about "})
                     << c << " " << that_date(after, r);
      break;
    case 2:
      question = false;
      body = after ? Words() << r.pick({"Add another ", "Now add ", "Add "}) << c
                             << r.pick({"", " to that", " to that date"})
                   : Words() << r.pick({"Now subtract ", "Subtract ", "Go back "}) << c
                             << r.pick({"", " from that", " from there"});
      break;
    case 3:
      body = Words() << r.pick({"What's the date ", "What is the date ", "What date is "}) << c
                     << (after ? " after that" : " before that");
      break;
    case 4:
      out.form.in_weeks = s.days == 7 || s.days == -7;
      if (s.days == 1 || s.days == -1) {
        body = Words() << r.pick({"And ", "What about ", "How about "}) << "the "
                       << (after ? r.pick({"day after", "next day", "following day"})
                                 : r.pick({"day before", "previous day", "day before that"}));
      } else {
        body = Words() << r.pick({"And ", "What about "}) << "a week "
                       << (after ? "after that" : "before that");
      }
      break;
    case 5:
      body = Words() << c << " " << (after ? "after that date" : "before that date") << " is "
                     << r.pick({"what", "what date", "which day"});
      break;
    case 6:
      body = Words() << "Then what's " << c << " " << (after ? "after that" : "before that");
      break;
    case 7:
      body = Words() << "What day of the week is " << c << " "
                     << (after ? "after that" : "before that");
      break;
    default:
      body = r.chance(50)
                 ? Words() << "From there, " << c << (after ? " forward" : " back")
                 : Words() << "From that date, what's " << c << (after ? " later" : " earlier");
      break;
  }
  out.text = finish(body, question, p, r);
  return out;
}

PhrasedQuestion follow_up_same_question(const QuestionSpec& s, SeededRandom& r) {
  const P p = s.politeness;
  const std::string d = english_date_text(s.date, s.hard_dates, r);
  std::string body;
  bool question = true;
  if (s.repeats_weekday) {
    switch (r.below(4)) {
      case 0:
        body = Words() << r.pick({"What about ", "And ", "How about ", "And for ", "Now "}) << d;
        break;
      case 1:
        body = Words() << "What about " << d << r.pick({", then", " then"});
        break;
      case 2:
        question = false;
        body = Words() << r.pick({"Same question for ", "Same for ", "Now do "}) << d;
        break;
      default:
        body = Words() << "And what day is " << d;
        break;
    }
  } else {
    switch (r.below(3)) {
      case 0:
        body = Words() << r.pick({"What about from ", "And from ", "How about from ",
                                  "And starting from "})
                       << d;
        break;
      case 1:
        body = Words() << r.pick({"And if I start on ", "What if I start from ",
                                  "What if I start on "})
                       << d;
        break;
      default:
        question = false;
        body = Words() << r.pick({"Same for ", "Now do it from ", "Same thing from "}) << d;
        break;
    }
  }
  return {finish(body, question, p, r), {}};
}

// ---- Answers
// --------------------------------------------------------------------------------------

P answer_register(P asked, SeededRandom& r) {
  if (asked == P::kPlain) return r.chance(50) ? P::kPlain : P::kPolite;
  return asked;
}

std::string closing(P p, SeededRandom& r) {
  if (!r.chance(20)) return "";
  switch (p) {
    case P::kPlain:
      return r.pick({" Anything else?", " :)", " Need anything else?"});
    case P::kPolite:
      return r.pick({" Anything else?", " Hope that helps!", " Let me know if you need more."});
    case P::kFormal:
      return r.pick({" Let me know if you need anything else.", " I hope that helps.",
                     " Is there anything else I can help with?"});
  }
  return "";
}

std::string capitalised(std::string text) {
  if (!text.empty()) text[0] = to_upper(text[0]);
  return text;
}

struct ResultWords {
  std::string date;     // "May 31, 2026", sometimes "2026-05-31"
  std::string weekday;  // "Sunday"
  int iso_weekday = 0;
};

ResultWords result_words(const nlohmann::json& result, SeededRandom& r) {
  ResultWords w;
  w.date = result.at(r.chance(80) ? "date_en" : "date").get<std::string>();
  w.weekday = result.at("weekday_en").get<std::string>();
  w.iso_weekday = CalendarDate::parse(result.at("date").get<std::string>()).iso_weekday();
  return w;
}

std::string weekday_answer(const QuestionForm& form, const ResultWords& w, P p, SeededRandom& r) {
  if (form.guessed_weekday != 0) {
    const std::string guess = weekday_name_english(form.guessed_weekday);
    if (form.guessed_weekday == w.iso_weekday) {
      switch (r.below(3)) {
        case 0:
          return Words() << (p == P::kPlain ? "Yep, " : "Yes, ") << w.date << " is a " << w.weekday
                         << ".";
        case 1:
          return "Yes, it's a " + w.weekday + ".";
        default:
          return "That's right: " + w.date + " is a " + w.weekday + ".";
      }
    }
    switch (r.below(2)) {
      case 0:
        return "No, " + w.date + " is a " + w.weekday + ", not a " + guess + ".";
      default:
        return Words() << (p == P::kPlain ? "Nope, " : "No, ") << "it's a " << w.weekday << ".";
    }
  }
  if (form.weekend_question != 0) {
    const bool weekend = w.iso_weekday >= 6;
    std::string prefix;
    if (form.weekend_question != 3)
      prefix = (form.weekend_question == 1) == weekend ? "Yes, " : "No, ";
    if (r.chance(50)) {
      return prefix + w.date + " is a " + w.weekday + ", so it's " +
             (weekend ? "on the weekend." : "a weekday.");
    }
    return capitalised(prefix + "it's a " + (weekend ? "weekend" : "weekday") + ": " + w.date +
                       " is a " + w.weekday + ".");
  }
  switch (r.below(8)) {
    case 0:
      return w.date + " is a " + w.weekday + ".";
    case 1:
      return w.date + " falls on a " + w.weekday + ".";
    case 2:
      return "It's a " + w.weekday + ".";
    case 3:
      return "That's a " + w.weekday + ".";
    case 4:
      return "It's a " + w.weekday + " (" + w.date + ").";
    case 5:
      return w.weekday + ", " + w.date + ".";
    case 6:
      return "That day is a " + w.weekday + ".";
    default:
      return "The weekday is " + w.weekday + ".";
  }
}

// "100 days", "3 weeks", "1 day"
std::string count_words(long long days, bool in_weeks) {
  const long long n = days < 0 ? -days : days;
  if (in_weeks && n % 7 == 0) return std::to_string(n / 7) + (n == 7 ? " week" : " weeks");
  return std::to_string(n) + (n == 1 ? " day" : " days");
}

// An add_days result told back; `from` names the start ("February 20, 2026", "today", "that") or
// "".
std::string offset_answer(const QuestionForm& form, const nlohmann::json& result,
                          const std::string& from, const ResultWords& w, P p, SeededRandom& r) {
  const long long days = result.at("days").get<long long>();
  const bool after = days > 0;
  const std::string offset = count_words(days, form.in_weeks);
  const std::string is = after ? " is " : r.pick({" is ", " was "});
  switch (r.below(9)) {
    case 0:
      return "That's " + w.weekday + ", " + w.date + ".";
    case 1:
      if (from.empty()) return "It's " + w.date + " (" + w.weekday + ").";
      return capitalised(offset + (after ? " after " : " before ") + from + is + w.weekday + ", " +
                         w.date + ".");
    case 2:
      return "It's " + w.date + " (" + w.weekday + ").";
    case 3:
      return Words() << r.pick({"The date is ", "That date is "}) << w.date << ", a " << w.weekday
                     << ".";
    case 4:
      return w.date + ", a " + w.weekday + ".";
    case 5:
      return "You get " + w.date + ", which is a " + w.weekday + ".";
    case 6:
      return Words() << (after ? "It would be " : r.pick({"It was ", "It would be "})) << w.weekday
                     << ", " << w.date << ".";
    case 7:
      return "That lands on " + w.weekday + ", " + w.date + ".";
    default:
      return p == P::kFormal ? "The result is " + w.date + " (" + w.weekday + ")."
                             : "That comes to " + w.date + ", a " + w.weekday + ".";
  }
}

std::string today_answer(const ResultWords& w, SeededRandom& r) {
  switch (r.below(4)) {
    case 0:
      return "Today is " + w.weekday + ", " + w.date + ".";
    case 1:
      return "It's " + w.date + " (" + w.weekday + ") today.";
    case 2:
      return "Today's date is " + w.date + ", a " + w.weekday + ".";
    default:
      return "It's " + w.weekday + ", " + w.date + ".";
  }
}

std::string today_add_days_answer(const QuestionForm& form, const nlohmann::json& result,
                                  const ResultWords& w, P p, SeededRandom& r) {
  const long long days = result.at("days").get<long long>();
  const bool after = days > 0;
  const std::string today = CalendarDate::parse(result.at("from").get<std::string>()).english();
  if (!form.relative_word.empty()) {
    const std::string is = after ? " is " : " was ";
    switch (r.below(3)) {
      case 0:
        return capitalised(form.relative_word) + is + w.weekday + ", " + w.date + ".";
      case 1:
        return "The date " + form.relative_word + is + w.date + " (" + w.weekday + ").";
      default:
        return "Today is " + today + ", so " + form.relative_word + is + w.weekday + ", " + w.date +
               ".";
    }
  }
  const std::string offset = count_words(days, form.in_weeks);
  switch (r.below(4)) {
    case 0:
      return offset + (after ? " from today is " : " ago was ") + w.weekday + ", " + w.date + ".";
    case 1:
      return "Today is " + today + ", so " + offset + (after ? " from now is " : " ago was ") +
             w.date + " (" + w.weekday + ").";
    case 2:
      return offset_answer(form, result, "today", w, p, r);
    default:
      return offset_answer(form, result, "", w, p, r);
  }
}

std::string follow_up_answer(const QuestionForm& form, const nlohmann::json& result,
                             const ResultWords& w, P p, SeededRandom& r) {
  const long long days = result.at("days").get<long long>();
  const bool after = days > 0;
  const std::string from = CalendarDate::parse(result.at("from").get<std::string>()).english();
  const std::string offset = count_words(days, form.in_weeks);
  switch (r.below(4)) {
    case 0:
      return capitalised(offset + (after ? " after that is " : " before that is ") + w.weekday +
                         ", " + w.date + ".");
    case 1:
      return "Counting from " + from + ", that's " + w.date + ", a " + w.weekday + ".";
    case 2:
      return offset_answer(form, result, from, w, p, r);
    default:
      return offset_answer(form, result, "", w, p, r);
  }
}

// ---- Dates stated first (QuestionSpec::stated_dates)
// ---------------------------------------------

// "My flight is on", "I was born on": a clause that states the date before the question; a date
// before 2026 takes a past-tense clause, one after it a future one.
std::string stated_date_clause(const std::string& d, int year, SeededRandom& r) {
  static const char* kFuture[] = {"My flight is on",   "Our wedding is on",  "The meeting is on",
                                  "My exam is on",     "The deadline is",    "The concert is on",
                                  "We move on",        "My interview is on", "Payday is",
                                  "The trip starts on"};
  static const char* kPast[] = {"I was born on",
                                "The contract was signed on",
                                "We met on",
                                "My grandfather was born on",
                                "The company was founded on",
                                "We moved in on"};
  const bool past = year < 2026 || (year == 2026 && r.chance(50));
  return Words() << (past ? kPast[r.below(6)] : kFuture[r.below(10)]) << " " << d;
}

// "My flight is on Aug 22, 2026. What day is that?"
PhrasedQuestion stated_weekday_question(const QuestionSpec& s, SeededRandom& r) {
  const std::string d = english_date_text(s.date, s.hard_dates, r);
  const std::string clause = stated_date_clause(d, s.date.year, r);
  const std::string ask = r.pick({"What day is that", "What day of the week is that",
                                  "Which weekday is that", "What day of the week was that",
                                  "Which day of the week does that fall on", "What weekday is it"});
  PhrasedQuestion out;
  out.text = r.chance(75) ? finish(Words() << clause << r.pick({". ", ". ", ", ", " - "}) << ask,
                                   true, s.politeness, r)
                          : finish(Words() << ask << "? " << clause, false, s.politeness, r);
  return out;
}

// "Add 250 days to 5 January 2027", "The lease starts 10/15/2026. What date is 180 days later?"
PhrasedQuestion stated_add_days_question(const QuestionSpec& s, SeededRandom& r) {
  const bool after = s.days > 0;
  const std::string d = english_date_text(s.date, s.hard_dates, r);
  const CountText count = english_count(after ? s.days : -s.days, s.hard_counts, r);
  const std::string& c = count.text;
  PhrasedQuestion out;
  out.form.in_weeks = count.in_weeks;
  std::string body;
  bool question = true;
  switch (r.weighted({4, 3, 3, 2})) {
    case 0:
      body = Words() << stated_date_clause(d, s.date.year, r) << ". "
                     << r.pick({"What date is ", "What's the date ", "When is "}) << c << " "
                     << (after ? r.pick({"after that", "later", "after it"})
                               : r.pick({"before that", "earlier", "before it"}));
      break;
    case 1:
      question = false;
      body = after ? (r.chance(60) ? Words() << r.pick({"Add ", "add "}) << c << " to " << d
                                   : Words() << "Count forward " << c << " from " << d)
                   : Words() << r.pick({"Subtract ", "Take away ", "Count back ", "Go back "}) << c
                             << " from " << d;
      break;
    case 2:
      body = Words() << d << (after ? " plus " : " minus ") << c
                     << r.pick({"", " is what date", " is when", ", what date is that"});
      break;
    default:
      body = Words() << "If " << r.pick({"I start", "we start", "you start", "it starts"}) << " on "
                     << d << " and " << (after ? "count forward " : "count back ") << c << ", "
                     << r.pick({"where do I land", "what date is it", "which date is that"});
      break;
  }
  out.text = finish(body, question, s.politeness, r);
  return out;
}

}  // namespace

PhrasedQuestion english_question(const QuestionSpec& spec, SeededRandom& random) {
  PhrasedQuestion q;
  // The stated-date forms draw only when asked for, so other mixes keep their bytes.
  const bool stated = spec.stated_dates && random.chance(30);
  switch (spec.intent) {
    case ToolcallIntent::kWeekday:
      q = stated ? stated_weekday_question(spec, random) : weekday_question(spec, random);
      break;
    case ToolcallIntent::kAddDays:
      q = stated ? stated_add_days_question(spec, random) : add_days_question(spec, random);
      break;
    case ToolcallIntent::kToday:
      q = today_question(spec, random);
      break;
    case ToolcallIntent::kTodayAddDays:
      q = today_add_days_question(spec, random);
      break;
    case ToolcallIntent::kFollowUp:
      q = follow_up_question(spec, random);
      break;
    case ToolcallIntent::kFollowUpSameAs:
      q = follow_up_same_question(spec, random);
      break;
  }
  if (spec.intent == ToolcallIntent::kWeekday || spec.intent == ToolcallIntent::kAddDays)
    q.text = with_fillers(q.text, spec.politeness, random);
  q.text = with_typos(q.text, spec.politeness, random);
  return q;
}

std::string english_answer(const QuestionSpec& spec, const QuestionForm& form,
                           const nlohmann::json& result, SeededRandom& random) {
  const P p = answer_register(spec.politeness, random);
  const ResultWords w = result_words(result, random);
  std::string answer;
  switch (spec.intent) {
    case ToolcallIntent::kWeekday:
      answer = weekday_answer(form, w, p, random);
      break;
    case ToolcallIntent::kAddDays:
    case ToolcallIntent::kFollowUpSameAs: {
      if (spec.intent == ToolcallIntent::kFollowUpSameAs && spec.repeats_weekday) {
        answer = weekday_answer(form, w, p, random);
        break;
      }
      const std::string from = CalendarDate::parse(result.at("from").get<std::string>()).english();
      answer = offset_answer(form, result, random.chance(60) ? from : "", w, p, random);
      break;
    }
    case ToolcallIntent::kToday:
      answer = today_answer(w, random);
      break;
    case ToolcallIntent::kTodayAddDays:
      answer = today_add_days_answer(form, result, w, p, random);
      break;
    case ToolcallIntent::kFollowUp:
      answer = follow_up_answer(form, result, w, p, random);
      break;
  }
  return answer + closing(p, random);
}

}  // namespace tunedeck
