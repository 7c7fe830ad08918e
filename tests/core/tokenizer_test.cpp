// The sentencepiece tokenizer (through the dlopen'd module) against the real Llama-2 tokenizer's
// goldens from python sentencepiece 0.1.97, and the special-token rules of a model folder.
#include "core/tokenizer.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/token_streamer.h"
#include "tests/test_support.h"

namespace tunedeck {
namespace {

using nlohmann::json;

json load_json(const std::string& path) { return json::parse(testing::read_file(path)); }

TEST(Tokenizer, MatchesLlama2GoldenIdsPiecesAndRoundTrips) {
  const std::string dir = testing::shared_dir() + "/tokenizers/llama2";
  auto tokenizer = tokenizer_load_file(dir + "/tokenizer.model");
  const json golden = load_json(dir + "/golden.json");
  ASSERT_EQ(tokenizer->vocab_size(), golden["vocab_size"].get<int>());
  ASSERT_GE(golden["cases"].size(), 13u);
  for (const auto& c : golden["cases"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    const std::string text = c["text"];
    const std::vector<int> ids = tokenizer->encode(text);
    EXPECT_EQ(ids, c["ids"].get<std::vector<int>>());
    std::vector<std::string> pieces;
    for (int id : ids) pieces.push_back(tokenizer->id_to_piece(id));
    EXPECT_EQ(pieces, c["pieces"].get<std::vector<std::string>>());
    EXPECT_EQ(tokenizer->decode(ids), c["decoded"].get<std::string>());
    if (c["round_trip_equal"].get<bool>()) {
      EXPECT_EQ(tokenizer->decode(ids), text);
    }
  }
}

TEST(Tokenizer, KoreanFallsBackToBytesAndRoundTrips) {
  auto tokenizer =
      tokenizer_load_file(testing::shared_dir() + "/tokenizers/llama2/tokenizer.model");
  const std::string text = "2026년 2월 20일은 무슨 요일이야?";
  std::vector<int> ids = tokenizer->encode(text);
  int bytes = 0;
  for (int id : ids) bytes += tokenizer->is_byte(id) ? 1 : 0;
  EXPECT_EQ(bytes, 6);  // 슨 and 야 are not in the vocabulary: 3 byte pieces each
  EXPECT_EQ(tokenizer->decode(ids), text);
}

TEST(Tokenizer, LiteralSpecialTokenTextIsNotSpecial) {
  auto tokenizer =
      tokenizer_load_file(testing::shared_dir() + "/tokenizers/llama2/tokenizer.model");
  for (int id : tokenizer->encode("<s> and </s>")) {
    EXPECT_NE(id, 1);
    EXPECT_NE(id, 2);
  }
}

TEST(Tokenizer, ModelFolderSpecialTokensComeFromItsJsonFiles) {
  auto tokenizer = tokenizer_load_dir(testing::stories_dir());
  const SpecialTokens& s = tokenizer->special();
  EXPECT_EQ(s.bos_id, 1);
  EXPECT_EQ(s.eos_id, 2);
  EXPECT_TRUE(s.add_bos);
  EXPECT_FALSE(s.add_eos);
  EXPECT_EQ(s.stop_ids, (std::vector<int>{2, 1}));  // generation_config.json's list
  EXPECT_EQ(tokenizer->encode_prompt("Once upon a time"),
            (std::vector<int>{1, 403, 407, 261, 378}));
}

TEST(Tokenizer, MissingTokenizerModelNamesThePath) {
  testing::ScratchDir dir;
  try {
    tokenizer_load_dir(dir.path());
    FAIL() << "expected an error";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find(dir.path() + "/tokenizer.model"), std::string::npos)
        << e.what();
  }
}

TEST(Tokenizer, CorruptTokenizerModelIsAnErrorNotACrash) {
  testing::ScratchDir dir;
  testing::write_file(dir.file("tokenizer.model"), "this is not a sentencepiece model");
  EXPECT_THROW(tokenizer_load_dir(dir.path()), std::runtime_error);
}

TEST(TokenStreamer, StreamsWholeCharactersAndEqualsBatchDecode) {
  auto tokenizer =
      tokenizer_load_file(testing::shared_dir() + "/tokenizers/llama2/tokenizer.model");
  const std::string text = "오늘은 2026년 11월 28일, 토요일 🙂 done";
  std::vector<int> ids = tokenizer->encode(text);
  TokenStreamer streamer(*tokenizer);
  std::string streamed;
  for (int id : ids) {
    std::string piece = streamer.push(id);
    EXPECT_EQ(piece.find("\xEF\xBF\xBD"), std::string::npos) << "half a character was streamed";
    streamed += piece;
  }
  streamed += streamer.flush();
  EXPECT_EQ(streamed, tokenizer->decode(ids));
  EXPECT_EQ(streamed, text);
}

TEST(StopStringFilter, HoldsBackPossibleStopAndCutsAtIt) {
  StopStringFilter filter({"</tool_call>", "<|end|>"});
  std::string shown;
  for (const std::string piece : {"Hello ", "wor", "ld<", "|e", "nd|>", "never shown"})
    shown += filter.feed(piece);
  EXPECT_TRUE(filter.stopped());
  EXPECT_EQ(shown, "Hello world");
  EXPECT_EQ(filter.text(), "Hello world");
}

TEST(StopStringFilter, ReleasesHeldTextThatDidNotBecomeAStop) {
  StopStringFilter filter({"<|end|>"});
  EXPECT_EQ(filter.feed("a <|e"), "a ");
  EXPECT_EQ(filter.feed("x"), "<|ex");
  EXPECT_EQ(filter.feed("<"), "");
  EXPECT_EQ(filter.flush(), "<");
  EXPECT_FALSE(filter.stopped());
}

}  // namespace
}  // namespace tunedeck
