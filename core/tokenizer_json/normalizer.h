// tokenizer.json's "normalizer": NFC, NFD, NFKC, NFKD, Lowercase, Replace (string or regex),
// Prepend, Strip and Sequence of them, applied to the text between added tokens. Not the
// splitting into words (pre_tokenizer.h).
// Thread rules: immutable after construction.
#pragma once
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/tokenizer_json/regex.h"

namespace tunedeck::tokenizer_json {

class Normalizer {
 public:
  // null: none. Throws std::invalid_argument naming an unknown type or a malformed field.
  explicit Normalizer(const nlohmann::json& spec);
  std::string apply(const std::string& text) const;

 private:
  std::string type_;
  std::vector<Normalizer> steps_;       // Sequence
  std::string pattern_, content_;       // Replace (string pattern) / Prepend (content_)
  std::shared_ptr<const Regex> regex_;  // Replace with a regex
  bool strip_left_ = false, strip_right_ = false;
};

// A tokenizer.json pattern: {"String": "..."} or {"Regex": "..."}. Sets exactly one of the two.
void read_pattern(const nlohmann::json& pattern, const std::string& where, std::string& literal,
                  std::shared_ptr<const Regex>& regex);
// Every match of the pattern in text replaced by content.
std::string replace_all(const std::string& text, const std::string& literal, const Regex* regex,
                        const std::string& content);

}  // namespace tunedeck::tokenizer_json
