// tokenizer.json's "decoder": token strings back to text. ByteLevel, ByteFallback, Fuse, Strip,
// Replace, Metaspace and Sequence. Incomplete UTF-8 comes out as U+FFFD (so a streamer knows to
// wait for the rest). Not id lookup (hf_tokenizer.h).
// Thread rules: immutable after construction.
#pragma once
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/tokenizer_json/regex.h"

namespace tunedeck::tokenizer_json {

class Decoder {
 public:
  // null: the tokens are joined as they are. Throws std::invalid_argument naming an unknown type.
  explicit Decoder(const nlohmann::json& spec);
  std::vector<std::string> apply(std::vector<std::string> tokens) const;

 private:
  std::vector<std::string> byte_fallback(const std::vector<std::string>& tokens) const;

  std::string type_;
  std::vector<Decoder> steps_;     // Sequence
  std::string pattern_, content_;  // Replace; Strip's content; Metaspace's replacement
  std::shared_ptr<const Regex> regex_;
  int strip_start_ = 0, strip_stop_ = 0;
  bool prepend_ = true;  // Metaspace: strip the space it prepended to the first token
};

}  // namespace tunedeck::tokenizer_json
