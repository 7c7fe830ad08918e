#include "core/tokenizer_json/normalizer.h"

#include <utf8proc.h>

#include <algorithm>
#include <stdexcept>

#include "core/tokenizer_json/utf8.h"

namespace tunedeck::tokenizer_json {
namespace {

using nlohmann::json;

std::string string_field(const json& spec, const char* key, const std::string& where) {
  if (!spec.contains(key) || !spec[key].is_string())
    throw std::invalid_argument(where + "." + key + " is missing or not a string");
  return spec[key].get<std::string>();
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

void read_pattern(const json& pattern, const std::string& where, std::string& literal,
                  std::shared_ptr<const Regex>& regex) {
  if (pattern.is_object() && pattern.contains("String") && pattern["String"].is_string()) {
    literal = pattern["String"].get<std::string>();
    if (literal.empty()) throw std::invalid_argument(where + ".pattern.String is empty");
  } else if (pattern.is_object() && pattern.contains("Regex") && pattern["Regex"].is_string()) {
    try {
      regex = std::make_shared<Regex>(pattern["Regex"].get<std::string>());
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(where + ".pattern: " + e.what());
    }
  } else {
    throw std::invalid_argument(where +
                                ".pattern is neither {\"String\": ...} nor {\"Regex\": ...}");
  }
}

std::string replace_all(const std::string& text, const std::string& literal, const Regex* regex,
                        const std::string& content) {
  std::string out;
  size_t last = 0;
  if (regex) {
    for (const auto& [begin, end] : regex->find_all(text)) {
      out.append(text, last, begin - last);
      out += content;
      last = end;
    }
  } else {
    for (size_t at = text.find(literal); at != std::string::npos; at = text.find(literal, last)) {
      out.append(text, last, at - last);
      out += content;
      last = at + literal.size();
    }
  }
  out.append(text, last, std::string::npos);
  return out;
}

Normalizer::Normalizer(const json& spec) {
  if (spec.is_null()) return;
  const std::string where = "normalizer";
  type_ = string_field(spec, "type", where);
  if (type_ == "Sequence") {
    if (!spec.contains("normalizers") || !spec["normalizers"].is_array())
      throw std::invalid_argument("normalizer.normalizers is missing or not an array");
    for (const json& step : spec["normalizers"]) steps_.emplace_back(step);
  } else if (type_ == "Replace") {
    read_pattern(spec.value("pattern", json()), where, pattern_, regex_);
    content_ = string_field(spec, "content", where);
  } else if (type_ == "Prepend") {
    content_ = string_field(spec, "prepend", where);
  } else if (type_ == "Strip") {
    strip_left_ = spec.value("strip_left", false);
    strip_right_ = spec.value("strip_right", false);
  } else if (type_ != "NFC" && type_ != "NFD" && type_ != "NFKC" && type_ != "NFKD" &&
             type_ != "Lowercase") {
    throw std::invalid_argument("normalizer type '" + type_ +
                                "' is not supported (known: NFC, NFD, NFKC, NFKD, Lowercase, "
                                "Replace, Prepend, Strip, Sequence)");
  }
}

std::string Normalizer::apply(const std::string& text) const {
  if (type_.empty()) return text;
  if (type_ == "Sequence") {
    std::string out = text;
    for (const Normalizer& step : steps_) out = step.apply(out);
    return out;
  }
  if (type_ == "Replace") return replace_all(text, pattern_, regex_.get(), content_);
  if (type_ == "Prepend") return text.empty() ? text : content_ + text;
  if (type_ == "Lowercase") {
    std::string out;
    for (const std::string& c : utf8_chars(text)) {
      utf8proc_int32_t code_point = 0;
      utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(c.data()), c.size(), &code_point);
      out += code_point < 0 ? c : utf8_encode(utf8proc_tolower(code_point));
    }
    return out;
  }
  if (type_ == "Strip") {
    size_t begin = 0, end = text.size();
    if (strip_left_)
      while (begin < end && is_space(text[begin])) ++begin;
    if (strip_right_)
      while (end > begin && is_space(text[end - 1])) --end;
    return text.substr(begin, end - begin);
  }
  return utf8_normalize(text, type_);
}

}  // namespace tunedeck::tokenizer_json
