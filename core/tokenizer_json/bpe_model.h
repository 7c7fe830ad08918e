// The BPE model of a tokenizer.json ("model": {"type": "BPE", ...}): the vocabulary, the ranked
// merges (string "a b" or pair ["a", "b"] form), byte fallback to <0xXX> pieces, an unknown
// token, ignore_merges. Turns one pre-tokenized word into ids. Not the splitting of text into
// words (pre_tokenizer.h) and not decoding.
// Thread rules: immutable after construction; encode_word from any thread.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

namespace tunedeck::tokenizer_json {

class BpeModel {
 public:
  // Throws std::invalid_argument naming the field for a model that is not BPE, a merge that names
  // a token the vocabulary lacks or whose result it lacks, or an id that is negative.
  explicit BpeModel(const nlohmann::json& model);

  // The ids of one word (already normalized, pre-tokenized and, for byte-level models, mapped to
  // the byte alphabet). Appends to `ids`.
  void encode_word(const std::string& word, std::vector<int>& ids) const;

  const std::unordered_map<std::string, int>& vocab() const { return vocab_; }
  int unk_id() const { return unk_id_; }  // -1: none
  bool byte_fallback() const { return byte_fallback_; }

 private:
  struct Merge {
    int rank;
    int merged_id;
  };
  static uint64_t pair_key(int left, int right) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(left)) << 32) |
           static_cast<uint32_t>(right);
  }
  void read_merges(const nlohmann::json& merges);
  // The word's characters as symbols (byte pieces or unk where the vocabulary lacks one).
  std::vector<int> initial_symbols(const std::string& word) const;
  void apply_merges(std::vector<int>& symbols) const;

  std::unordered_map<std::string, int> vocab_;
  std::unordered_map<uint64_t, Merge> merges_;
  int byte_ids_[256];  // <0xXX> ids for byte fallback; -1 where missing
  int unk_id_ = -1;
  bool byte_fallback_ = false;
  bool fuse_unk_ = false;
  bool ignore_merges_ = false;
};

}  // namespace tunedeck::tokenizer_json
