// The shipped demo model, etc/models/datebot, as a user meets it: the README's two example
// questions through `tunedeck ask`, and `tunedeck eval toolcalls` on a fresh sample (a seed the
// model never trained on) holding the accuracy it has. A regression in the engine, the template,
// the tools or the model files shows up here.
// The sample is held to datebot's bar (call 98%, answer 95%, follow-ups 90%), which the shipped
// model meets (etc/models/datebot/README.md).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/test_support.h"

namespace tunedeck {
namespace {

using nlohmann::json;
using testing::CommandResult;

// Runs tunedeck with the shipped config only (no per-user files) and a scratch database.
class Datebot : public ::testing::Test {
 protected:
  CommandResult tunedeck(std::vector<std::string> args) {
    args.insert(args.begin(), "tunedeck");
    return testing::run_command(
        args, "",
        {"XDG_CONFIG_HOME=" + dir_.file("config"), "XDG_DATA_HOME=" + dir_.file("data"),
         "TUNEDECK_TODAY=2026-11-28"});
  }
  json ask(const std::string& question) {
    const CommandResult r = tunedeck({"ask", "--json", "--db", dir_.file("m.db"), question});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return json::parse(r.out);
  }
  testing::ScratchDir dir_;
};

TEST_F(Datebot, IsTheDefaultModel) {
  const json out = ask("What day of the week is 2026-11-28?");
  EXPECT_EQ(out["model"]["template"], "tunedeck");
  EXPECT_NE(out["model"]["dir"].get<std::string>().find("etc/models/datebot"), std::string::npos)
      << out.dump();
}

TEST_F(Datebot, KoreanWeekdayQuestionCallsWeekdayWithTheDate) {
  const json out = ask("2026년 2월 20일은 무슨 요일이야?");
  ASSERT_EQ(out["outcome"], "answered") << out.dump(2);
  ASSERT_FALSE(out["steps"].empty());
  ASSERT_FALSE(out["steps"][0]["calls"].empty()) << out.dump(2);
  const json& call = out["steps"][0]["calls"][0];
  EXPECT_EQ(call["name"], "weekday");
  EXPECT_EQ(call["arguments"], json({{"date", "2026-02-20"}}));
  EXPECT_EQ(call["result"]["weekday"], "금요일");
  const std::string answer = out["answer"].get<std::string>();
  EXPECT_NE(answer.find("금요일"), std::string::npos) << answer;
}

TEST_F(Datebot, EnglishAddDaysQuestionCallsAddDaysWithDateAndCount) {
  const json out = ask("What date is 10 days after 2026-12-25?");
  ASSERT_EQ(out["outcome"], "answered") << out.dump(2);
  ASSERT_FALSE(out["steps"][0]["calls"].empty()) << out.dump(2);
  const json& call = out["steps"][0]["calls"][0];
  EXPECT_EQ(call["name"], "add_days");
  EXPECT_EQ(call["arguments"], json({{"date", "2026-12-25"}, {"days", 10}}));
  EXPECT_EQ(call["result"]["date"], "2027-01-04");
  const std::string answer = out["answer"].get<std::string>();
  EXPECT_TRUE(answer.find("2027-01-04") != std::string::npos ||
              answer.find("January 4, 2027") != std::string::npos)
      << answer;
}

TEST_F(Datebot, HoldsItsMeasuredAccuracyOnAFreshSample) {
  const std::string data = dir_.file("fresh.jsonl");
  const CommandResult made = tunedeck({"data", "toolcalls", "--out", data, "--n", "150", "--seed",
                                       "20261128", "--format", "jsonl"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const CommandResult r = tunedeck({"eval", "toolcalls", "--data", data, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json out = json::parse(r.out);
  const std::string failures = out["failures"].dump(2);
  EXPECT_EQ(out["rows"], 150);
  // The bar the shipped datebot holds. On this sample (greedy, so the same every run on this kind
  // of machine) it scores:
  // call 98.0% (197 of 201 turns), answer 98.0%, follow-up turns 96.1%; on 500 fresh
  // conversations of seed 2: 97.6% / 97.3% / 93.8%, of seed 7: 98.7% / 98.6% / 97.7%.
  // One more wrong call here fails the test: a change of kernels, BLAS or template that flips an
  // answer shows up at once.
  EXPECT_GE(out["call_accuracy"].get<double>(), 0.98) << failures;
  EXPECT_GE(out["answer_accuracy"].get<double>(), 0.95) << failures;
  ASSERT_GT(out["follow_ups"]["turns"].get<int>(), 10);
  EXPECT_GE(out["follow_ups"]["turn_accuracy"].get<double>(), 0.90) << failures;
}

}  // namespace
}  // namespace tunedeck
