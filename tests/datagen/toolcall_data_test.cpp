// The synthetic date tool-call data: reproducible bytes, calls that parse and results the real
// tools reproduce, answers the evaluator accepts, a CSV that reads back, variety of phrasing, and
// follow-ups that depend on the turn before.
#include "datagen/toolcall_data.h"

#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <stdexcept>

#include "agent/builtin_tools.h"
#include "agent/calendar_date.h"
#include "agent/tool_call_parser.h"
#include "agent/tool_registry.h"
#include "datagen/seeded_random.h"
#include "datagen/toolcall_eval.h"
#include "tests/test_support.h"

namespace tunedeck {
namespace {

using nlohmann::json;

std::vector<ToolcallConversation> generate(uint64_t seed, int count, bool single_call_only,
                                           const std::string& languages = "mix",
                                           bool hard_counts = false, bool hard_dates = false,
                                           bool stated_dates = false) {
  ToolcallDataOptions options;
  options.stated_dates = stated_dates;
  options.hard_counts = hard_counts;
  options.hard_dates = hard_dates;
  options.seed = seed;
  options.count = count;
  options.single_call_only = single_call_only;
  options.languages = languages;
  return toolcall_data_generate(options);
}

// A small RFC 4180 reader, independent of the code under test: fields split on commas, quoted
// fields may hold commas, doubled quotes and line breaks; records end at LF outside quotes.
std::vector<std::vector<std::string>> read_csv(const std::string& text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); i++) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        i++;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      record.push_back(field);
      field.clear();
    } else if (c == '\n') {
      record.push_back(field);
      records.push_back(record);
      record.clear();
      field.clear();
    } else {
      field += c;
    }
  }
  EXPECT_FALSE(quoted) << "unterminated quoted field";
  EXPECT_TRUE(field.empty() && record.empty()) << "text does not end with a line break";
  return records;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Any accepted spelling of the date: 2026-05-31, 2026년 5월 31일, May 31, 2026.
bool names_date(const std::string& answer, const CalendarDate& date) {
  return contains(answer, date.iso()) || contains(answer, date.korean()) ||
         contains(answer, date.english());
}

bool names_weekday(const std::string& answer, const CalendarDate& date) {
  return contains(answer, weekday_name_korean(date.iso_weekday())) ||
         contains(answer, weekday_name_english(date.iso_weekday()));
}

// "2026년 2월 20일부터 100일 후" -> "####년 #월 ##일부터 ###일 후"
std::string shape(std::string text) {
  for (char& c : text)
    if (c >= '0' && c <= '9') c = '#';
  return text;
}

class ToolcallData : public ::testing::Test {
 protected:
  // The step's tool run again by a registry of the built-in tools, as the agent would run it;
  // `today`'s clock is pinned to the date the step's result says.
  std::string rerun(const ToolcallStep& step) {
    CalendarDate today;
    if (step.name == "today")
      today = CalendarDate::parse(json::parse(step.result_text).at("date").get<std::string>());
    ToolRegistry tools;
    register_builtin_tools(tools, fixed_today_clock(today));
    const ToolResult result = tools.run({step.name, step.arguments});
    EXPECT_TRUE(result.ok()) << result.error;
    return result.for_model().dump(-1, ' ', false, json::error_handler_t::replace);
  }
};

// ---- The random source ------------------------------------------------------------------------

TEST(SeededRandom, FollowsTheStandardEngine) {
  // std::mt19937_64's 10000th output from the default seed is fixed by the C++ standard.
  std::mt19937_64 reference;
  reference.discard(9999);
  EXPECT_EQ(reference(), 9981545732273789042ULL);
  SeededRandom random(5489);  // the engine's default seed
  std::mt19937_64 same(5489);
  for (int i = 0; i < 5; i++) EXPECT_EQ(random.below(1000), same() % 1000);  // no rejection at 1000
}

TEST(SeededRandom, StaysInRangeAndRejectsEmptyRanges) {
  SeededRandom random(7);
  std::set<long long> seen;
  for (int i = 0; i < 2000; i++) {
    const long long v = random.between(-3, 3);
    ASSERT_GE(v, -3);
    ASSERT_LE(v, 3);
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_THROW(random.below(0), std::invalid_argument);
  EXPECT_THROW(random.between(2, 1), std::invalid_argument);
  EXPECT_EQ(random.weighted({0, 5, 0}), 1u);
}

// ---- Determinism --------------------------------------------------------------------------------

TEST(ToolcallDataBytes, SameSeedGivesTheSameBytes) {
  EXPECT_EQ(toolcall_data_csv(generate(11, 300, true)), toolcall_data_csv(generate(11, 300, true)));
  EXPECT_EQ(toolcall_data_jsonl(generate(11, 300, false), ""),
            toolcall_data_jsonl(generate(11, 300, false), ""));
}

TEST(ToolcallDataBytes, DifferentSeedsGiveDifferentData) {
  EXPECT_NE(toolcall_data_csv(generate(11, 50, true)), toolcall_data_csv(generate(12, 50, true)));
  EXPECT_NE(toolcall_data_jsonl(generate(11, 50, false), ""),
            toolcall_data_jsonl(generate(12, 50, false), ""));
}

const char kGoldenSeedOneCsv[] =
    R"golden(user_input,tool_call_output,tool_call_result,final_output
)golden"
    R"golden(2014년 9월 16일 빼기 50일은 무슨 날이었더라??,"<tool_call>{""name"": ""add_days"", ""arguments"": {""date"": ""2014-09-16"", ""days"": -50}}</tool_call>","{""date"":""2014-07-28"",""date_en"":""July 28, 2014"",""date_ko"":""2014년 7월 28일"",""days"":-50,""from"":""2014-09-16"",""weekday"":""월요일"",""weekday_en"":""Monday""}",2014년 9월 16일부터 50일 전은 2014년 7월 28일이야. 그날은 월요일이네.
)golden"
    R"golden(2029-09-15 258일 후 무슨 날짜입니까?,"<tool_call>{""name"": ""add_days"", ""arguments"": {""date"": ""2029-09-15"", ""days"": 258}}</tool_call>","{""date"":""2030-05-31"",""date_en"":""May 31, 2030"",""date_ko"":""2030년 5월 31일"",""days"":258,""from"":""2029-09-15"",""weekday"":""금요일"",""weekday_en"":""Friday""}","계산 결과는 2030-05-31, 금요일입니다."
)golden"
    R"golden(2026년 5월 21일로부터 40일뒤 날짜 알려주세요,"<tool_call>{""name"": ""add_days"", ""arguments"": {""date"": ""2026-05-21"", ""days"": 40}}</tool_call>","{""date"":""2026-06-30"",""date_en"":""June 30, 2026"",""date_ko"":""2026년 6월 30일"",""days"":40,""from"":""2026-05-21"",""weekday"":""화요일"",""weekday_en"":""Tuesday""}",2026-06-30 화요일이에요.
)golden"
    R"golden(2029-03-31부터 1968일이 지나면 며칠입니까?,"<tool_call>{""name"": ""add_days"", ""arguments"": {""date"": ""2029-03-31"", ""days"": 1968}}</tool_call>","{""date"":""2034-08-20"",""date_en"":""August 20, 2034"",""date_ko"":""2034년 8월 20일"",""days"":1968,""from"":""2029-03-31"",""weekday"":""일요일"",""weekday_en"":""Sunday""}","계산 결과는 2034년 8월 20일, 일요일입니다."
)golden"
    R"golden("2020/4/9, 무슨 요일이지?","<tool_call>{""name"": ""weekday"", ""arguments"": {""date"": ""2020-04-09""}}</tool_call>","{""date"":""2020-04-09"",""date_en"":""April 9, 2020"",""date_ko"":""2020년 4월 9일"",""weekday"":""목요일"",""weekday_en"":""Thursday""}",2020년 4월 9일은 목요일이에요!
)golden"
    R"golden("Weekday or weekend: May 29, 2028?","<tool_call>{""name"": ""weekday"", ""arguments"": {""date"": ""2028-05-29""}}</tool_call>","{""date"":""2028-05-29"",""date_en"":""May 29, 2028"",""date_ko"":""2028년 5월 29일"",""weekday"":""월요일"",""weekday_en"":""Monday""}","May 29, 2028 is a Monday, so it's a weekday. Anything else?"
)golden";

TEST(ToolcallDataBytes, FirstRowsOfSeedOneAreFixed) {
  // Golden rows: these bytes must not depend on the compiler or the standard library. If the
  // phrasing is changed on purpose, regenerate them (the shipped model's data changes too).
  const std::string csv = toolcall_data_csv(generate(1, 6, true));
  EXPECT_EQ(csv, kGoldenSeedOneCsv);
}

// FNV-1a 64 of a text: a short fingerprint for the bytes of a generated set.
uint64_t fingerprint(const std::string& text) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) hash = (hash ^ c) * 1099511628211ull;
  return hash;
}

TEST(ToolcallDataBytes, EarlierMixesKeepTheirBytes) {
  // Fingerprints of 200 conversations (seed 5) of each earlier mix, taken before the v7 mix was
  // added: the data of datebot v1-v6 stays reproducible byte for byte.
  EXPECT_EQ(fingerprint(toolcall_data_jsonl(generate(5, 200, false), "sys")),
            0xe72b020ebc226d9aull);
  EXPECT_EQ(fingerprint(toolcall_data_jsonl(generate(5, 200, false, "mix", true), "sys")),
            0x8910e0c628d1f477ull);
  EXPECT_EQ(fingerprint(toolcall_data_jsonl(generate(5, 200, false, "mix", true, true), "sys")),
            0x5028e2e59510a63eull);
  EXPECT_EQ(
      fingerprint(toolcall_data_jsonl(generate(5, 200, false, "mix", true, true, true), "sys")),
      0xdb3948979158f7a0ull);
  EXPECT_EQ(fingerprint(toolcall_data_csv(generate(5, 200, true, "en"))), 0xfd9207dc7f4981cdull);
}

// ---- Calls and results --------------------------------------------------------------------------

TEST(ToolcallDataCallText, IsTheCanonicalSerialisation) {
  EXPECT_EQ(
      toolcall_data_call_text("add_days", {{"days", 100}, {"date", "2026-02-20"}}),
      R"(<tool_call>{"name": "add_days", "arguments": {"date": "2026-02-20", "days": 100}}</tool_call>)");
  EXPECT_EQ(toolcall_data_call_text("weekday", {{"date", "2026-02-20"}}),
            R"(<tool_call>{"name": "weekday", "arguments": {"date": "2026-02-20"}}</tool_call>)");
  EXPECT_EQ(toolcall_data_call_text("today", json::object()),
            R"(<tool_call>{"name": "today", "arguments": {}}</tool_call>)");
  EXPECT_EQ(
      toolcall_data_call_text("note", {{"text", "월요일 \"a\""}, {"tags", {1, 2}}}),
      R"(<tool_call>{"name": "note", "arguments": {"tags": [1, 2], "text": "월요일 \"a\""}}</tool_call>)");
}

TEST_F(ToolcallData, EveryCallParsesAndTheToolsReproduceEveryResult) {
  int steps = 0;
  for (const ToolcallConversation& c : generate(3, 1500, false)) {
    for (const ToolcallTurn& turn : c.turns) {
      ASSERT_FALSE(turn.steps.empty());
      for (const ToolcallStep& step : turn.steps) {
        const ParsedReply reply = parse_tool_calls(step.call_text, ToolCallSyntax{});
        ASSERT_EQ(reply.calls.size(), 1u) << step.call_text;
        ASSERT_TRUE(reply.calls[0].ok()) << reply.calls[0].error;
        EXPECT_EQ(reply.content, "");
        EXPECT_EQ(reply.calls[0].name, step.name);
        EXPECT_EQ(reply.calls[0].arguments, step.arguments);
        EXPECT_EQ(step.call_text, toolcall_data_call_text(step.name, step.arguments));
        EXPECT_EQ(rerun(step), step.result_text) << step.call_text;
        steps++;
      }
      EXPECT_EQ(json::parse(turn.steps.back().result_text).at("date"), turn.answer_date);
    }
  }
  EXPECT_GT(steps, 1500);
}

TEST_F(ToolcallData, EachIntentCallsTheRightTools) {
  for (const ToolcallConversation& c : generate(4, 800, false)) {
    for (size_t t = 0; t < c.turns.size(); t++) {
      const ToolcallTurn& turn = c.turns[t];
      const std::string where = turn.user;
      switch (turn.intent) {
        case ToolcallIntent::kWeekday:
          ASSERT_EQ(turn.steps.size(), 1u) << where;
          EXPECT_EQ(turn.steps[0].name, "weekday") << where;
          break;
        case ToolcallIntent::kAddDays:
        case ToolcallIntent::kFollowUp:
          ASSERT_EQ(turn.steps.size(), 1u) << where;
          EXPECT_EQ(turn.steps[0].name, "add_days") << where;
          EXPECT_NE(turn.steps[0].arguments.at("days"), 0) << where;
          break;
        case ToolcallIntent::kToday:
          ASSERT_EQ(turn.steps.size(), 1u) << where;
          EXPECT_EQ(turn.steps[0].name, "today") << where;
          break;
        case ToolcallIntent::kTodayAddDays: {
          ASSERT_EQ(turn.steps.size(), 2u) << where;
          EXPECT_EQ(turn.steps[0].name, "today") << where;
          EXPECT_EQ(turn.steps[0].arguments, json::object()) << where;
          EXPECT_EQ(turn.steps[1].name, "add_days") << where;
          const std::string today = json::parse(turn.steps[0].result_text).at("date");
          EXPECT_EQ(turn.steps[1].arguments.at("date"), today) << where;
          break;
        }
        case ToolcallIntent::kFollowUpSameAs:
          ASSERT_EQ(turn.steps.size(), 1u) << where;
          ASSERT_GT(t, 0u);
          EXPECT_EQ(turn.steps[0].name, c.turns[t - 1].steps.back().name) << where;
          if (turn.steps[0].name == "add_days") {
            EXPECT_EQ(turn.steps[0].arguments.at("days"),
                      c.turns[t - 1].steps.back().arguments.at("days"));
          }
          break;
      }
    }
  }
}

TEST_F(ToolcallData, FollowUpsStartFromThePreviousAnswer) {
  int follow_ups = 0;
  for (const ToolcallConversation& c : generate(5, 1500, false)) {
    if (c.intent != ToolcallIntent::kFollowUp) {
      EXPECT_EQ(c.turns.size(), 1u);
      continue;
    }
    ASSERT_GE(c.turns.size(), 2u);
    ASSERT_LE(c.turns.size(), 3u);
    bool has_relative = false;
    for (size_t t = 1; t < c.turns.size(); t++) {
      if (c.turns[t].intent != ToolcallIntent::kFollowUp) continue;
      has_relative = true;
      follow_ups++;
      const ToolcallTurn& before = c.turns[t - 1];
      const std::string from = c.turns[t].steps[0].arguments.at("date");
      EXPECT_EQ(from, before.answer_date) << c.turns[t].user;
      // The previous answer said that date (or, for a weekday question, named its weekday).
      const CalendarDate date = CalendarDate::parse(from);
      EXPECT_TRUE(names_date(before.answer, date) || names_weekday(before.answer, date))
          << before.answer;
    }
    EXPECT_TRUE(has_relative) << c.turns[0].user;
  }
  EXPECT_GT(follow_ups, 200);
}

// ---- Answers ------------------------------------------------------------------------------------

TEST_F(ToolcallData, EveryAnswerNamesTheResultInAnAcceptedForm) {
  for (const ToolcallConversation& c : generate(6, 2000, false)) {
    for (const ToolcallTurn& turn : c.turns) {
      const CalendarDate date = CalendarDate::parse(turn.answer_date);
      const bool asks_weekday =
          turn.steps.back().name == "weekday" || turn.steps.back().name == "today";
      if (asks_weekday) {
        EXPECT_TRUE(names_date(turn.answer, date) || names_weekday(turn.answer, date))
            << turn.user << " -> " << turn.answer;
      } else {
        EXPECT_TRUE(names_date(turn.answer, date)) << turn.user << " -> " << turn.answer;
      }
    }
  }
}

TEST_F(ToolcallData, AnswersAreInTheQuestionsLanguage) {
  for (const ToolcallConversation& c : generate(7, 1000, false)) {
    for (const ToolcallTurn& turn : c.turns) {
      bool hangul = false;
      for (unsigned char ch : turn.answer) hangul = hangul || ch >= 0xEA;
      EXPECT_EQ(hangul, c.language == ToolcallLanguage::kKorean) << turn.answer;
      bool question_hangul = false;
      for (unsigned char ch : turn.user) question_hangul = question_hangul || ch >= 0xEA;
      EXPECT_EQ(question_hangul, c.language == ToolcallLanguage::kKorean) << turn.user;
    }
  }
}

TEST_F(ToolcallData, TheEvaluatorScoresEveryCsvRowAsCorrect) {
  for (const ToolcallConversation& c : generate(8, 1000, true)) {
    const ToolcallTurn& turn = c.turns.at(0);
    const ToolCallExpectation expected =
        toolcall_expectation(turn.steps.at(0).call_text, turn.steps.at(0).result_text);
    EXPECT_TRUE(toolcall_call_matches(expected, turn.steps[0].name, turn.steps[0].arguments));
    EXPECT_TRUE(toolcall_answer_matches(expected, turn.answer)) << turn.answer;
  }
}

TEST_F(ToolcallData, KoreanParticlesFollowTheWordBefore) {
  // "일" ends in a consonant: 일은/일이/일을, never 일는/일가/일를; 후/뒤 end in a vowel.
  for (const ToolcallConversation& c : generate(9, 3000, false, "ko")) {
    for (const ToolcallTurn& turn : c.turns) {
      for (const std::string& text : {turn.user, turn.answer}) {
        for (const char* wrong : {"일는", "일를", "일가 ", "일예요", "일야?", "후은", "뒤은",
                                  "후이", "뒤이", "전는", "전가 ", "요일가 ", "요일예요"}) {
          EXPECT_FALSE(contains(text, wrong)) << wrong << " in: " << text;
        }
      }
    }
  }
}

// ---- Variety
// --------------------------------------------------------------------------------------

TEST(ToolcallDataVariety, ManyShapesBothLanguagesAllIntents) {
  const std::vector<ToolcallConversation> rows = generate(10, 2000, true);
  std::set<std::string> shapes;
  int korean = 0;
  for (const ToolcallConversation& c : rows) {
    shapes.insert(shape(c.turns[0].user));
    if (c.language == ToolcallLanguage::kKorean) korean++;
  }
  EXPECT_GE(shapes.size(), 300u);
  EXPECT_GT(korean, 1000);  // about 60%
  EXPECT_LT(korean, 1400);

  std::map<ToolcallIntent, int> intents;
  for (const ToolcallConversation& c : generate(10, 2000, false))
    for (const ToolcallTurn& turn : c.turns) intents[turn.intent]++;
  for (ToolcallIntent intent :
       {ToolcallIntent::kWeekday, ToolcallIntent::kAddDays, ToolcallIntent::kToday,
        ToolcallIntent::kTodayAddDays, ToolcallIntent::kFollowUp, ToolcallIntent::kFollowUpSameAs})
    EXPECT_GT(intents[intent], 40) << toolcall_intent_name(intent);
}

TEST(ToolcallDataVariety, DateSpellingsAndUnitsVary) {
  std::string all;
  for (const ToolcallConversation& c : generate(13, 3000, true)) all += c.turns[0].user + "\n";
  for (const char* form : {"년 ", "월 ", ". ", "/", "-", "주", "이틀", "열흘", "weeks", "a week",
                           "February", "Feb ", "th of ", "?", "요?", "니까?", "야?", "알려줘"})
    EXPECT_TRUE(contains(all, form)) << form;
}

// Shares of English turns that say the count in weeks, in number words, and of follow-up turns.
struct CountForms {
  double weeks = 0, words = 0, follow_ups = 0;
};

CountForms count_forms(const std::vector<ToolcallConversation>& conversations) {
  const std::regex weeks(R"(\b(weeks?|wks|fortnight)\b)");
  const std::regex words(
      R"(\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+teen|twenty|thirty|)"
      R"(forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand)\b)",
      std::regex::icase);
  CountForms shares;
  int turns = 0;
  for (const ToolcallConversation& c : conversations) {
    for (const ToolcallTurn& turn : c.turns) {
      turns++;
      if (std::regex_search(turn.user, weeks)) shares.weeks++;
      if (std::regex_search(turn.user, words)) shares.words++;
      if (turn.intent == ToolcallIntent::kFollowUp) shares.follow_ups++;
    }
  }
  shares.weeks /= turns;
  shares.words /= turns;
  shares.follow_ups /= turns;
  return shares;
}

TEST_F(ToolcallData, HardCountsMixAsksTheHardCasesMoreOftenAndStaysRight) {
  const CountForms usual = count_forms(generate(16, 3000, false, "en"));
  const std::vector<ToolcallConversation> hard_mix = generate(16, 3000, false, "en", true);
  const CountForms hard = count_forms(hard_mix);
  EXPECT_GT(hard.weeks, 1.5 * usual.weeks) << usual.weeks << " -> " << hard.weeks;
  EXPECT_GT(hard.words, 1.5 * usual.words) << usual.words << " -> " << hard.words;
  EXPECT_GT(hard.follow_ups, 1.2 * usual.follow_ups)
      << usual.follow_ups << " -> " << hard.follow_ups;
  // Other odds, same correctness: every call reproduces its result, every answer names it.
  for (size_t i = 0; i < 400; i++) {
    for (const ToolcallTurn& turn : hard_mix[i].turns) {
      for (const ToolcallStep& step : turn.steps) EXPECT_EQ(rerun(step), step.result_text);
      EXPECT_TRUE(names_date(turn.answer, CalendarDate::parse(turn.answer_date)) ||
                  names_weekday(turn.answer, CalendarDate::parse(turn.answer_date)))
          << turn.user << " -> " << turn.answer;
    }
  }
  // Korean too: the mix is an option of the generator, not of one language.
  EXPECT_NE(toolcall_data_jsonl(generate(16, 200, false, "ko"), ""),
            toolcall_data_jsonl(generate(16, 200, false, "ko", true), ""));
}

// Share of user turns whose text matches `pattern`.
double share_matching(const std::vector<ToolcallConversation>& conversations,
                      const std::regex& pattern) {
  int turns = 0, matching = 0;
  for (const ToolcallConversation& c : conversations) {
    for (const ToolcallTurn& turn : c.turns) {
      turns++;
      if (std::regex_search(turn.user, pattern)) matching++;
    }
  }
  return static_cast<double>(matching) / turns;
}

TEST_F(ToolcallData, HardDatesMixSpellsDatesTheRarerWaysMoreOftenAndStaysRight) {
  const std::regex month_day_year(R"(\b\d{1,2}/\d{1,2}/\d{4}\b)");
  const std::regex lower_month(
      R"(\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d)");
  const std::vector<ToolcallConversation> usual_en = generate(17, 3000, false, "en");
  const std::vector<ToolcallConversation> hard_en = generate(17, 3000, false, "en", false, true);
  EXPECT_GT(share_matching(hard_en, month_day_year),
            1.5 * share_matching(usual_en, month_day_year));
  EXPECT_GT(share_matching(hard_en, lower_month), 1.5 * share_matching(usual_en, lower_month));
  // Korean: the spaced-dot and slashed spellings ("1993. 2. 28.", "1993/02/28").
  const std::regex korean_rare(R"(\d{4}(\. \d{1,2}\. \d{1,2}|/\d{1,2}/\d{1,2}))");
  const std::vector<ToolcallConversation> usual_ko = generate(17, 3000, false, "ko");
  const std::vector<ToolcallConversation> hard_ko = generate(17, 3000, false, "ko", false, true);
  EXPECT_GT(share_matching(hard_ko, korean_rare), 1.5 * share_matching(usual_ko, korean_rare));
  // Other odds, same correctness; and the flag composes with --hard-counts.
  for (const auto* mix : {&hard_en, &hard_ko}) {
    for (size_t i = 0; i < 300; i++) {
      for (const ToolcallTurn& turn : (*mix)[i].turns) {
        for (const ToolcallStep& step : turn.steps) EXPECT_EQ(rerun(step), step.result_text);
        EXPECT_TRUE(names_date(turn.answer, CalendarDate::parse(turn.answer_date)) ||
                    names_weekday(turn.answer, CalendarDate::parse(turn.answer_date)))
            << turn.user << " -> " << turn.answer;
      }
    }
  }
  EXPECT_NE(toolcall_data_jsonl(generate(18, 200, false, "mix", true), ""),
            toolcall_data_jsonl(generate(18, 200, false, "mix", true, true), ""));
}

TEST_F(ToolcallData, StatedDatesMixStatesTheDateFirstAndAsksAboutThatDay) {
  // English: "My flight is on Aug 22, 2026. What day is that?"; "Add 250 days to 5 January 2027".
  const std::regex that_day(R"(\. (What day|What day of the week|Which weekday|What weekday|)"
                            R"(Which day of the week)[^.]* (that|it)\b)");
  const std::regex plus_minus(R"(\d (plus|minus) )");  // "2026-03-01 plus 100 days"
  const std::vector<ToolcallConversation> usual_en = generate(19, 2000, false, "en");
  const std::vector<ToolcallConversation> stated_en =
      generate(19, 2000, false, "en", false, false, true);
  EXPECT_GT(share_matching(stated_en, that_day), 5 * share_matching(usual_en, that_day) + 0.02);
  EXPECT_GT(share_matching(stated_en, plus_minus), 2 * share_matching(usual_en, plus_minus));
  // Korean: "결혼식이 2027년 10월 23일인데 그날 무슨 요일이야?"
  const std::regex stated_ko(R"((인데|잡혔는데|\.) ?(그날|그 날))");
  const std::vector<ToolcallConversation> usual_ko = generate(19, 2000, false, "ko");
  const std::vector<ToolcallConversation> stated_ko_mix =
      generate(19, 2000, false, "ko", false, false, true);
  EXPECT_GT(share_matching(stated_ko_mix, stated_ko),
            3 * share_matching(usual_ko, stated_ko) + 0.02);
  // The call is still the date the question states: every first turn of a stated weekday
  // question names its date's year, and the calls reproduce their results.
  for (const auto* mix : {&stated_en, &stated_ko_mix}) {
    for (size_t i = 0; i < 400; i++) {
      const ToolcallTurn& turn = (*mix)[i].turns[0];
      for (const ToolcallStep& step : turn.steps) EXPECT_EQ(rerun(step), step.result_text);
      if (turn.intent == ToolcallIntent::kWeekday || turn.intent == ToolcallIntent::kAddDays) {
        const std::string date = turn.steps[0].arguments.at("date").get<std::string>();
        EXPECT_NE(turn.user.find(date.substr(0, 4)), std::string::npos)
            << turn.user << " / " << date;
      }
      EXPECT_TRUE(names_date(turn.answer, CalendarDate::parse(turn.answer_date)) ||
                  names_weekday(turn.answer, CalendarDate::parse(turn.answer_date)))
          << turn.user << " -> " << turn.answer;
    }
  }
}

TEST(ToolcallDataVariety, LanguageOptionIsObeyed) {
  for (const ToolcallConversation& c : generate(14, 200, false, "en"))
    EXPECT_EQ(c.language, ToolcallLanguage::kEnglish);
  for (const ToolcallConversation& c : generate(14, 200, false, "ko"))
    EXPECT_EQ(c.language, ToolcallLanguage::kKorean);
}

// ---- Output formats
// -------------------------------------------------------------------------------

TEST(ToolcallDataCsv, ReadsBackFieldForField) {
  const std::vector<ToolcallConversation> rows = generate(15, 500, true);
  const std::vector<std::vector<std::string>> records = read_csv(toolcall_data_csv(rows));
  ASSERT_EQ(records.size(), rows.size() + 1);
  EXPECT_EQ(records[0], (std::vector<std::string>{"user_input", "tool_call_output",
                                                  "tool_call_result", "final_output"}));
  bool saw_comma_in_answer = false;
  for (size_t i = 0; i < rows.size(); i++) {
    const ToolcallTurn& turn = rows[i].turns[0];
    ASSERT_EQ(records[i + 1].size(), 4u) << i;
    EXPECT_EQ(records[i + 1][0], turn.user);
    EXPECT_EQ(records[i + 1][1], turn.steps[0].call_text);
    EXPECT_EQ(records[i + 1][2], turn.steps[0].result_text);
    EXPECT_EQ(records[i + 1][3], turn.answer);
    saw_comma_in_answer = saw_comma_in_answer || contains(turn.answer, ",");
  }
  EXPECT_TRUE(saw_comma_in_answer);  // the quoting was exercised
}

TEST(ToolcallDataCsv, OnlySingleCallIntents) {
  for (const ToolcallConversation& c : generate(16, 500, true)) {
    EXPECT_TRUE(c.intent == ToolcallIntent::kWeekday || c.intent == ToolcallIntent::kAddDays);
    EXPECT_EQ(c.turns.size(), 1u);
  }
}

TEST(ToolcallDataCsv, RefusesConversationsARowCannotHold) {
  std::vector<ToolcallConversation> conversations;
  for (const ToolcallConversation& c : generate(17, 200, false)) {
    if (c.turns.size() > 1) {
      conversations = {c};
      break;
    }
  }
  ASSERT_EQ(conversations.size(), 1u);
  try {
    toolcall_data_csv(conversations);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_TRUE(contains(e.what(), "conversation 0 (follow_up)")) << e.what();
    EXPECT_TRUE(contains(e.what(), "write JSONL")) << e.what();
  }
}

TEST(ToolcallDataJsonl, LinesHoldTheConversationAsMessages) {
  const std::vector<ToolcallConversation> conversations = generate(18, 300, false);
  const std::string text = toolcall_data_jsonl(conversations, "You are datebot.");
  size_t start = 0;
  for (const ToolcallConversation& c : conversations) {
    const size_t end = text.find('\n', start);
    ASSERT_NE(end, std::string::npos);
    const json line = json::parse(text.substr(start, end - start));
    start = end + 1;
    EXPECT_EQ(line.at("intent"), toolcall_intent_name(c.intent));
    EXPECT_EQ(line.at("language"), toolcall_language_name(c.language));
    const ChatMessages expected = toolcall_data_messages(c, "You are datebot.");
    const json& messages = line.at("messages");
    ASSERT_EQ(messages.size(), expected.size());
    EXPECT_EQ(messages[0].at("role"), "system");
    EXPECT_EQ(messages[0].at("content"), "You are datebot.");
    for (size_t i = 0; i < expected.size(); i++) {
      EXPECT_EQ(messages[i].at("role"), expected[i].role);
      EXPECT_EQ(messages[i].at("content"), expected[i].content);
      EXPECT_EQ(messages[i].value("name", ""), expected[i].name);
      if (expected[i].role == "tool") {
        EXPECT_FALSE(expected[i].name.empty());
        EXPECT_EQ(expected[i - 1].role, "assistant");
        EXPECT_EQ(expected[i - 1].content.rfind("<tool_call>", 0), 0u);
      }
    }
    EXPECT_EQ(messages.back().at("role"), "assistant");
  }
  EXPECT_EQ(start, text.size());
}

TEST(ToolcallDataJsonl, NoSystemMessageByDefault) {
  for (const ToolcallConversation& c : generate(19, 50, false)) {
    const ChatMessages messages = toolcall_data_messages(c, "");
    ASSERT_FALSE(messages.empty());
    EXPECT_EQ(messages[0].role, "user");
  }
}

// ---- Options
// --------------------------------------------------------------------------------------

TEST(ToolcallDataOptions, RejectsBadOptionsByName) {
  ToolcallDataOptions options;
  options.count = 0;
  try {
    toolcall_data_generate(options);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "toolcall data: count must be >= 1, got 0");
  }
  options.count = 1;
  options.languages = "fr";
  try {
    toolcall_data_generate(options);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "toolcall data: languages must be ko, en or mix, got 'fr'");
  }
}

}  // namespace
}  // namespace tunedeck
