#include "core/tokenizer_json/pre_tokenizer.h"

#include <stdexcept>

#include "core/tokenizer_json/byte_level.h"
#include "core/tokenizer_json/normalizer.h"

namespace tunedeck::tokenizer_json {
namespace {

using nlohmann::json;

// GPT-2's own split, used by ByteLevel when use_regex is true.
const char kGpt2Pattern[] =
    "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

struct Span {
  size_t begin, end;
  bool is_match;
};

// The text as alternating spans of matches and the gaps between them.
std::vector<Span> spans_of(const std::string& text,
                           const std::vector<std::pair<size_t, size_t>>& matches) {
  std::vector<Span> spans;
  size_t last = 0;
  for (const auto& [begin, end] : matches) {
    if (begin > last) spans.push_back({last, begin, false});
    spans.push_back({begin, end, true});
    last = end;
  }
  if (last < text.size()) spans.push_back({last, text.size(), false});
  return spans;
}

std::vector<std::pair<size_t, size_t>> literal_matches(const std::string& text,
                                                       const std::string& literal) {
  std::vector<std::pair<size_t, size_t>> matches;
  for (size_t at = text.find(literal); at != std::string::npos;
       at = text.find(literal, at + literal.size()))
    matches.emplace_back(at, at + literal.size());
  return matches;
}

}  // namespace

PreTokenizer::PreTokenizer(const json& spec) {
  if (spec.is_null()) return;
  if (!spec.is_object() || !spec.contains("type") || !spec["type"].is_string())
    throw std::invalid_argument("pre_tokenizer.type is missing or not a string");
  type_ = spec["type"].get<std::string>();
  const std::string where = "pre_tokenizer (" + type_ + ")";
  if (type_ == "Sequence") {
    if (!spec.contains("pretokenizers") || !spec["pretokenizers"].is_array())
      throw std::invalid_argument("pre_tokenizer.pretokenizers is missing or not an array");
    for (const json& step : spec["pretokenizers"]) steps_.emplace_back(step);
  } else if (type_ == "Split") {
    read_pattern(spec.value("pattern", json()), where, literal_, regex_);
    const std::string behavior = spec.value("behavior", std::string("Isolated"));
    if (behavior == "Removed")
      behavior_ = Behavior::kRemoved;
    else if (behavior == "Isolated")
      behavior_ = Behavior::kIsolated;
    else if (behavior == "MergedWithPrevious")
      behavior_ = Behavior::kMergedWithPrevious;
    else if (behavior == "MergedWithNext")
      behavior_ = Behavior::kMergedWithNext;
    else if (behavior == "Contiguous")
      behavior_ = Behavior::kContiguous;
    else
      throw std::invalid_argument(where + ": unknown behavior '" + behavior + "'");
    invert_ = spec.value("invert", false);
  } else if (type_ == "ByteLevel") {
    add_prefix_space_ = spec.value("add_prefix_space", false);
    use_regex_ = spec.value("use_regex", true);
    if (use_regex_) regex_ = std::make_shared<Regex>(kGpt2Pattern);
  } else if (type_ == "Metaspace") {
    literal_ = spec.value("replacement", std::string("\xE2\x96\x81"));
    if (spec.contains("prepend_scheme") && spec["prepend_scheme"].is_string())
      prepend_scheme_ = spec["prepend_scheme"].get<std::string>();
    else
      prepend_scheme_ = spec.value("add_prefix_space", true) ? "always" : "never";
    if (prepend_scheme_ != "always" && prepend_scheme_ != "first" && prepend_scheme_ != "never")
      throw std::invalid_argument(where + ": unknown prepend_scheme '" + prepend_scheme_ + "'");
    metaspace_split_ = spec.value("split", true);
  } else if (type_ == "Digits") {
    individual_digits_ = spec.value("individual_digits", false);
    regex_ = std::make_shared<Regex>(individual_digits_ ? "\\p{N}" : "\\p{N}+");
  } else if (type_ == "Whitespace") {
    regex_ = std::make_shared<Regex>("\\w+|[^\\w\\s]+");
  } else if (type_ == "WhitespaceSplit") {
    regex_ = std::make_shared<Regex>("\\s+");
  } else if (type_ == "Punctuation") {
    regex_ = std::make_shared<Regex>("\\p{P}");
  } else {
    throw std::invalid_argument("pre_tokenizer type '" + type_ +
                                "' is not supported (known: Split, ByteLevel, Metaspace, Digits, "
                                "Whitespace, WhitespaceSplit, Punctuation, Sequence)");
  }
}

std::vector<PreToken> PreTokenizer::split(const std::vector<PreToken>& words, Behavior behavior,
                                          bool invert) const {
  std::vector<PreToken> out;
  for (const PreToken& word : words) {
    std::vector<Span> spans = spans_of(
        word.text, regex_ ? regex_->find_all(word.text) : literal_matches(word.text, literal_));
    if (invert)
      for (Span& s : spans) s.is_match = !s.is_match;
    std::vector<std::string> pieces;
    bool pending_next = false;  // MergedWithNext: the last piece waits for what follows
    bool last_was_match = false;
    for (const Span& s : spans) {
      const std::string text = word.text.substr(s.begin, s.end - s.begin);
      if (!s.is_match) {
        if (pending_next)
          pieces.back() += text;
        else
          pieces.push_back(text);
        pending_next = false;
      } else if (behavior == Behavior::kRemoved) {
        pending_next = false;
      } else if (behavior == Behavior::kIsolated) {
        pieces.push_back(text);
        pending_next = false;
      } else if (behavior == Behavior::kContiguous) {
        if (last_was_match && !pieces.empty())
          pieces.back() += text;
        else
          pieces.push_back(text);
      } else if (behavior == Behavior::kMergedWithPrevious) {
        if (!pieces.empty() && !last_was_match)
          pieces.back() += text;
        else
          pieces.push_back(text);
      } else {  // kMergedWithNext: a match joins the gap after it, never another match
        pieces.push_back(text);
        pending_next = true;
      }
      last_was_match = s.is_match;
    }
    for (size_t i = 0; i < pieces.size(); ++i)
      out.push_back({pieces[i], word.at_text_start && i == 0});
  }
  return out;
}

std::vector<PreToken> PreTokenizer::metaspace(const std::vector<PreToken>& words) const {
  std::vector<PreToken> replaced;
  for (const PreToken& word : words) {
    if (word.text.empty()) continue;
    std::string text = replace_all(word.text, " ", nullptr, literal_);
    const bool prepend =
        prepend_scheme_ == "always" || (prepend_scheme_ == "first" && word.at_text_start);
    if (prepend && text.compare(0, literal_.size(), literal_) != 0) text = literal_ + text;
    replaced.push_back({text, word.at_text_start});
  }
  if (!metaspace_split_) return replaced;
  std::vector<PreToken> out;
  for (const PreToken& word : replaced) {
    std::vector<std::string> pieces;
    size_t start = 0;
    for (size_t at = word.text.find(literal_, 1); at != std::string::npos;
         at = word.text.find(literal_, at + literal_.size())) {
      pieces.push_back(word.text.substr(start, at - start));
      start = at;
    }
    pieces.push_back(word.text.substr(start));
    for (size_t i = 0; i < pieces.size(); ++i)
      if (!pieces[i].empty()) out.push_back({pieces[i], word.at_text_start && i == 0});
  }
  return out;
}

std::vector<PreToken> PreTokenizer::apply(std::vector<PreToken> words) const {
  if (type_.empty()) return words;
  if (type_ == "Sequence") {
    for (const PreTokenizer& step : steps_) words = step.apply(std::move(words));
    return words;
  }
  if (type_ == "Split") return split(words, behavior_, invert_);
  if (type_ == "Metaspace") return metaspace(words);
  if (type_ == "Digits") return split(words, Behavior::kIsolated, false);
  if (type_ == "Whitespace") return split(words, Behavior::kIsolated, false);
  if (type_ == "WhitespaceSplit") return split(words, Behavior::kRemoved, false);
  if (type_ == "Punctuation") return split(words, Behavior::kIsolated, false);
  // ByteLevel
  if (add_prefix_space_)
    for (PreToken& word : words)
      if (word.text.empty() || word.text[0] != ' ') word.text = " " + word.text;
  if (use_regex_) words = split(words, Behavior::kIsolated, false);
  for (PreToken& word : words) word.text = byte_level_encode(word.text);
  return words;
}

}  // namespace tunedeck::tokenizer_json
