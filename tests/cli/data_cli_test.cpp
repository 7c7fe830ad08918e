// `tunedeck data toolcalls`, run as the real binary.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "tests/test_support.h"

namespace tunedeck {
namespace {

using nlohmann::json;
using testing::CommandResult;
using testing::read_file;
using testing::run_command;

class DataCli : public ::testing::Test {
 protected:
  CommandResult tunedeck(std::vector<std::string> args) {
    args.insert(args.begin(), {"tunedeck", "data"});
    return run_command(args);
  }
  // The texts of 300 English conversations of seed 4 without and with a mix flag: same seed,
  // other odds, so a count over each says what the flag changed.
  std::pair<std::string, std::string> usual_and(const std::string& flag) {
    const std::string usual = dir_.file("usual.jsonl"), mixed = dir_.file("mixed.jsonl");
    const std::vector<std::string> common = {"--n", "300", "--seed", "4", "--lang", "en"};
    std::vector<std::string> plain = {"toolcalls", "--out", usual},
                             with = {"toolcalls", "--out", mixed, flag};
    plain.insert(plain.end(), common.begin(), common.end());
    with.insert(with.end(), common.begin(), common.end());
    const CommandResult a = tunedeck(plain), b = tunedeck(with);
    EXPECT_EQ(a.exit_code, 0) << a.err;
    EXPECT_EQ(b.exit_code, 0) << b.err;
    return {read_file(usual), read_file(mixed)};
  }
  testing::ScratchDir dir_;
};

long matches(const std::string& text, const std::regex& form) {
  return std::distance(std::sregex_iterator(text.begin(), text.end(), form),
                       std::sregex_iterator());
}

size_t count_lines(const std::string& text) {
  size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_F(DataCli, WritesTheSeedCsvAndSummarises) {
  const std::string out = dir_.file("rows.csv");
  const CommandResult r = tunedeck({"toolcalls", "--out", out, "--n", "40", "--seed", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string csv = read_file(out);
  EXPECT_EQ(csv.rfind("user_input,tool_call_output,tool_call_result,final_output\n", 0), 0u);
  EXPECT_EQ(count_lines(csv), 41u);  // header + 40 rows (no line breaks inside fields)
  EXPECT_TRUE(contains(csv, R"(""name"": ""weekday"")")) << csv.substr(0, 400);
  EXPECT_TRUE(contains(
      r.out, "wrote 40 rows (csv, " + std::to_string(csv.size()) + " bytes, seed 3) to " + out))
      << r.out;
  EXPECT_TRUE(contains(r.out, "intent")) << r.out;
  EXPECT_TRUE(contains(r.out, "add_days")) << r.out;
  EXPECT_TRUE(contains(r.out, "weekday")) << r.out;
  EXPECT_FALSE(contains(r.out, "follow_up")) << r.out;  // CSV rows hold one call
}

TEST_F(DataCli, SameFlagsWriteTheSameBytes) {
  const std::string a = dir_.file("a.jsonl"), b = dir_.file("b.jsonl"), c = dir_.file("c.jsonl");
  ASSERT_EQ(tunedeck({"toolcalls", "--out", a, "--n", "60", "--seed", "9"}).exit_code, 0);
  ASSERT_EQ(tunedeck({"toolcalls", "--out", b, "--n", "60", "--seed", "9"}).exit_code, 0);
  ASSERT_EQ(tunedeck({"toolcalls", "--out", c, "--n", "60", "--seed", "10"}).exit_code, 0);
  EXPECT_EQ(read_file(a), read_file(b));
  EXPECT_NE(read_file(a), read_file(c));
}

TEST_F(DataCli, JsonlByExtensionWithSystemPromptAndLanguage) {
  const std::string out = dir_.file("chat.jsonl");
  const CommandResult r = tunedeck(
      {"toolcalls", "--out", out, "--n", "80", "--lang", "en", "--system", "You are datebot."});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "wrote 80 conversations (jsonl")) << r.out;
  const std::string text = read_file(out);
  ASSERT_EQ(count_lines(text), 80u);
  size_t start = 0;
  bool saw_follow_up = false;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    const json line = json::parse(text.substr(start, end - start));
    start = end + 1;
    EXPECT_EQ(line.at("language"), "en");
    EXPECT_EQ(line.at("messages").at(0).at("role"), "system");
    EXPECT_EQ(line.at("messages").at(0).at("content"), "You are datebot.");
    saw_follow_up = saw_follow_up || line.at("intent") == "follow_up";
  }
  EXPECT_TRUE(saw_follow_up);
}

TEST_F(DataCli, HardCountsFlagWritesTheHardMix) {
  // More counts in weeks, as datebot's stage-3 data (etc/train): " weeks", "a week", not "weekday".
  const auto [usual, hard] = usual_and("--hard-counts");
  const std::regex weeks(R"( weeks|a week\b)");
  EXPECT_GT(matches(hard, weeks), matches(usual, weeks) * 3 / 2)
      << matches(usual, weeks) << " vs " << matches(hard, weeks);
}

TEST_F(DataCli, HardDatesFlagSpellsMonthDayYearMoreOften) {
  const auto [usual, hard] = usual_and("--hard-dates");
  const std::regex month_day_year(R"(\b\d{1,2}/\d{1,2}/\d{4}\b)");  // "2/28/1993", "02/28/1993"
  EXPECT_GT(matches(hard, month_day_year), matches(usual, month_day_year) * 3 / 2)
      << matches(usual, month_day_year) << " vs " << matches(hard, month_day_year);
}

TEST_F(DataCli, StatedDatesFlagAsksAboutThatDay) {
  const auto [usual, stated] = usual_and("--stated-dates");
  const std::regex that_day(R"(\d\. (What day|Which weekday|What day of the week)[^"]* that)");
  EXPECT_EQ(matches(usual, that_day), 0);  // "… 2026. What day is that?"
  EXPECT_GT(matches(stated, that_day), 3);
}

TEST_F(DataCli, FormatFlagOverridesTheExtension) {
  const std::string out = dir_.file("data.txt");
  ASSERT_EQ(tunedeck({"toolcalls", "--out", out, "--n", "5", "--format", "jsonl"}).exit_code, 0);
  EXPECT_EQ(read_file(out).rfind("{\"messages\":", 0), 0u);
}

TEST_F(DataCli, MistakesAreUsageErrors) {
  const std::string out = dir_.file("x.csv");
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"toolcalls"}, "--out FILE is required"},
      {{"--out", out}, "expected what to write: toolcalls"},
      {{"recipes", "--out", out}, "unknown data kind 'recipes' (known: toolcalls)"},
      {{"toolcalls", "--out", out, "--format", "xml"}, "--format must be csv or jsonl, got 'xml'"},
      {{"toolcalls", "--out", out, "--lang", "fr"}, "--lang must be ko, en or mix, got 'fr'"},
      {{"toolcalls", "--out", out, "--n", "0"}, "--n must be >= 1, got 0"},
      {{"toolcalls", "--out", out, "--system", "hi"}, "--system applies to --format jsonl only"},
      {{"toolcalls", "--out", out, "--bogus"}, "--bogus"},
  };
  for (const Case& c : cases) {
    const CommandResult r = tunedeck(c.args);
    EXPECT_EQ(r.exit_code, 2) << c.message << "\n" << r.err;
    EXPECT_TRUE(contains(r.err, c.message)) << r.err;
  }
}

TEST_F(DataCli, AnUnwritablePathFailsAndNamesIt) {
  const std::string out = dir_.file("missing-dir/rows.csv");
  const CommandResult r = tunedeck({"toolcalls", "--out", out, "--n", "3"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(contains(r.err, "missing-dir")) << r.err;
}

}  // namespace
}  // namespace tunedeck
