// Scoring tool-calling turns: the answer checks (dates in every rendering, weekdays, counts), the
// held-out multi-turn format and reference conversations as expectations, and a conversation run
// turn by turn through the agent loop with a scripted model, its today as the clock.
#include "datagen/toolcall_eval.h"

#include <gtest/gtest.h>

#include "agent/builtin_tools.h"
#include "agent/chat_template.h"
#include "datagen/toolcall_data.h"
#include "datagen/toolcall_eval_run.h"
#include "tests/agent/scripted_generator.h"
#include "tests/test_support.h"

namespace tunedeck {
namespace {

using nlohmann::json;

std::string sample_path() {
  return testing::source_dir() + "/tests/datagen/data/heldout_sample.jsonl";
}

TEST(ToolcallEvalAnswer, CarriesADateInAnyRendering) {
  for (const char* answer :
       {"2026-03-20이야", "2026년 3월 20일(금요일)이에요.", "That's Friday, March 20, 2026.",
        "3월 20일 금요일이야", "It's March 20.", "March 20 (Friday)"})
    EXPECT_TRUE(toolcall_answer_has_date(answer, "2026-03-20")) << answer;
  for (const char* answer : {"2026-03-21", "3월 2일", "March 2, 2026", "March 20, 2027",
                             "2027년 3월 20일", "13월 20일이야", "March 201"})
    EXPECT_FALSE(toolcall_answer_has_date(answer, "2026-03-20")) << answer;
}

TEST(ToolcallEvalAnswer, CarriesAWeekdayInEitherLanguage) {
  EXPECT_TRUE(toolcall_answer_has_weekday("금요일이에요", 5));
  EXPECT_TRUE(toolcall_answer_has_weekday("It's a Friday.", 5));
  EXPECT_FALSE(toolcall_answer_has_weekday("It's a Thursday.", 5));
  EXPECT_FALSE(toolcall_answer_has_weekday("anything", 0));
}

TEST(ToolcallEvalAnswer, CarriesACountAsANumberOfItsOwn) {
  EXPECT_TRUE(toolcall_answer_has_count("크리스마스까지 286일 남았어요.", 286));
  EXPECT_TRUE(toolcall_answer_has_count("There are 1,234 days left.", 1234));
  EXPECT_TRUE(toolcall_answer_has_count("0일 남았어", 0));
  EXPECT_FALSE(toolcall_answer_has_count("2860 days", 286));
  EXPECT_FALSE(toolcall_answer_has_count("28.6", 286));
  EXPECT_FALSE(toolcall_answer_has_count("no number here", 1));
}

TEST(ToolcallEvalHeldout, ReadsTheSampleFile) {
  const std::vector<EvalConversation> conversations =
      toolcall_eval_read_jsonl(testing::read_file(sample_path()), "sample.jsonl");
  ASSERT_EQ(conversations.size(), 2u);
  const EvalConversation& c = conversations[0];
  EXPECT_EQ(c.id, "s-001");
  EXPECT_EQ(c.today, "2026-03-14");
  EXPECT_EQ(c.language, "ko");
  ASSERT_EQ(c.turns.size(), 4u);
  EXPECT_EQ(c.turns[0].expect.date, "2026-03-20");
  EXPECT_EQ(c.turns[0].kind, "date");
  EXPECT_FALSE(c.turns[0].follow_up);
  EXPECT_EQ(c.turns[1].expect.weekday, 5);
  EXPECT_TRUE(c.turns[1].follow_up);
  EXPECT_EQ(c.turns[2].expect.days, 286);
  EXPECT_EQ(c.turns[2].kind, "days");
  EXPECT_TRUE(c.turns[3].expect.no_tool);
  EXPECT_EQ(conversations[1].turns[1].kind, "date+weekday");
}

TEST(ToolcallEvalHeldout, SaysWhereALineBreaksTheFormat) {
  const auto problem = [](const std::string& line) {
    try {
      toolcall_eval_read_jsonl(line, "h.jsonl");
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  EXPECT_EQ(problem(R"({"turns": [{"user": "hi", "expect": {"no_tool": true}}]})"),
            "h.jsonl:1: missing \"today\" (YYYY-MM-DD)");
  EXPECT_EQ(problem(R"({"today": "2026-02-30", "turns": []})"),
            "h.jsonl:1: today: '2026-02-30': day 30 does not exist; February 2026 has 28 days "
            "(01..28)");
  EXPECT_EQ(problem(R"({"today": "2026-03-14", "turns": [{"user": "x", "expect": {"day": 3}}]})"),
            "h.jsonl:1: turns[0].expect: day: unknown key (known: date, weekday, days, no_tool)");
  EXPECT_EQ(
      problem(R"({"today": "2026-03-14", "turns": [{"user": "x", "expect": {"weekday": "Fri"}}]})"),
      "h.jsonl:1: turns[0].expect: weekday: expected an English weekday name");
  EXPECT_EQ(problem("\n[1, 2]"), "h.jsonl:2: not a JSON object");
  EXPECT_EQ(problem(R"({"today": "2026-03-14"})"),
            "h.jsonl:1: expected \"turns\" (held-out) or \"messages\" (chat)");
}

TEST(ToolcallEvalReference, ExpectsTheFirstCallAndTheLastResult) {
  ToolcallDataOptions options;
  options.mix = "v7";
  options.count = 200;
  options.seed = 3;
  const std::string jsonl = toolcall_data_jsonl(toolcall_data_generate(options), "");
  const std::vector<EvalConversation> conversations = toolcall_eval_read_jsonl(jsonl, "v7.jsonl");
  ASSERT_EQ(conversations.size(), 200u);
  int no_tool = 0, counts = 0;
  for (const EvalConversation& c : conversations) {
    EXPECT_EQ(c.today.size(), 10u);
    for (const EvalTurn& t : c.turns) {
      EXPECT_FALSE(t.kind.empty());
      EXPECT_FALSE(t.reference_answer.empty());
      if (t.expect.no_tool) {
        no_tool++;
        EXPECT_FALSE(t.expect.call);
        continue;
      }
      ASSERT_TRUE(t.expect.call) << t.question;
      EXPECT_TRUE(!t.expect.date.empty() || t.expect.days) << t.question;
      counts += t.expect.days.has_value();
    }
  }
  EXPECT_GT(no_tool, 20);
  EXPECT_GT(counts, 20);
}

// A conversation run through the agent loop: the scripted model calls today (which answers the
// conversation's today), find_weekday, then answers; follows up; miscounts; thanks without a tool.
class ToolcallEvalRun : public ::testing::Test {
 protected:
  ToolcallEvalRun() : memory_(dir_.file("memory.db")) {
    register_builtin_tools(
        tools_, [this] { return CalendarDate::parse(today_); }, BuiltinToolSet::kCalendar);
  }

  std::vector<TurnScore> run(testing::ScriptedGenerator& model,
                             const std::vector<EvalConversation>& conversations) {
    AgentLoopOptions options;
    options.max_steps = 5;
    options.max_new_tokens = 200;
    AgentLoop loop(model, template_, tools_, memory_, memory_.open_session("s"), options);
    return toolcall_eval_run(loop, conversations, [&](const EvalConversation& c, size_t i) {
      today_ = c.today;
      loop.set_session(memory_.create_session("eval-" + std::to_string(i)));
    });
  }

  testing::ScratchDir dir_;
  Memory memory_;
  ToolRegistry tools_;
  TunedeckTemplate template_;
  std::string today_ = "2000-01-01";
};

std::string call(const std::string& name, const json& arguments) {
  return "<tool_call>" + json{{"name", name}, {"arguments", arguments}}.dump() + "</tool_call>";
}

TEST_F(ToolcallEvalRun, ScoresEachTurnInItsConversation) {
  const std::vector<EvalConversation> conversations =
      toolcall_eval_read_jsonl(testing::read_file(sample_path()), "sample.jsonl");
  testing::ScriptedGenerator model({
      call("today", json::object()),
      call("find_weekday", {{"date", "2026-03-14"}, {"weekday", "Friday"}, {"rule", "next_week"}}),
      "2026년 3월 20일(금요일)이야.",
      call("weekday", {{"date", "2026-03-20"}}),
      "금요일이야.",
      call("today", json::object()),
      "크리스마스까지 280일 남았어.",  // wrong: 286
      "천만에!",
      call("today", json::object()),  // wrong: a greeting needs no tool
      "Hi! I'm datebot.",
      call("add_months", {{"date", "2027-01-31"}, {"months", 1}}),
      "That's Sunday, February 28, 2027.",
  });
  const std::vector<TurnScore> scores = run(model, conversations);
  ASSERT_EQ(scores.size(), 6u);
  EXPECT_TRUE(scores[0].right()) << scores[0].answer;
  EXPECT_TRUE(scores[1].right()) << scores[1].answer;
  EXPECT_FALSE(scores[2].answer_ok);
  EXPECT_TRUE(scores[3].right());
  EXPECT_FALSE(scores[4].call_ok);
  EXPECT_TRUE(scores[5].right()) << scores[5].answer;
  // today answered each conversation's own date.
  EXPECT_NE(model.prompt(1).find("2026-03-14"), std::string::npos);
  EXPECT_NE(model.prompt(9).find("2027-01-30"), std::string::npos);
  // The second conversation starts fresh: the first one's turns are not in its prompt.
  EXPECT_EQ(model.prompt(8).find("다음 주 금요일"), std::string::npos);

  const ToolcallEvalReport report = toolcall_eval_report(scores);
  EXPECT_EQ(report.all.turns, 6);
  EXPECT_EQ(report.all.right, 4);
  EXPECT_EQ(report.no_tool_turns.turns, 2);
  EXPECT_EQ(report.no_tool_turns.right, 1);
  EXPECT_EQ(report.kinds.at("days").right, 0);
  EXPECT_EQ(report.kinds.at("date").right, 1);
  const json out = toolcall_eval_json(report, scores);
  EXPECT_EQ(out["turns"], 6);
  EXPECT_EQ(out["no_tool_turns"]["turns"], 2);
  ASSERT_EQ(out["failures"].size(), 2u);
  EXPECT_EQ(out["failures"][0]["expected"], "days 286");
  const std::string text = toolcall_eval_text(report, scores);
  EXPECT_NE(text.find("turn accuracy     4/6 = 66.7%"), std::string::npos) << text;
  EXPECT_NE(text.find("no-tool turns     1/2 = 50.0%"), std::string::npos) << text;
  EXPECT_NE(text.find("kind days"), std::string::npos) << text;
}

}  // namespace
}  // namespace tunedeck
