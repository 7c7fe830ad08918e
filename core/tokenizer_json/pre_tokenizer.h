// tokenizer.json's "pre_tokenizer": cuts normalized text into the words BPE sees. Split (string
// or regex; Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous; invert),
// ByteLevel (GPT-2's regex and byte alphabet), Metaspace ("▁", prepend always/first/never),
// Digits, Whitespace, WhitespaceSplit, Punctuation and Sequence. Not the BPE itself.
// Thread rules: immutable after construction.
#pragma once
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/tokenizer_json/regex.h"

namespace tunedeck::tokenizer_json {

struct PreToken {
  std::string text;
  bool at_text_start = false;  // begins at offset 0 of the whole input (Metaspace "first")
};

class PreTokenizer {
 public:
  // null: the whole text is one word. Throws std::invalid_argument naming an unknown type, an
  // unknown behavior or a regex PCRE2 rejects.
  explicit PreTokenizer(const nlohmann::json& spec);
  std::vector<PreToken> apply(std::vector<PreToken> words) const;

 private:
  enum class Behavior { kRemoved, kIsolated, kMergedWithPrevious, kMergedWithNext, kContiguous };
  std::vector<PreToken> split(const std::vector<PreToken>& words, Behavior behavior,
                              bool invert) const;
  std::vector<PreToken> metaspace(const std::vector<PreToken>& words) const;

  std::string type_;
  std::vector<PreTokenizer> steps_;  // Sequence
  std::string literal_;              // Split on a string; Metaspace's replacement
  std::shared_ptr<const Regex> regex_;
  Behavior behavior_ = Behavior::kIsolated;
  bool invert_ = false;
  bool add_prefix_space_ = false;   // ByteLevel
  bool use_regex_ = false;          // ByteLevel
  std::string prepend_scheme_;      // Metaspace: "always", "first", "never"
  bool metaspace_split_ = true;     // Metaspace
  bool individual_digits_ = false;  // Digits
};

}  // namespace tunedeck::tokenizer_json
