// The v7 mix: per conversation a today, a language (sometimes switching per turn), a register and
// a number of turns; per turn a kind, its values, the real tools' results (the today tool pinned to
// the conversation's today) and an answer phrased from the last result.
#include "datagen/toolcall_data_v7.h"

#include <functional>
#include <stdexcept>

#include "agent/builtin_tools.h"
#include "agent/tool_registry.h"
#include "datagen/toolcall_phrasing_v7.h"

namespace tunedeck {
namespace {

using nlohmann::json;

std::string compact_json(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// ---- Values
// -------------------------------------------------------------------------------------

CalendarDate date_between(long long first, long long last, SeededRandom& r) {
  return CalendarDate::from_days_since_epoch(r.between(first, last));
}

CalendarDate year_start(int year) { return CalendarDate::from_parts(year, 1, 1); }
CalendarDate year_end(int year) { return CalendarDate::from_parts(year, 12, 31); }

// Mostly within a few years of today, sometimes decades away.
CalendarDate sample_date(const CalendarDate& today, SeededRandom& r) {
  switch (r.weighted({60, 25, 15})) {
    case 0:
      return date_between(today.days_since_epoch() - 1100, today.days_since_epoch() + 1100, r);
    case 1:
      return date_between(year_start(1990).days_since_epoch(), year_end(2045).days_since_epoch(),
                          r);
    default:
      return date_between(year_start(1900).days_since_epoch(), year_end(2100).days_since_epoch(),
                          r);
  }
}

long long sample_days(SeededRandom& r) {
  switch (r.weighted({40, 20, 25, 15})) {
    case 0:
      return r.between(1, 31);
    case 1:
      return r.pick({10, 20, 30, 40, 50, 60, 90, 100, 100, 200, 300, 365, 500, 1000});
    case 2:
      return r.between(32, 400);
    default:
      return 7 * r.between(1, 12);
  }
}

struct Count {
  long long days;
  bool weeks;  // said in weeks
};

Count sample_count(SeededRandom& r) {
  if (r.chance(40)) return {7 * r.between(1, 8), true};
  return {r.chance(70) ? r.between(1, 30) : sample_days(r), false};
}

// ---- One turn
// -----------------------------------------------------------------------------------

struct Conversation {
  const ToolRegistry& tools;  // the built-in tools, today pinned to `today`
  CalendarDate today;
  bool plain;  // Korean 반말 (and casual English)
  SeededRandom& r;
};

// A turn being built: its question, calls and answer.
class TurnBuilder {
 public:
  TurnBuilder(const Conversation& c, ToolcallLanguage language, const char* kind)
      : c_(c), language_(language), words_(v7_language(language)) {
    turn_.kind = kind;
  }

  const V7Language& words() const { return words_; }
  ToolcallLanguage language() const { return language_; }

  // Runs a tool as the agent would and records the step; returns the result.
  const json& call(const std::string& name, const json& arguments) {
    const ToolResult run = c_.tools.run(ToolCall{name, arguments});
    if (!run.ok())
      throw std::logic_error("v7 data: " + name + " " + compact_json(arguments) +
                             " failed: " + run.error);
    ToolcallStep step;
    step.name = name;
    step.arguments = arguments;
    step.call_text = toolcall_data_call_text(name, arguments);
    step.result_text = compact_json(run.for_model());
    turn_.steps.push_back(step);
    last_ = run.result;
    return last_;
  }
  // today {}: the conversation's today, as the tool says it.
  std::string call_today() { return call("today", json::object()).at("date").get<std::string>(); }

  void ask(const V7Patterns& patterns, const V7Slots& slots) {
    turn_.user = v7_phrase(patterns, c_.plain, slots, c_.r);
  }
  // The answer from `patterns` with the last result's date and weekday as {date} and {wd}.
  void answer(const V7Patterns& patterns, V7Slots slots = {}) {
    if (last_.is_object() && last_.contains("weekday")) {
      const bool ko = language_ == ToolcallLanguage::kKorean;
      slots.push_back({"date", last_.at(ko ? "date_ko" : "date_en").get<std::string>()});
      slots.push_back({"wd", last_.at(ko ? "weekday" : "weekday_en").get<std::string>()});
      turn_.answer_date = last_.at("date").get<std::string>();
    }
    turn_.answer = v7_phrase(patterns, c_.plain, slots, c_.r);
  }
  void set_answer_date(const std::string& date) { turn_.answer_date = date; }
  ToolcallTurn& turn() { return turn_; }

 private:
  const Conversation& c_;
  ToolcallLanguage language_;
  const V7Language& words_;
  ToolcallTurn turn_;
  json last_;
};

std::string weekday_phrase(const V7WeekdayRule& rule, ToolcallLanguage language, int weekday,
                           SeededRandom& r) {
  return v7_fill(std::string("-") + rule.phrasing[r.below(rule.phrasing.size())],
                 {{"wd", v7_weekday_text(language, weekday, r)}});
}

const V7Holiday& pick_holiday(const V7Language& words, SeededRandom& r) {
  return words.holidays[r.below(words.holidays.size())];
}

std::string holiday_name(const V7Holiday& holiday, SeededRandom& r) {
  return r.chance(75) ? holiday.names[0] : holiday.names[r.below(holiday.names.size())];
}

// The v1-v6 questions, phrased as those mixes phrase them.
ToolcallTurn v6_turn(const Conversation& c, ToolcallLanguage language, ToolcallIntent intent,
                     const std::string& anchor) {
  static const char* kKinds[] = {"weekday", "add_days", "today", "today_add_days", "follow_add"};
  TurnBuilder b(c, language, kKinds[static_cast<int>(intent)]);
  QuestionSpec spec;
  spec.intent = intent;
  spec.politeness =
      c.plain ? Politeness::kPlain : (c.r.chance(60) ? Politeness::kPolite : Politeness::kFormal);
  spec.hard_counts = c.r.chance(50);
  spec.hard_dates = c.r.chance(40);
  spec.stated_dates = c.r.chance(30);
  if (intent == ToolcallIntent::kWeekday || intent == ToolcallIntent::kAddDays)
    spec.date = sample_date(c.today, c.r);
  if (intent != ToolcallIntent::kWeekday && intent != ToolcallIntent::kToday)
    spec.days = (c.r.chance(65) ? 1 : -1) * sample_days(c.r);
  const PhrasedQuestion question = phrase_question(language, spec, c.r);
  b.turn().user = question.text;
  json last;
  switch (intent) {
    case ToolcallIntent::kWeekday:
      last = b.call("weekday", {{"date", spec.date.iso()}});
      break;
    case ToolcallIntent::kAddDays:
      last = b.call("add_days", {{"date", spec.date.iso()}, {"days", spec.days}});
      break;
    case ToolcallIntent::kToday:
      last = b.call("today", json::object());
      break;
    case ToolcallIntent::kTodayAddDays:
      last = b.call("add_days", {{"date", b.call_today()}, {"days", spec.days}});
      break;
    default:
      last = b.call("add_days", {{"date", anchor}, {"days", spec.days}});
      break;
  }
  b.turn().answer = phrase_answer(language, spec, question.form, last, c.r);
  b.set_answer_date(last.at("date").get<std::string>());
  return b.turn();
}

ToolcallTurn relative_day_turn(const Conversation& c, ToolcallLanguage language) {
  TurnBuilder b(c, language, "relative_day");
  const V7RelativeDay& rel = b.words().relative_days[c.r.below(b.words().relative_days.size())];
  b.ask(b.words().relative_day, {{"rel", rel.word}});
  b.call("add_days", {{"date", b.call_today()}, {"days", rel.offset}});
  b.answer(b.words().answer_date);
  return b.turn();
}

ToolcallTurn relative_weekday_turn(const Conversation& c, ToolcallLanguage language) {
  TurnBuilder b(c, language, "relative_weekday");
  const V7WeekdayRule& rule = b.words().weekday_rules[c.r.below(b.words().weekday_rules.size())];
  const int weekday = static_cast<int>(c.r.between(1, 7));
  b.ask(b.words().relative_weekday, {{"wdp", weekday_phrase(rule, language, weekday, c.r)}});
  b.call(
      "find_weekday",
      {{"date", b.call_today()}, {"weekday", weekday_name_english(weekday)}, {"rule", rule.rule}});
  b.answer(b.words().answer_date);
  return b.turn();
}

// "3 weeks from tomorrow", "다음 주 금요일로부터 10일 뒤", "10 days after March 3": the start's
// calls, then add_days.
ToolcallTurn chain_turn(const Conversation& c, ToolcallLanguage language) {
  TurnBuilder b(c, language, "chain");
  const Count count = sample_count(c.r);
  std::string start;
  std::function<std::string()> start_calls;
  switch (c.r.weighted({45, 35, 20})) {
    case 0: {
      const V7RelativeDay& rel = b.words().relative_days[c.r.below(b.words().relative_days.size())];
      start = rel.word;
      start_calls = [&b, &rel] {
        return b.call("add_days", {{"date", b.call_today()}, {"days", rel.offset}})
            .at("date")
            .get<std::string>();
      };
      break;
    }
    case 1: {
      const V7WeekdayRule& rule =
          b.words().weekday_rules[c.r.below(b.words().weekday_rules.size())];
      const int weekday = static_cast<int>(c.r.between(1, 7));
      start = weekday_phrase(rule, language, weekday, c.r);
      start_calls = [&b, &rule, weekday] {
        return b
            .call("find_weekday", {{"date", b.call_today()},
                                   {"weekday", weekday_name_english(weekday)},
                                   {"rule", rule.rule}})
            .at("date")
            .get<std::string>();
      };
      break;
    }
    default: {
      const int month = static_cast<int>(c.r.between(1, 12));
      const int day = static_cast<int>(c.r.between(1, days_in_month(2001, month)));
      start = v7_month_day_text(language, month, day, c.r);
      start_calls = [&b, month, day] {
        return b.call("next_occurrence", {{"date", b.call_today()}, {"month", month}, {"day", day}})
            .at("date")
            .get<std::string>();
      };
    }
  }
  b.ask(b.words().chain,
        {{"start", start}, {"dur", v7_days_text(language, count.days, count.weeks, c.r)}});
  const std::string from = start_calls();
  b.call("add_days", {{"date", from}, {"days", count.days}});
  b.answer(b.words().answer_date);
  return b.turn();
}

ToolcallTurn months_turn(const Conversation& c, ToolcallLanguage language, bool after_answer) {
  TurnBuilder b(c, language, "months");
  const bool years = c.r.chance(30);
  const long long n = years ? c.r.between(1, 10) : c.r.pick({1, 1, 2, 3, 3, 4, 5, 6, 6, 9, 12, 18});
  const std::string mon = v7_months_text(language, years ? 12 * n : n, years, c.r);
  const char* unit = years ? "years" : "months";
  if (c.r.chance(45)) {
    const bool bare = !after_answer && c.r.chance(50);
    b.ask(bare ? b.words().months_bare : b.words().months_from_today, {{"mon", mon}});
    b.call("add_months", {{"date", b.call_today()}, {unit, n}});
  } else {
    // Month ends now and then: that is where the rule shows.
    CalendarDate date = sample_date(c.today, c.r);
    if (c.r.chance(25)) date = {date.year, date.month, days_in_month(date.year, date.month)};
    const bool before = c.r.chance(30);
    b.ask(before ? b.words().months_before_date : b.words().months_from_date,
          {{"date", v7_date_text(language, date, c.r)}, {"mon", mon}});
    b.call("add_months", {{"date", date.iso()}, {unit, before ? -n : n}});
  }
  b.answer(b.words().answer_date);
  return b.turn();
}

ToolcallTurn no_year_turn(const Conversation& c, ToolcallLanguage language) {
  TurnBuilder b(c, language, "no_year_date");
  const int month = static_cast<int>(c.r.between(1, 12));
  const int day = static_cast<int>(c.r.between(1, days_in_month(2001, month)));
  b.ask(b.words().no_year_weekday, {{"md", v7_month_day_text(language, month, day, c.r)}});
  b.call("next_occurrence", {{"date", b.call_today()}, {"month", month}, {"day", day}});
  b.answer(b.words().answer_weekday);
  return b.turn();
}

ToolcallTurn holiday_turn(const Conversation& c, ToolcallLanguage language) {
  TurnBuilder b(c, language, "holiday");
  const V7Holiday& holiday = pick_holiday(b.words(), c.r);
  const std::string name = holiday_name(holiday, c.r);
  if (c.r.chance(20)) {
    const int year = static_cast<int>(c.r.between(c.today.year - 30, c.today.year + 10));
    b.ask(b.words().holiday_year, {{"hol", name}, {"year", std::to_string(year)}});
    b.call("weekday", {{"date", CalendarDate::from_parts(year, holiday.month, holiday.day).iso()}});
  } else {
    b.ask(c.r.chance(65) ? b.words().holiday_weekday : b.words().holiday_date, {{"hol", name}});
    b.call("next_occurrence",
           {{"date", b.call_today()}, {"month", holiday.month}, {"day", holiday.day}});
  }
  b.answer(b.words().answer_holiday, {{"hol", name}});
  return b.turn();
}

// "크리스마스까지 며칠 남았어?", "How many days until March 3?", "... until 2027-05-01?"
ToolcallTurn days_until_turn(const Conversation& c, ToolcallLanguage language) {
  TurnBuilder b(c, language, "days_until");
  std::string target;
  int month = 0, day = 0;
  CalendarDate date;
  switch (c.r.weighted({50, 25, 25})) {
    case 0: {
      const V7Holiday& holiday = pick_holiday(b.words(), c.r);
      target = holiday_name(holiday, c.r);
      month = holiday.month;
      day = holiday.day;
      break;
    }
    case 1:
      month = static_cast<int>(c.r.between(1, 12));
      day = static_cast<int>(c.r.between(1, days_in_month(2001, month)));
      target = v7_month_day_text(language, month, day, c.r);
      break;
    default:
      date = c.today.plus_days(c.r.between(1, 1500));
      target = v7_date_text(language, date, c.r);
  }
  b.ask(b.words().days_until, {{"target", target}});
  const std::string today = b.call_today();
  const std::string to =
      month ? b.call("next_occurrence", {{"date", today}, {"month", month}, {"day", day}})
                  .at("date")
                  .get<std::string>()
            : date.iso();
  const long long n = b.call("days_between", {{"from", today}, {"to", to}}).at("days");
  b.answer(b.words().answer_until, {{"target", target}, {"n", std::to_string(n)}});
  b.set_answer_date(to);
  return b.turn();
}

ToolcallTurn days_since_turn(const Conversation& c, ToolcallLanguage language) {
  TurnBuilder b(c, language, "days_since");
  const CalendarDate date = c.today.plus_days(-c.r.between(1, 4000));
  const std::string text = v7_date_text(language, date, c.r);
  b.ask(b.words().days_since, {{"date", text}});
  const long long n =
      b.call("days_between", {{"from", date.iso()}, {"to", b.call_today()}}).at("days");
  b.answer(b.words().answer_since, {{"target", text}, {"n", std::to_string(n)}});
  return b.turn();
}

ToolcallTurn days_between_turn(const Conversation& c, ToolcallLanguage language) {
  TurnBuilder b(c, language, "days_between");
  const CalendarDate a = sample_date(c.today, c.r);
  const CalendarDate to = a.plus_days(c.r.chance(70) ? c.r.between(1, 400) : c.r.between(1, 5000));
  b.ask(b.words().days_between,
        {{"a", v7_date_text(language, a, c.r)}, {"b", v7_date_text(language, to, c.r)}});
  const long long n = b.call("days_between", {{"from", a.iso()}, {"to", to.iso()}}).at("days");
  b.answer(b.words().answer_between, {{"n", std::to_string(n)}});
  return b.turn();
}

// Questions answered without a tool.
ToolcallTurn no_tool_turn(const Conversation& c, ToolcallLanguage language, const char* kind,
                          const V7Patterns V7Language::*question,
                          const V7Patterns V7Language::*answer) {
  TurnBuilder b(c, language, kind);
  const V7Language& w = b.words();
  b.ask(w.*question, {{"hol", w.lunar_holidays[c.r.below(w.lunar_holidays.size())]}});
  b.answer(w.*answer);
  return b.turn();
}

ToolcallTurn no_tool_turn(const Conversation& c, ToolcallLanguage language) {
  switch (c.r.weighted({20, 20, 20, 30, 10})) {
    case 0:
      return no_tool_turn(c, language, "no_tool", &V7Language::greeting,
                          &V7Language::answer_greeting);
    case 1:
      return no_tool_turn(c, language, "no_tool", &V7Language::identity,
                          &V7Language::answer_identity);
    case 2:
      return no_tool_turn(c, language, "no_tool", &V7Language::capability,
                          &V7Language::answer_capability);
    case 3:
      return no_tool_turn(c, language, "no_tool", &V7Language::off_topic,
                          &V7Language::answer_off_topic);
    default:
      return no_tool_turn(c, language, "no_tool", &V7Language::lunar, &V7Language::answer_lunar);
  }
}

// A question on the previous turn's answered date (`anchor`).
ToolcallTurn follow_up_turn(const Conversation& c, ToolcallLanguage language,
                            const std::string& anchor) {
  const CalendarDate from = CalendarDate::parse(anchor);
  const long long to_today = from.days_until(c.today);
  switch (c.r.weighted({20, 20, 18, 10, 12, 8, 12})) {
    case 0:
      return v6_turn(c, language, ToolcallIntent::kFollowUp, anchor);
    case 1: {
      TurnBuilder b(c, language, "follow_weekday");
      b.ask(b.words().follow_weekday, {});
      b.call("weekday", {{"date", anchor}});
      b.answer(b.words().answer_weekday);
      return b.turn();
    }
    case 2: {
      TurnBuilder b(c, language, "follow_add");
      const Count count = sample_count(c.r);
      const bool before = c.r.chance(30);
      const bool one_day = c.r.chance(20);
      if (one_day) {
        b.ask(before ? b.words().follow_previous_day : b.words().follow_next_day, {});
      } else {
        b.ask(before ? b.words().follow_subtract : b.words().follow_add,
              {{"dur", v7_days_text(language, count.days, count.weeks, c.r)}});
      }
      const long long days = one_day ? 1 : count.days;
      b.call("add_days", {{"date", anchor}, {"days", before ? -days : days}});
      b.answer(b.words().answer_date);
      return b.turn();
    }
    case 3: {
      TurnBuilder b(c, language, "follow_months");
      const long long n = c.r.between(1, 6);
      b.ask(b.words().follow_months, {{"mon", v7_months_text(language, n, false, c.r)}});
      b.call("add_months", {{"date", anchor}, {"months", n}});
      b.answer(b.words().answer_date);
      return b.turn();
    }
    case 4: {
      if (to_today == 0) return follow_up_turn(c, language, anchor);
      TurnBuilder b(c, language, "follow_count");
      const bool until = to_today < 0;  // the anchor lies ahead
      b.ask(until ? b.words().follow_until : b.words().follow_since, {});
      const std::string today = b.call_today();
      const long long n = b.call("days_between", until ? json{{"from", today}, {"to", anchor}}
                                                       : json{{"from", anchor}, {"to", today}})
                              .at("days");
      const std::string target =
          language == ToolcallLanguage::kKorean ? from.korean() : from.english();
      b.answer(until ? b.words().answer_until : b.words().answer_since,
               {{"target", target}, {"n", std::to_string(n)}});
      b.set_answer_date(anchor);
      return b.turn();
    }
    case 5: {
      TurnBuilder b(c, language, "follow_next_weekday");
      const int weekday = static_cast<int>(c.r.between(1, 7));
      b.ask(b.words().follow_next_weekday, {{"wd", v7_weekday_text(language, weekday, c.r)}});
      b.call("find_weekday",
             {{"date", anchor}, {"weekday", weekday_name_english(weekday)}, {"rule", "after"}});
      b.answer(b.words().answer_date);
      return b.turn();
    }
    default:
      return v6_turn(c, language, ToolcallIntent::kFollowUp, anchor);
  }
}

// A question that starts fresh: it names its own date, a relative word or today. After an
// answered date, v6's bare "90일 뒤는?" (from today) would read as a follow-up: a relative word
// asks instead.
ToolcallTurn fresh_turn(const Conversation& c, ToolcallLanguage language, bool after_answer) {
  switch (c.r.weighted({9, 9, 3, 6, 10, 14, 6, 6, 9, 10, 9, 4, 4, 6})) {
    case 0:
      return v6_turn(c, language, ToolcallIntent::kWeekday, "");
    case 1:
      return v6_turn(c, language, ToolcallIntent::kAddDays, "");
    case 2:
      return v6_turn(c, language, ToolcallIntent::kToday, "");
    case 3:
      if (after_answer) return relative_day_turn(c, language);
      return v6_turn(c, language, ToolcallIntent::kTodayAddDays, "");
    case 4:
      return relative_day_turn(c, language);
    case 5:
      return relative_weekday_turn(c, language);
    case 6:
      return chain_turn(c, language);
    case 7:
      return months_turn(c, language, after_answer);
    case 8:
      return no_year_turn(c, language);
    case 9:
      return holiday_turn(c, language);
    case 10:
      return days_until_turn(c, language);
    case 11:
      return days_since_turn(c, language);
    case 12:
      return days_between_turn(c, language);
    default:
      return no_tool_turn(c, language);
  }
}

// Context sentences and typing habits on a generated question.
void dress_question(ToolcallTurn& turn, ToolcallLanguage language, SeededRandom& r) {
  if (!turn.steps.empty() && r.chance(12)) {
    const V7Language& w = v7_language(language);
    const std::string context = w.contexts[r.below(w.contexts.size())];
    // "hey, " goes on in lower case: "hey, what date is ..."; "Hi! " starts a new sentence.
    const bool goes_on = context.back() == ' ' && context[context.size() - 2] != '.' &&
                         context[context.size() - 2] != '!' && context[context.size() - 2] != ':';
    std::string& q = turn.user;
    if (goes_on && q.size() > 1 && q[0] >= 'A' && q[0] <= 'Z' && q[1] >= 'a' && q[1] <= 'z')
      q[0] = static_cast<char>(q[0] - 'A' + 'a');
    q = context + q;
  }
  if (r.chance(15)) turn.user = v7_informal(turn.user, language, r);
}

ToolcallLanguage sample_language(const std::string& languages, SeededRandom& r) {
  if (languages == "ko") return ToolcallLanguage::kKorean;
  if (languages == "en") return ToolcallLanguage::kEnglish;
  return r.chance(60) ? ToolcallLanguage::kKorean : ToolcallLanguage::kEnglish;
}

ToolcallConversation make_conversation(const std::string& languages, SeededRandom& r) {
  ToolcallConversation conversation;
  conversation.language = sample_language(languages, r);
  const bool mixed = languages == "mix" && r.chance(10);
  const CalendarDate today =
      date_between(year_start(2024).days_since_epoch(), year_end(2028).days_since_epoch(), r);
  conversation.today = today.iso();
  ToolRegistry tools;
  register_builtin_tools(tools, fixed_today_clock(today), BuiltinToolSet::kCalendar);
  const Conversation c{tools, today, r.chance(50), r};
  const int turns = static_cast<int>(r.weighted({30, 30, 22, 12, 6})) + 1;
  std::string anchor;
  size_t calls = 0;
  // Six calls with their results, the tool list and the answers fill about 1,024 tokens (the
  // training max_len): a conversation that has made five ends.
  for (int t = 0; t < turns && calls < 5; t++) {
    const ToolcallLanguage language = mixed ? sample_language("mix", r) : conversation.language;
    ToolcallTurn turn;
    if (t == 0 && turns > 1 && r.chance(12)) {
      turn = r.chance(50) ? no_tool_turn(c, language, "no_tool", &V7Language::greeting,
                                         &V7Language::answer_greeting)
                          : no_tool_turn(c, language);
    } else if (t > 0 && t == turns - 1 && r.chance(25)) {
      turn = no_tool_turn(c, language, "no_tool", &V7Language::thanks, &V7Language::answer_thanks);
    } else if (!anchor.empty() && r.chance(45)) {
      turn = follow_up_turn(c, language, anchor);
    } else {
      turn = fresh_turn(c, language, !anchor.empty());
    }
    dress_question(turn, language, r);
    anchor = turn.answer_date;
    calls += turn.steps.size();
    conversation.turns.push_back(std::move(turn));
  }
  conversation.intent =
      conversation.turns.size() > 1 ? ToolcallIntent::kFollowUp : ToolcallIntent::kWeekday;
  return conversation;
}

}  // namespace

std::vector<ToolcallConversation> toolcall_data_v7_generate(const ToolcallDataOptions& options) {
  SeededRandom random(options.seed);
  std::vector<ToolcallConversation> conversations;
  conversations.reserve(static_cast<size_t>(options.count));
  for (int i = 0; i < options.count; i++)
    conversations.push_back(make_conversation(options.languages, random));
  return conversations;
}

}  // namespace tunedeck
