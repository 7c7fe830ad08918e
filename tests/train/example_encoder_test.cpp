#include "train/example_encoder.h"

#include <gtest/gtest.h>

#include <map>
#include <stdexcept>

#include "agent/chat_template.h"
#include "core/tokenizer.h"
#include "tests/test_support.h"

namespace tunedeck {
namespace {

// ---- tokenizers -------------------------------------------------------------------------------

const Tokenizer& llama2_tokenizer() {
  static const std::unique_ptr<Tokenizer> tokenizer =
      tokenizer_load_file(tunedeck::testing::shared_dir() + "/tokenizers/llama2/tokenizer.model");
  return *tokenizer;
}

// Forwards to a loaded tokenizer; lets a test give it other special ids (pad == eos).
class ForwardingBackend : public TokenizerBackend {
 public:
  ForwardingBackend(const Tokenizer& base, int pad_id) : base_(base), pad_id_(pad_id) {}
  std::vector<int> encode(const std::string& text) const override { return base_.encode(text); }
  std::string decode(const std::vector<int>& ids) const override { return base_.decode(ids); }
  std::string id_to_piece(int id) const override { return base_.id_to_piece(id); }
  int piece_to_id(const std::string& piece) const override { return base_.piece_to_id(piece); }
  int vocab_size() const override { return base_.vocab_size(); }
  int bos_id() const override { return base_.special().bos_id; }
  int eos_id() const override { return base_.special().eos_id; }
  int unk_id() const override { return base_.special().unk_id; }
  int pad_id() const override { return pad_id_; }
  bool is_byte(int id) const override { return base_.is_byte(id); }

 private:
  const Tokenizer& base_;
  int pad_id_;
};

// A tiny deterministic tokenizer: greedy longest match over `pieces` (ids 3...), any other byte
// b becomes id 1000 + b. Ids 0-2 are <unk>, <s>, </s>; like sentencepiece control symbols they
// are never matched inside text. No dummy prefix.
class FakeBackend : public TokenizerBackend {
 public:
  explicit FakeBackend(std::vector<std::string> pieces) : pieces_{"<unk>", "<s>", "</s>"} {
    pieces_.insert(pieces_.end(), pieces.begin(), pieces.end());
  }
  std::vector<int> encode(const std::string& text) const override {
    std::vector<int> ids;
    size_t pos = 0;
    while (pos < text.size()) {
      int best = -1;
      for (size_t id = 3; id < pieces_.size(); ++id)
        if (text.compare(pos, pieces_[id].size(), pieces_[id]) == 0 &&
            (best < 0 || pieces_[id].size() > pieces_[best].size()))
          best = static_cast<int>(id);
      if (best < 0) {
        ids.push_back(1000 + static_cast<unsigned char>(text[pos++]));
      } else {
        ids.push_back(best);
        pos += pieces_[best].size();
      }
    }
    return ids;
  }
  std::string decode(const std::vector<int>&) const override { return ""; }
  std::string id_to_piece(int id) const override {
    return id >= 0 && id < static_cast<int>(pieces_.size()) ? pieces_[id] : "<byte>";
  }
  int piece_to_id(const std::string& piece) const override {
    for (size_t id = 0; id < pieces_.size(); ++id)
      if (pieces_[id] == piece) return static_cast<int>(id);
    return 0;
  }
  int vocab_size() const override { return 1256; }
  int bos_id() const override { return 1; }
  int eos_id() const override { return 2; }
  int unk_id() const override { return 0; }
  int pad_id() const override { return -1; }
  bool is_byte(int id) const override { return id >= 1000; }

 private:
  std::vector<std::string> pieces_;
};

Tokenizer fake_tokenizer(std::vector<std::string> pieces, bool add_bos = true) {
  SpecialTokens special;
  special.bos_id = 1;
  special.eos_id = 2;
  special.unk_id = 0;
  special.add_bos = add_bos;
  return Tokenizer(std::make_unique<FakeBackend>(std::move(pieces)), special);
}

// ---- helpers ----------------------------------------------------------------------------------

const int X = kNoLoss;

// Ids of pieces of the llama2 vocabulary, each checked to exist.
std::vector<int> piece_ids(const std::vector<std::string>& pieces) {
  const Tokenizer& tok = llama2_tokenizer();
  std::vector<int> ids;
  for (const std::string& piece : pieces) {
    const int id = tok.piece_to_id(piece);
    EXPECT_NE(id, 0) << "not a llama2 piece: " << piece;
    ids.push_back(id);
  }
  return ids;
}

// Labels for `ids`: kNoLoss except where `learn` is true.
std::vector<int> labels_for(const std::vector<int>& ids, const std::vector<bool>& learn) {
  std::vector<int> labels;
  for (size_t i = 0; i < ids.size(); ++i) labels.push_back(learn.at(i) ? ids[i] : X);
  return labels;
}

const ChatMessages kTwoTurns = {{"user", "Hi there", ""},
                                {"assistant", "Hello!", ""},
                                {"user", "Bye", ""},
                                {"assistant", "Ok bye", ""}};

EncodedExample encode_with(const std::string& template_name, const ChatMessages& messages,
                           const Tokenizer& tokenizer, int max_len = 4096) {
  const auto tmpl = chat_template_by_name(template_name);
  return encode_example(tmpl->render_segments(messages, nlohmann::json::array(), false), tokenizer,
                        tmpl->special_texts(), max_len);
}

// ---- tokenizer_encode_with_markers -------------------------------------------------------------

TEST(EncodeWithMarkers, MarkersInTheVocabularyBecomeTheirIds) {
  const Tokenizer& tok = llama2_tokenizer();
  const std::vector<int> ids = tokenizer_encode_with_markers(tok, "Hi</s><s>Yo", {"<s>", "</s>"});
  std::vector<int> expected = tok.encode("Hi");
  expected.push_back(2);
  expected.push_back(1);
  for (int id : tok.encode("Yo")) expected.push_back(id);  // each chunk gets the dummy prefix
  EXPECT_EQ(ids, expected);
  // Without the marker list "</s>" is plain text, never the EOS id.
  EXPECT_EQ(tokenizer_encode_with_markers(tok, "Hi</s>", {}), tok.encode("Hi</s>"));
  // A marker the vocabulary lacks stays text.
  EXPECT_EQ(tokenizer_encode_with_markers(tok, "a<|im_end|>", {"<|im_end|>"}),
            tok.encode("a<|im_end|>"));
}

TEST(EncodeWithMarkers, LongestMarkerWinsAndUnknownMarkersAreIgnored) {
  const Tokenizer tok = fake_tokenizer({"<m>", "<m>+", "a"});  // ids 3, 4, 5
  EXPECT_EQ(tokenizer_encode_with_markers(tok, "a<m>+a<m>", {"<m>", "<m>+", "<zz>"}),
            (std::vector<int>{5, 4, 5, 3}));
  EXPECT_EQ(tokenizer_encode_with_markers(tok, "<zz>", {"<zz>"}),
            (std::vector<int>{1000 + '<', 1000 + 'z', 1000 + 'z', 1000 + '>'}));
}

// ---- exact masks on rendered conversations ---------------------------------------------------

TEST(ExampleEncoder, Llama2MaskIsExactAndEosIsLearned) {
  const EncodedExample e = encode_with("llama2", kTwoTurns, llama2_tokenizer());
  // Rendered: "[INST] Hi there [/INST]" + " Hello! </s>" + "<s>[INST] Bye [/INST]" + " Ok bye </s>"
  const std::vector<int> ids = piece_ids(
      {"<s>",    "▁[",  "INST", "]",    "▁Hi", "▁there", "▁[", "/", "INST", "]",  // prompt
       "▁Hello", "!",   "▁",    "</s>",                                           // answer + EOS
       "<s>",    "▁[",  "INST", "]",    "▁By", "e",      "▁[", "/", "INST", "]",  // prompt
       "▁Ok",    "▁by", "e",    "▁",    "</s>"});                                 // answer + EOS
  const std::vector<bool> learn = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0,
                                   0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1};
  EXPECT_EQ(e.ids, ids);
  EXPECT_EQ(e.labels, labels_for(ids, learn));
  EXPECT_EQ(e.ids[13], 2);  // "</s>" is the EOS id, not the text "▁<", "/", "s", ">"
  EXPECT_EQ(e.labels[13], 2);
  EXPECT_EQ(e.labels[28], 2);
  EXPECT_EQ(e.assistant_turn_ends, (std::vector<int>{13, 28}));
  EXPECT_FALSE(e.truncated);
  EXPECT_EQ(e.boundaries_inside_token, 0);
  EXPECT_TRUE(example_turn_ends_labelled(e));
  // The ids equal one whole-text encoding as inference would make it.
  const auto tmpl = chat_template_by_name("llama2");
  std::vector<int> whole = {1};
  for (int id : tokenizer_encode_with_markers(
           llama2_tokenizer(), tmpl->render(kTwoTurns, nlohmann::json::array(), false),
           tmpl->special_texts()))
    whole.push_back(id);
  EXPECT_EQ(e.ids, whole);
}

TEST(ExampleEncoder, ChatmlWithoutMarkerPiecesLearnsTheMarkerText) {
  // The llama2 vocabulary has no <|im_end|> piece: the marker is text, and all of its pieces are
  // labelled (whatever the response marker tokenises to, nothing depends on finding it).
  const ChatMessages messages = {{"user", "Hi", ""}, {"assistant", "Hello!", ""}};
  const EncodedExample e = encode_with("chatml", messages, llama2_tokenizer());
  // "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n" + "Hello!<|im_end|>" + "\n"
  // clang-format off
  const std::vector<int> ids = piece_ids({
      "<s>", "▁<", "|", "im", "_", "start", "|", ">", "user", "<0x0A>",  // <|im_start|>user\n
      "Hi", "<", "|", "im", "_", "end", "|", ">", "<0x0A>",               // Hi<|im_end|>\n
      "<", "|", "im", "_", "start", "|", ">", "ass", "istant", "<0x0A>",  // <|im_start|>assistant\n
      "Hello", "!", "<", "|", "im", "_", "end", "|", ">",                 // Hello!<|im_end|>
      "<0x0A>"});                                                         // \n
  // clang-format on
  std::vector<bool> learn(ids.size(), false);
  for (size_t i = 29; i <= 37; ++i) learn[i] = true;
  EXPECT_EQ(e.ids, ids);
  EXPECT_EQ(e.labels, labels_for(ids, learn));
  EXPECT_EQ(e.assistant_turn_ends, (std::vector<int>{37}));
  EXPECT_TRUE(example_turn_ends_labelled(e));
}

TEST(ExampleEncoder, ChatmlMarkersThatArePiecesAreSingleLabelledIds) {
  // A vocabulary with the chatml markers (as Qwen's has): ids 3, 4.
  const Tokenizer tok = fake_tokenizer({"<|im_start|>", "<|im_end|>", "user", "assistant", "\n"});
  const ChatMessages messages = {{"user", "a", ""}, {"assistant", "b", ""}};
  const EncodedExample e = encode_with("chatml", messages, tok);
  const int start = 3, end = 4, user = 5, assistant = 6, nl = 7, a = 1000 + 'a', b = 1000 + 'b';
  EXPECT_EQ(e.ids,
            (std::vector<int>{1, start, user, nl, a, end, nl, start, assistant, nl, b, end, nl}));
  EXPECT_EQ(e.labels, (std::vector<int>{X, X, X, X, X, X, X, X, X, X, b, end, X}));
  EXPECT_EQ(e.assistant_turn_ends, (std::vector<int>{11}));
}

TEST(ExampleEncoder, NothingOfTheUserTurnIsLabelled) {
  const ChatMessages messages = {{"system", "Be brief.", ""},
                                 {"user", "What day is 2027-01-04?", ""},
                                 {"assistant", "Monday.", ""}};
  for (const char* name : {"llama2", "chatml", "tunedeck"}) {
    const EncodedExample e = encode_with(name, messages, llama2_tokenizer());
    const auto tmpl = chat_template_by_name(name);
    const std::string prompt = tmpl->render({messages[0], messages[1]}, nlohmann::json::array(),
                                            std::string(name) != "llama2");
    const std::vector<int> prompt_ids =
        tokenizer_encode_with_markers(llama2_tokenizer(), prompt, tmpl->special_texts());
    // BOS + the generation prompt: exactly the ids inference feeds, none labelled.
    ASSERT_GT(e.ids.size(), prompt_ids.size() + 1) << name;
    for (size_t i = 0; i <= prompt_ids.size(); ++i) {
      if (i > 0) {
        EXPECT_EQ(e.ids[i], prompt_ids[i - 1]) << name << " " << i;
      }
      EXPECT_EQ(e.labels[i], X) << name << " " << i;
    }
    EXPECT_NE(e.labels[prompt_ids.size() + 1], X) << name;  // the answer's first token learns
  }
}

TEST(ExampleEncoder, LabelsDoNotDependOnThePadId) {
  // The seed's bug: pad == eos, and a collator that masks pad ids never teaches EOS.
  const Tokenizer& base = llama2_tokenizer();
  SpecialTokens pad_is_eos = base.special();
  pad_is_eos.pad_id = pad_is_eos.eos_id;
  const Tokenizer tok(std::make_unique<ForwardingBackend>(base, pad_is_eos.pad_id), pad_is_eos);
  ASSERT_EQ(tok.special().pad_id, 2);
  const EncodedExample plain = encode_with("llama2", kTwoTurns, base);
  const EncodedExample with_pad = encode_with("llama2", kTwoTurns, tok);
  EXPECT_EQ(with_pad.ids, plain.ids);
  EXPECT_EQ(with_pad.labels, plain.labels);
  EXPECT_EQ(with_pad.labels[13], 2);  // the EOS, equal to the pad id, carries its label
  EXPECT_EQ(mask_stats({with_pad}).examples_eos_unlabelled, 0);
}

TEST(ExampleEncoder, NoBosWhenTheTokenizerDoesNotAddOne) {
  const Tokenizer tok = fake_tokenizer({"<|im_start|>", "<|im_end|>"}, /*add_bos=*/false);
  const EncodedExample e = encode_example({{"<|im_start|>q", false}, {"b<|im_end|>", true}}, tok,
                                          {"<|im_end|>", "<|im_start|>"}, 100);
  EXPECT_EQ(e.ids, (std::vector<int>{3, 1000 + 'q', 1000 + 'b', 4}));
  EXPECT_EQ(e.labels, (std::vector<int>{X, X, 1000 + 'b', 4}));
}

// ---- boundaries inside a token ------------------------------------------------------------------

TEST(ExampleEncoder, ATokenCrossingABoundaryBelongsToTheSegmentWhereItStarts) {
  // "ab" is one piece: the prompt "a" and the answer "bc" share it.
  const Tokenizer tok = fake_tokenizer({"ab"});  // id 3
  const EncodedExample e = encode_example({{"a", false}, {"bc", true}}, tok, {}, 100);
  EXPECT_EQ(e.ids, (std::vector<int>{1, 3, 1000 + 'c'}));
  EXPECT_EQ(e.labels, (std::vector<int>{X, X, 1000 + 'c'}));
  EXPECT_EQ(e.boundaries_inside_token, 1);
  EXPECT_EQ(mask_stats({e}).examples_boundary_inside_token, 1);
}

TEST(ExampleEncoder, MergedBoundaryWithTheLlama2Tokenizer) {
  // "Say Hel" + "lo there</s>": "▁Hello" starts in the prompt, so it is not learned.
  const EncodedExample e = encode_example({{"Say Hel", false}, {"lo there</s>", true}},
                                          llama2_tokenizer(), {"</s>"}, 100);
  const std::vector<int> ids = piece_ids({"<s>", "▁Say", "▁Hello", "▁there", "</s>"});
  EXPECT_EQ(e.ids, ids);
  EXPECT_EQ(e.labels, labels_for(ids, {0, 0, 0, 1, 1}));
  EXPECT_EQ(e.boundaries_inside_token, 1);
  EXPECT_EQ(e.assistant_turn_ends, (std::vector<int>{4}));
}

TEST(ExampleEncoder, AnAnswerSwallowedByAPromptTokenHasNoTurnEnd) {
  const Tokenizer tok = fake_tokenizer({"ab"});
  const EncodedExample e = encode_example({{"a", false}, {"b", true}}, tok, {}, 100);
  EXPECT_EQ(e.labels, (std::vector<int>{X, X}));
  EXPECT_EQ(e.assistant_turn_ends, (std::vector<int>{-1}));
  EXPECT_FALSE(example_turn_ends_labelled(e));
}

// ---- truncation and statistics
// --------------------------------------------------------------------

TEST(ExampleEncoder, TruncationCutsAtMaxLenAndLosesTheLastEos) {
  const EncodedExample full = encode_with("llama2", kTwoTurns, llama2_tokenizer());
  ASSERT_EQ(full.ids.size(), 29u);
  const EncodedExample cut = encode_with("llama2", kTwoTurns, llama2_tokenizer(), 28);
  EXPECT_TRUE(cut.truncated);
  EXPECT_EQ(cut.ids, std::vector<int>(full.ids.begin(), full.ids.begin() + 28));
  EXPECT_EQ(cut.labels, std::vector<int>(full.labels.begin(), full.labels.begin() + 28));
  EXPECT_FALSE(example_turn_ends_labelled(cut));
  const EncodedExample exact = encode_with("llama2", kTwoTurns, llama2_tokenizer(), 29);
  EXPECT_FALSE(exact.truncated);
  EXPECT_THROW(encode_with("llama2", kTwoTurns, llama2_tokenizer(), 0), std::invalid_argument);
}

TEST(MaskStats, CountsTokensLossAndBrokenExamples) {
  const EncodedExample full = encode_with("llama2", kTwoTurns, llama2_tokenizer());
  const EncodedExample no_last_eos = encode_with("llama2", kTwoTurns, llama2_tokenizer(), 28);
  const EncodedExample prompt_only = encode_with("llama2", kTwoTurns, llama2_tokenizer(), 8);
  const MaskStats stats = mask_stats({full, no_last_eos, prompt_only});
  EXPECT_EQ(stats.examples, 3);
  EXPECT_EQ(stats.tokens, 29 + 28 + 8);
  EXPECT_EQ(stats.loss_tokens, 9 + 8 + 0);  // "▁Hello ! ▁ </s>" and "▁Ok ▁by e ▁ </s>"
  EXPECT_EQ(stats.examples_without_loss, 1);
  EXPECT_EQ(stats.examples_eos_unlabelled, 2);
  EXPECT_EQ(stats.examples_truncated, 2);
  EXPECT_EQ(stats.longest_example, 29);  // what the trainer's memory estimate pads a batch to
  EXPECT_EQ(stats.most_loss_tokens, 9);  // and the most targets one row brings to the head
  EXPECT_EQ(stats.examples_boundary_inside_token, 0);
  EXPECT_EQ(mask_stats({}).tokens, 0);
}

}  // namespace
}  // namespace tunedeck
