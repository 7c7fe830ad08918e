#include "core/tokenizer_json/decoder.h"

#include <stdexcept>

#include "core/tokenizer_json/byte_level.h"
#include "core/tokenizer_json/normalizer.h"
#include "core/tokenizer_json/utf8.h"

namespace tunedeck::tokenizer_json {
namespace {

using nlohmann::json;

// "<0x41>" -> 0x41; -1 for anything else.
int byte_piece_value(const std::string& token) {
  if (token.size() != 6 || token.compare(0, 3, "<0x") != 0 || token[5] != '>') return -1;
  try {
    size_t used = 0;
    const int value = std::stoi(token.substr(3, 2), &used, 16);
    return used == 2 ? value : -1;
  } catch (const std::exception&) {
    return -1;
  }
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

Decoder::Decoder(const json& spec) {
  if (spec.is_null()) return;
  if (!spec.is_object() || !spec.contains("type") || !spec["type"].is_string())
    throw std::invalid_argument("decoder.type is missing or not a string");
  type_ = spec["type"].get<std::string>();
  const std::string where = "decoder (" + type_ + ")";
  if (type_ == "Sequence") {
    if (!spec.contains("decoders") || !spec["decoders"].is_array())
      throw std::invalid_argument("decoder.decoders is missing or not an array");
    for (const json& step : spec["decoders"]) steps_.emplace_back(step);
  } else if (type_ == "Replace") {
    read_pattern(spec.value("pattern", json()), where, pattern_, regex_);
    content_ = spec.value("content", std::string());
  } else if (type_ == "Strip") {
    content_ = spec.value("content", std::string(" "));
    strip_start_ = spec.value("start", 0);
    strip_stop_ = spec.value("stop", 0);
  } else if (type_ == "Metaspace") {
    content_ = spec.value("replacement", std::string("\xE2\x96\x81"));
    if (spec.contains("prepend_scheme") && spec["prepend_scheme"].is_string())
      prepend_ = spec["prepend_scheme"].get<std::string>() != "never";
    else
      prepend_ = spec.value("add_prefix_space", true);
  } else if (type_ != "ByteLevel" && type_ != "ByteFallback" && type_ != "Fuse") {
    throw std::invalid_argument("decoder type '" + type_ +
                                "' is not supported (known: ByteLevel, ByteFallback, Fuse, Strip, "
                                "Replace, Metaspace, Sequence)");
  }
}

// Runs of <0xXX> pieces become the text they spell; a run that is not valid UTF-8 becomes one
// U+FFFD per piece, as Hugging Face's ByteFallback does.
std::vector<std::string> Decoder::byte_fallback(const std::vector<std::string>& tokens) const {
  std::vector<std::string> out;
  std::string bytes;
  size_t pieces = 0;
  auto flush = [&] {
    if (pieces == 0) return;
    if (utf8_lossy(bytes) == bytes) {
      out.push_back(bytes);
    } else {
      for (size_t i = 0; i < pieces; ++i) out.push_back("\xEF\xBF\xBD");
    }
    bytes.clear();
    pieces = 0;
  };
  for (const std::string& token : tokens) {
    const int value = byte_piece_value(token);
    if (value >= 0) {
      bytes += static_cast<char>(value);
      ++pieces;
    } else {
      flush();
      out.push_back(token);
    }
  }
  flush();
  return out;
}

std::vector<std::string> Decoder::apply(std::vector<std::string> tokens) const {
  if (type_.empty()) return tokens;
  if (type_ == "Sequence") {
    for (const Decoder& step : steps_) tokens = step.apply(std::move(tokens));
    return tokens;
  }
  if (type_ == "ByteLevel") {
    std::string bytes;
    for (const std::string& token : tokens)
      if (!byte_level_decode(token, bytes)) bytes += token;  // an added token outside the alphabet
    return {utf8_lossy(bytes)};
  }
  if (type_ == "ByteFallback") return byte_fallback(tokens);
  if (type_ == "Fuse") {
    std::string all;
    for (const std::string& token : tokens) all += token;
    return {all};
  }
  if (type_ == "Replace") {
    for (std::string& token : tokens) token = replace_all(token, pattern_, regex_.get(), content_);
    return tokens;
  }
  if (type_ == "Strip") {
    for (std::string& token : tokens) {
      for (int i = 0; i < strip_start_ && starts_with(token, content_); ++i)
        token.erase(0, content_.size());
      for (int i = 0; i < strip_stop_ && token.size() >= content_.size() &&
                      token.compare(token.size() - content_.size(), content_.size(), content_) == 0;
           ++i)
        token.erase(token.size() - content_.size());
    }
    return tokens;
  }
  // Metaspace
  for (size_t i = 0; i < tokens.size(); ++i) {
    tokens[i] = replace_all(tokens[i], content_, nullptr, " ");
    if (i == 0 && prepend_ && starts_with(tokens[i], " ")) tokens[i].erase(0, 1);
  }
  return tokens;
}

}  // namespace tunedeck::tokenizer_json
