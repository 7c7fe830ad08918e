// Hugging Face tokenizer.json: the real Qwen3, Llama 3 and Gemma 3 tokenizers against goldens made
// by an independent implementation (../shared/tokenizers/*/golden.json: ids and decoded text for
// every string, special tokens in the text matched as single ids), and malformed files refused
// with a clear error naming the file and what is wrong.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "core/token_streamer.h"
#include "core/tokenizer.h"
#include "tests/test_support.h"

namespace tunedeck {
namespace {

using nlohmann::json;
using testing::ScratchDir;

std::string family_dir(const std::string& family) {
  return testing::shared_dir() + "/tokenizers/" + family;
}

const Tokenizer& loaded(const std::string& family) {
  static std::map<std::string, std::unique_ptr<Tokenizer>> cache;  // gemma's file is 33 MB
  auto& slot = cache[family];
  if (!slot) slot = tokenizer_load_dir(family_dir(family));
  return *slot;
}

class Golden : public ::testing::TestWithParam<std::string> {};

TEST_P(Golden, EveryStringEncodesAndDecodesExactly) {
  const Tokenizer& tokenizer = loaded(GetParam());
  const json golden = json::parse(testing::read_file(family_dir(GetParam()) + "/golden.json"));
  int checked = 0;
  for (const json& c : golden["cases"]) {
    const std::string text = c["text"];
    EXPECT_EQ(tokenizer.encode(text), c["ids"].get<std::vector<int>>())
        << GetParam() << ": " << text;
    EXPECT_EQ(tokenizer.decode(c["ids"].get<std::vector<int>>()), c["decoded"].get<std::string>())
        << GetParam() << ": " << text;
    ++checked;
  }
  EXPECT_GE(checked, 25);
}

TEST_P(Golden, SpecialTokensAreAddedAsTheFileSays) {
  const Tokenizer& tokenizer = loaded(GetParam());
  const json example = json::parse(
      testing::read_file(family_dir(GetParam()) + "/golden.json"))["add_special_tokens_example"];
  EXPECT_EQ(tokenizer.encode_prompt(example["text"]), example["ids"].get<std::vector<int>>());
}

// Streaming: a token that ends inside a UTF-8 sequence shows nothing until it is whole.
TEST_P(Golden, StreamingHoldsBackHalfCharacters) {
  const Tokenizer& tokenizer = loaded(GetParam());
  const std::string text = "emoji 🦙🔥 한국어 날짜";
  TokenStreamer streamer(tokenizer);
  std::string shown;
  for (int id : tokenizer.encode(text)) {
    const std::string piece = streamer.push(id);
    EXPECT_EQ(piece.find("\xEF\xBF\xBD"), std::string::npos) << GetParam();
    shown += piece;
  }
  shown += streamer.flush();
  EXPECT_EQ(shown, text);
}

INSTANTIATE_TEST_SUITE_P(Families, Golden, ::testing::Values("qwen3", "llama3", "gemma3"));

TEST(TokenizerJson, SpecialIdsComeFromTheConfig) {
  const Tokenizer& qwen = loaded("qwen3");
  EXPECT_EQ(qwen.special().eos_id, qwen.piece_to_id("<|im_end|>"));
  EXPECT_EQ(qwen.special().bos_id, -1);
  EXPECT_FALSE(qwen.special().add_bos);
  const Tokenizer& gemma = loaded("gemma3");
  EXPECT_EQ(gemma.special().bos_id, 2);
  EXPECT_TRUE(gemma.special().add_bos);
  EXPECT_EQ(gemma.id_to_piece(gemma.special().eos_id), "<end_of_turn>");
}

// A small byte-level file written by the test, to break in each way.
json tiny_byte_level() {
  return json::parse(R"({
    "added_tokens": [{"id": 5, "content": "<|end|>", "special": true}],
    "normalizer": null,
    "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "use_regex": true},
    "post_processor": null,
    "decoder": {"type": "ByteLevel"},
    "model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2, "Ġ": 3, "Ġab": 4},
              "merges": ["a b", "Ġ ab"]}
  })");
}

std::string write_tokenizer(const ScratchDir& dir, const std::string& text) {
  testing::write_file(dir.file("tokenizer.json"), text);
  return dir.path();
}

std::string load_error(const ScratchDir& dir, const std::string& text) {
  try {
    tokenizer_load_dir(write_tokenizer(dir, text));
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(loaded)";
}

TEST(TokenizerJson, TinyFileEncodesWithMergesAndAddedTokens) {
  ScratchDir dir;
  const auto tokenizer = tokenizer_load_dir(write_tokenizer(dir, tiny_byte_level().dump()));
  EXPECT_EQ(tokenizer->encode("ab ab<|end|>"), (std::vector<int>{2, 4, 5}));
  EXPECT_EQ(tokenizer->decode({2, 4, 5}), "ab ab<|end|>");
}

TEST(TokenizerJson, MalformedFilesSayWhatIsWrong) {
  ScratchDir dir;
  const std::string full = tiny_byte_level().dump();
  EXPECT_NE(load_error(dir, full.substr(0, full.size() / 2)).find("not valid JSON"),
            std::string::npos);

  json unknown_model = tiny_byte_level();
  unknown_model["model"]["type"] = "Unigram";
  EXPECT_NE(load_error(dir, unknown_model.dump()).find("model.type 'Unigram'"), std::string::npos);

  json bad_merge = tiny_byte_level();
  bad_merge["model"]["merges"].push_back("a zz");
  EXPECT_NE(load_error(dir, bad_merge.dump()).find("names a token model.vocab lacks"),
            std::string::npos);

  json bad_regex = tiny_byte_level();
  bad_regex["pre_tokenizer"] =
      json::parse(R"({"type": "Split", "pattern": {"Regex": "(?<=a+)b"}, "behavior": "Isolated"})");
  EXPECT_NE(load_error(dir, bad_regex.dump()).find("does not compile"), std::string::npos);

  json far_id = tiny_byte_level();
  far_id["added_tokens"][0]["id"] = 2000000000;
  EXPECT_NE(load_error(dir, far_id.dump()).find("added_tokens[0].id"), std::string::npos);

  json unknown_step = tiny_byte_level();
  unknown_step["normalizer"] = json::parse(R"({"type": "BertNormalizer"})");
  EXPECT_NE(load_error(dir, unknown_step.dump()).find("normalizer type 'BertNormalizer'"),
            std::string::npos);

  EXPECT_NE(load_error(dir, unknown_step.dump()).find(dir.file("tokenizer.json")),
            std::string::npos);
}

TEST(TokenizerJson, InvalidUtf8InputIsAnError) {
  EXPECT_THROW(loaded("qwen3").encode("bad \xff byte"), std::invalid_argument);
}

}  // namespace
}  // namespace tunedeck
