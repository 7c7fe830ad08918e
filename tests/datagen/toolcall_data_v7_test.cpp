// The v7 mix: reproducible bytes, results the real tools reproduce with the conversation's today,
// the shared conventions (relative words, holidays, follow-ups on the previous answer), every kind
// in both languages, no-tool turns without calls, and answers the evaluator accepts.
#include "datagen/toolcall_data_v7.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "agent/builtin_tools.h"
#include "agent/tool_call_parser.h"
#include "agent/tool_registry.h"
#include "datagen/toolcall_eval_run.h"
#include "datagen/toolcall_phrasing_v7.h"

namespace tunedeck {
namespace {

using nlohmann::json;

std::vector<ToolcallConversation> generate(uint64_t seed, int count,
                                           const std::string& languages = "mix") {
  ToolcallDataOptions options;
  options.mix = "v7";
  options.seed = seed;
  options.count = count;
  options.languages = languages;
  return toolcall_data_generate(options);
}

const std::vector<ToolcallConversation>& sample() {
  static const std::vector<ToolcallConversation> conversations = generate(7, 3000);
  return conversations;
}

TEST(ToolcallDataV7, SameSeedSameBytesOtherSeedOtherBytes) {
  EXPECT_EQ(toolcall_data_jsonl(generate(4, 300), "s"), toolcall_data_jsonl(generate(4, 300), "s"));
  EXPECT_NE(toolcall_data_jsonl(generate(4, 50), "s"), toolcall_data_jsonl(generate(5, 50), "s"));
}

TEST(ToolcallDataV7, ResultsAreTheToolsWithTheConversationsToday) {
  for (const ToolcallConversation& c : sample()) {
    ToolRegistry tools;
    register_builtin_tools(tools, fixed_today_clock(CalendarDate::parse(c.today)),
                           BuiltinToolSet::kCalendar);
    for (const ToolcallTurn& turn : c.turns) {
      for (const ToolcallStep& step : turn.steps) {
        const ParsedReply reply = parse_tool_calls(step.call_text, ToolCallSyntax{});
        ASSERT_EQ(reply.calls.size(), 1u) << step.call_text;
        EXPECT_EQ(reply.calls[0].name, step.name);
        EXPECT_EQ(reply.calls[0].arguments, step.arguments);
        const ToolResult run = tools.run({step.name, step.arguments});
        ASSERT_TRUE(run.ok()) << run.error;
        EXPECT_EQ(run.for_model().dump(), step.result_text);
      }
    }
  }
}

// Questions relative to today call `today` first and go on from what it returned.
TEST(ToolcallDataV7, TodayIsAskedNotAssumed) {
  const std::set<std::string> relative = {
      "today",        "today_add_days", "relative_day", "relative_weekday", "chain",
      "no_year_date", "days_until",     "days_since",   "follow_count"};
  int checked = 0;
  for (const ToolcallConversation& c : sample()) {
    for (const ToolcallTurn& turn : c.turns) {
      const bool by_name = turn.kind == "holiday" && turn.steps.back().name == "next_occurrence";
      if (!relative.count(turn.kind) && !by_name) continue;
      ASSERT_FALSE(turn.steps.empty());
      EXPECT_EQ(turn.steps[0].name, "today") << turn.user;
      if (turn.steps.size() > 1)
        EXPECT_NE(turn.steps[1].arguments.dump().find(c.today), std::string::npos) << turn.user;
      checked++;
    }
  }
  EXPECT_GT(checked, 1000);
}

std::string lower(std::string text) {
  for (char& c : text)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return text;
}

// The word in the question means what the call does (typos aside: they may hide the word).
TEST(ToolcallDataV7, RelativeWordsAndHolidaysFollowTheConventions) {
  int relative = 0, holidays = 0, unmatched = 0;
  for (const ToolcallConversation& c : sample()) {
    for (const ToolcallTurn& turn : c.turns) {
      const std::string user = lower(turn.user);
      if (turn.kind == "relative_day") {
        // today, then add_days {today, the word's offset}: 모레 +2, 글피 +3, 그저께 -2 ...
        ASSERT_EQ(turn.steps.size(), 2u);
        const long long days = turn.steps[1].arguments["days"];
        bool matched = false;
        for (ToolcallLanguage language : {ToolcallLanguage::kKorean, ToolcallLanguage::kEnglish})
          for (const V7RelativeDay& rel : v7_language(language).relative_days)
            if (user.find(rel.word) != std::string::npos && rel.offset == days) matched = true;
        unmatched += !matched;
        relative++;
      }
      if (turn.kind == "holiday" && turn.steps.back().name == "next_occurrence") {
        const json& args = turn.steps.back().arguments;
        bool matched = false;
        for (ToolcallLanguage language : {ToolcallLanguage::kKorean, ToolcallLanguage::kEnglish})
          for (const V7Holiday& h : v7_language(language).holidays)
            for (const char* name : h.names)
              if (user.find(lower(name)) != std::string::npos && args["month"] == h.month &&
                  args["day"] == h.day)
                matched = true;
        unmatched += !matched;
        EXPECT_EQ(args["date"], c.today);
        holidays++;
      }
    }
  }
  EXPECT_GT(relative, 100);
  EXPECT_GT(holidays, 100);
  EXPECT_LT(unmatched, (relative + holidays) / 50);
}

TEST(ToolcallDataV7, FollowUpsBuildOnThePreviousAnswer) {
  int follow_ups = 0;
  for (const ToolcallConversation& c : sample()) {
    for (size_t i = 1; i < c.turns.size(); i++) {
      const ToolcallTurn& turn = c.turns[i];
      if (turn.kind.rfind("follow_", 0) != 0 || turn.kind == "follow_count") continue;
      ASSERT_FALSE(c.turns[i - 1].answer_date.empty()) << turn.user;
      EXPECT_EQ(turn.steps[0].arguments["date"], c.turns[i - 1].answer_date) << turn.user;
      follow_ups++;
    }
    EXPECT_EQ(c.turns[0].kind.rfind("follow_", 0), std::string::npos) << c.turns[0].user;
  }
  EXPECT_GT(follow_ups, 500);
}

TEST(ToolcallDataV7, EveryKindInBothLanguagesAndManyTurns) {
  std::map<std::string, std::set<ToolcallLanguage>> kinds;
  std::map<size_t, int> lengths;
  for (const ToolcallConversation& c : sample()) {
    lengths[c.turns.size()]++;
    size_t calls = 0;
    for (const ToolcallTurn& turn : c.turns) calls += turn.steps.size();
    EXPECT_LE(calls, 7u);  // five, then one more turn of at most three: fits max_len 1024
    for (const ToolcallTurn& turn : c.turns) {
      kinds[turn.kind].insert(c.language);
      if (turn.kind == "no_tool") {
        EXPECT_TRUE(turn.steps.empty()) << turn.user;
        EXPECT_TRUE(turn.answer_date.empty());
      } else {
        EXPECT_FALSE(turn.steps.empty()) << turn.user;
      }
    }
  }
  for (const char* kind :
       {"weekday", "add_days", "today", "today_add_days", "relative_day", "relative_weekday",
        "chain", "months", "no_year_date", "holiday", "days_until", "days_since", "days_between",
        "no_tool", "follow_add", "follow_weekday", "follow_months", "follow_count",
        "follow_next_weekday"})
    EXPECT_EQ(kinds[kind].size(), 2u) << kind;
  EXPECT_GT(lengths[1], 300);
  EXPECT_GT(lengths[4], 150);
  EXPECT_GT(lengths[5], 20);
  EXPECT_EQ(lengths.count(6), 0u);
}

// Every reference turn is right by the evaluator's own checks.
TEST(ToolcallDataV7, AnswersCarryWhatTheEvaluatorExpects) {
  for (const ToolcallConversation& c : sample()) {
    std::vector<std::string> kinds;
    for (const ToolcallTurn& turn : c.turns) kinds.push_back(turn.kind);
    const EvalConversation e =
        toolcall_eval_reference_conversation(toolcall_data_messages(c, ""), kinds, "v7");
    ASSERT_EQ(e.turns.size(), c.turns.size());
    for (size_t i = 0; i < c.turns.size(); i++) {
      AgentTurnResult result;
      result.outcome = AgentOutcome::kAnswered;
      result.answer = c.turns[i].answer;
      if (!c.turns[i].steps.empty()) {
        AgentStep step;
        ToolResult first;
        first.name = c.turns[i].steps[0].name;
        first.arguments = c.turns[i].steps[0].arguments;
        step.calls.push_back(first);
        result.steps.push_back(step);
      }
      const TurnScore score = toolcall_eval_score_turn(e.turns[i], result);
      EXPECT_TRUE(score.right()) << c.turns[i].user << " -> " << c.turns[i].answer;
    }
  }
}

TEST(ToolcallDataV7, JsonlCarriesTodayAndKinds) {
  const std::string jsonl = toolcall_data_jsonl(generate(9, 1), "sys");
  const json line = json::parse(jsonl);
  EXPECT_EQ(line["today"].get<std::string>().size(), 10u);
  EXPECT_EQ(line["kinds"].size(), line["messages"].size() > 0 ? line["kinds"].size() : 0u);
  EXPECT_EQ(line["messages"][0]["role"], "system");
  EXPECT_TRUE(line["language"] == "ko" || line["language"] == "en");
}

TEST(ToolcallDataV7, LanguageOptionAndUnknownMix) {
  for (const ToolcallConversation& c : generate(2, 100, "en"))
    EXPECT_EQ(c.language, ToolcallLanguage::kEnglish);
  ToolcallDataOptions options;
  options.mix = "v8";
  try {
    toolcall_data_generate(options);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "toolcall data: mix must be v6 or v7, got 'v8'");
  }
}

TEST(ToolcallPhrasingV7, ParticlesFitTheLastSound) {
  EXPECT_EQ(v7_fill("p{w:은} ?", {{"w", "모레"}}), "모레는 ?");
  EXPECT_EQ(v7_fill("p{w:은} ?", {{"w", "내일"}}), "내일은 ?");
  EXPECT_EQ(v7_fill("p{w:이}", {{"w", "크리스마스"}}), "크리스마스가");
  EXPECT_EQ(v7_fill("p{w:으로}", {{"w", "내일"}}), "내일로");
  EXPECT_EQ(v7_fill("p{w:으로}", {{"w", "다음 주 금요일"}}), "다음 주 금요일로");
  EXPECT_EQ(v7_fill("p{w:으로}", {{"w", "광복절"}}), "광복절로");
  EXPECT_EQ(v7_fill("p{w:으로}", {{"w", "한글날"}}), "한글날로");
  EXPECT_EQ(v7_fill("p{w:은}", {{"w", "2026-03-15"}}), "2026-03-15는");
  EXPECT_EQ(v7_fill("p{w:은}", {{"w", "3/16"}}), "3/16은");
  EXPECT_EQ(v7_fill("-{w}: what date?", {{"w", "tomorrow"}}), "Tomorrow: what date?");
  EXPECT_THROW(v7_fill("p{x}", {{"w", "a"}}), std::logic_error);
}

}  // namespace
}  // namespace tunedeck
