// `tunedeck tokenize` end to end: the real binary on the real tokenizer folders gives the golden
// ids, decodes them back, and refuses bad input with exit status 2.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/test_support.h"

namespace tunedeck {
namespace {

using nlohmann::json;

std::string family_dir(const std::string& family) {
  return testing::shared_dir() + "/tokenizers/" + family;
}

testing::CommandResult tokenize(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"tunedeck", "tokenize"};
  argv.insert(argv.end(), args.begin(), args.end());
  return testing::run_command(argv);
}

TEST(TokenizeCli, JsonGivesTheGoldenIdsAndTheirPieces) {
  const json golden = json::parse(testing::read_file(family_dir("qwen3") + "/golden.json"));
  for (const json& c : golden["cases"]) {
    const std::string text = c["text"];
    if (text.empty()) continue;
    const auto r = tokenize({"--model", family_dir("qwen3"), "--json", "--", text});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json out = json::parse(r.out);
    EXPECT_EQ(out["ids"], c["ids"]) << text;
    EXPECT_EQ(out["pieces"].size(), c["ids"].size());
  }
}

TEST(TokenizeCli, AddSpecialAddsBosWhereTheFolderSays) {
  const auto gemma = tokenize({"--model", family_dir("gemma3"), "--add-special", "hi"});
  EXPECT_EQ(gemma.out, "2 2202\n");
  const auto qwen = tokenize({"--model", family_dir("qwen3"), "--add-special", "hi"});
  EXPECT_EQ(qwen.out, "6023\n");
  const auto plain = tokenize({"--model", family_dir("gemma3"), "hi"});
  EXPECT_EQ(plain.out, "2202\n");
}

TEST(TokenizeCli, DecodeTurnsIdsBackIntoText) {
  const auto r = tokenize({"--model", family_dir("llama3"), "--decode", "9906,1917", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["text"], "Hello world");
}

TEST(TokenizeCli, WorksOnTheSentencepieceFoldersToo) {
  const auto r = tokenize({"--model", testing::stories_dir(), "--add-special", "Once upon a time"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("1 ", 0), 0u) << r.out;  // BOS first
}

TEST(TokenizeCli, BadInputIsAUsageError) {
  EXPECT_EQ(tokenize({"--model", family_dir("qwen3"), "--decode", "1,-5"}).exit_code, 2);
  EXPECT_EQ(tokenize({"--model", family_dir("qwen3")}).exit_code, 2);
  const auto missing = tokenize({"--model", "/nonexistent", "x"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("/nonexistent/tokenizer.json"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace tunedeck
