// A Hugging Face tokenizer.json as a TokenizerBackend: added tokens matched in the raw text first
// (leftmost, longest), the text between them normalized, pre-tokenized and run through the BPE
// model; decoding through the file's decoder chain. Byte-level BPE (Llama 3, Qwen2/2.5/3, SmolLM,
// EXAONE) and sentencepiece-style BPE with byte fallback (Gemma 3, Mistral/Llama 2 exports).
// Not the special-token rules of tokenizer_config.json (core/tokenizer.h reads those).
// Thread rules: immutable after load; every method may be called from any thread.
#pragma once
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/tokenizer.h"
#include "core/tokenizer_json/bpe_model.h"
#include "core/tokenizer_json/decoder.h"
#include "core/tokenizer_json/normalizer.h"
#include "core/tokenizer_json/pre_tokenizer.h"

namespace tunedeck::tokenizer_json {

class HfTokenizer : public TokenizerBackend {
 public:
  // Reads and checks the file. Throws std::runtime_error starting with the path: not JSON
  // (truncated), an unknown model/normalizer/pre-tokenizer/decoder/post-processor type, merges
  // naming unknown tokens, a regex PCRE2 rejects, added tokens with bad or far-out ids.
  static std::unique_ptr<HfTokenizer> load(const std::string& path);

  std::vector<int> encode(const std::string& text) const override;  // no special tokens added
  std::string decode(const std::vector<int>& ids) const override;
  std::string id_to_piece(int id) const override;
  int piece_to_id(const std::string& piece) const override;
  int vocab_size() const override { return static_cast<int>(pieces_.size()); }
  int bos_id() const override { return prefix_ids_.empty() ? -1 : prefix_ids_.front(); }
  int eos_id() const override { return suffix_ids_.empty() ? -1 : suffix_ids_.back(); }
  int unk_id() const override { return model_->unk_id(); }
  int pad_id() const override { return -1; }
  bool is_byte(int id) const override;

  // What the post-processor (TemplateProcessing) puts around a single sequence.
  const std::vector<int>& prefix_ids() const { return prefix_ids_; }
  const std::vector<int>& suffix_ids() const { return suffix_ids_; }

 private:
  struct AddedToken {
    std::string content;
    int id = -1;
    bool special = false, lstrip = false, rstrip = false, single_word = false;
  };
  struct TrieNode {
    std::unordered_map<unsigned char, int> next;
    int token = -1;  // index into added_ when a token ends here
  };
  HfTokenizer(const nlohmann::json& file);
  void read_added_tokens(const nlohmann::json& added);
  void read_post_processor(const nlohmann::json& spec);
  // The longest added token starting at text[at] (its index in added_ and its end), or -1.
  int match_added(const std::string& text, size_t at, size_t& end) const;
  void encode_segment(const std::string& text, bool at_text_start, std::vector<int>& ids) const;

  std::unique_ptr<BpeModel> model_;
  Normalizer normalizer_;
  PreTokenizer pre_tokenizer_;
  Decoder decoder_;
  std::vector<std::string> pieces_;  // id -> token string (vocabulary and added tokens)
  std::vector<AddedToken> added_;
  std::unordered_map<std::string, int> added_ids_;
  std::vector<TrieNode> trie_;
  std::vector<int> prefix_ids_, suffix_ids_;
};

}  // namespace tunedeck::tokenizer_json
