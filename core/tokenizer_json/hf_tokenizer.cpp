#include "core/tokenizer_json/hf_tokenizer.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/tokenizer_json/utf8.h"

namespace tunedeck::tokenizer_json {
namespace {

using nlohmann::json;

// Ids beyond this many past the vocabulary are a broken file, not a big model.
constexpr int64_t kMaxIdsPastVocabulary = 1 << 20;

bool is_word_char(unsigned char c) { return std::isalnum(c) || c == '_' || c >= 0x80; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// file[key] without copying it (json::value copies, and the vocabulary and merges are large).
const json& field(const json& file, const char* key) {
  static const json null;
  const auto it = file.find(key);
  return it == file.end() ? null : *it;
}

json read_json_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error(path + ": cannot open tokenizer.json");
  std::stringstream text;
  text << file.rdbuf();
  try {
    return json::parse(text.str());
  } catch (const json::exception& e) {
    throw std::runtime_error(path + ": not valid JSON (truncated?): " + e.what());
  }
}

}  // namespace

std::unique_ptr<HfTokenizer> HfTokenizer::load(const std::string& path) {
  const json file = read_json_file(path);
  try {
    if (!file.is_object()) throw std::invalid_argument("the top level is not an object");
    return std::unique_ptr<HfTokenizer>(new HfTokenizer(file));
  } catch (const std::exception& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

HfTokenizer::HfTokenizer(const json& file)
    : model_(std::make_unique<BpeModel>(field(file, "model"))),
      normalizer_(field(file, "normalizer")),
      pre_tokenizer_(field(file, "pre_tokenizer")),
      decoder_(field(file, "decoder")) {
  for (const auto& [token, id] : model_->vocab()) {
    if (static_cast<size_t>(id) >= pieces_.size()) pieces_.resize(id + 1);
    pieces_[id] = token;
  }
  read_added_tokens(field(file, "added_tokens"));
  read_post_processor(field(file, "post_processor"));
}

void HfTokenizer::read_added_tokens(const json& added) {
  trie_.emplace_back();
  if (added.is_null()) return;
  if (!added.is_array()) throw std::invalid_argument("added_tokens is not an array");
  const int64_t limit = static_cast<int64_t>(model_->vocab().size()) + kMaxIdsPastVocabulary;
  for (size_t i = 0; i < added.size(); ++i) {
    const json& entry = added[i];
    const std::string where = "added_tokens[" + std::to_string(i) + "]";
    if (!entry.is_object() || !entry.contains("content") || !entry["content"].is_string() ||
        entry["content"].get<std::string>().empty())
      throw std::invalid_argument(where + ".content is missing or empty");
    if (!entry.contains("id") || !entry["id"].is_number_integer() ||
        entry["id"].get<int64_t>() < 0 || entry["id"].get<int64_t>() >= limit)
      throw std::invalid_argument(where +
                                  ".id is missing, negative or far beyond the vocabulary (" +
                                  std::to_string(model_->vocab().size()) + " tokens)");
    AddedToken token;
    token.content = entry["content"].get<std::string>();
    token.id = entry["id"].get<int>();
    token.special = entry.value("special", false);
    token.lstrip = entry.value("lstrip", false);
    token.rstrip = entry.value("rstrip", false);
    token.single_word = entry.value("single_word", false);
    if (static_cast<size_t>(token.id) >= pieces_.size()) pieces_.resize(token.id + 1);
    pieces_[token.id] = token.content;
    added_ids_[token.content] = token.id;
    int node = 0;
    for (unsigned char c : token.content) {
      auto it = trie_[node].next.find(c);
      if (it == trie_[node].next.end()) {
        trie_.emplace_back();
        it = trie_[node].next.emplace(c, static_cast<int>(trie_.size()) - 1).first;
      }
      node = it->second;
    }
    trie_[node].token = static_cast<int>(added_.size());
    added_.push_back(token);
  }
}

void HfTokenizer::read_post_processor(const json& spec) {
  if (spec.is_null()) return;
  const std::string type = spec.value("type", std::string());
  if (type == "Sequence") {
    for (const json& step : spec.value("processors", json::array())) read_post_processor(step);
    return;
  }
  if (type == "ByteLevel") return;  // offsets only
  if (type != "TemplateProcessing")
    throw std::invalid_argument(
        "post_processor type '" + type +
        "' is not supported (known: TemplateProcessing, ByteLevel, Sequence)");
  const json specials = spec.value("special_tokens", json::object());
  bool after_sequence = false;
  for (const json& item : spec.value("single", json::array())) {
    if (item.contains("Sequence")) {
      after_sequence = true;
      continue;
    }
    if (!item.contains("SpecialToken")) continue;
    const std::string name = item["SpecialToken"].value("id", std::string());
    if (!specials.contains(name) || !specials[name].contains("ids") ||
        !specials[name]["ids"].is_array())
      throw std::invalid_argument("post_processor.special_tokens lacks '" + name + "'");
    for (const json& id : specials[name]["ids"]) {
      if (!id.is_number_integer() || id.get<int64_t>() < 0 ||
          id.get<int64_t>() >= static_cast<int64_t>(pieces_.size()))
        throw std::invalid_argument("post_processor.special_tokens['" + name +
                                    "'] has an id outside the vocabulary");
      (after_sequence ? suffix_ids_ : prefix_ids_).push_back(id.get<int>());
    }
  }
}

int HfTokenizer::match_added(const std::string& text, size_t at, size_t& end) const {
  int node = 0, best = -1;
  for (size_t i = at; i < text.size(); ++i) {
    const auto it = trie_[node].next.find(static_cast<unsigned char>(text[i]));
    if (it == trie_[node].next.end()) break;
    node = it->second;
    if (trie_[node].token >= 0) {
      best = trie_[node].token;
      end = i + 1;
    }
  }
  if (best >= 0 && added_[best].single_word) {
    const bool word_before = at > 0 && is_word_char(static_cast<unsigned char>(text[at - 1]));
    const bool word_after =
        end < text.size() && is_word_char(static_cast<unsigned char>(text[end]));
    if (word_before || word_after) return -1;
  }
  return best;
}

void HfTokenizer::encode_segment(const std::string& text, bool at_text_start,
                                 std::vector<int>& ids) const {
  if (text.empty()) return;
  for (const PreToken& word : pre_tokenizer_.apply({{normalizer_.apply(text), at_text_start}}))
    model_->encode_word(word.text, ids);
}

std::vector<int> HfTokenizer::encode(const std::string& text) const {
  utf8_require_valid(text);
  std::vector<int> ids;
  size_t segment_begin = 0, pos = 0;
  while (pos < text.size()) {
    size_t end = 0;
    const int match = trie_.empty() ? -1 : match_added(text, pos, end);
    if (match < 0) {
      ++pos;
      continue;
    }
    const AddedToken& token = added_[match];
    size_t before_end = pos;
    if (token.lstrip)
      while (before_end > segment_begin && is_space(text[before_end - 1])) --before_end;
    encode_segment(text.substr(segment_begin, before_end - segment_begin), segment_begin == 0, ids);
    ids.push_back(token.id);
    if (token.rstrip)
      while (end < text.size() && is_space(text[end])) ++end;
    segment_begin = pos = end;
  }
  encode_segment(text.substr(segment_begin), segment_begin == 0, ids);
  return ids;
}

std::string HfTokenizer::decode(const std::vector<int>& ids) const {
  std::vector<std::string> tokens;
  tokens.reserve(ids.size());
  for (int id : ids) {
    if (id < 0 || static_cast<size_t>(id) >= pieces_.size())
      throw std::out_of_range("token id " + std::to_string(id) + " is outside the vocabulary (0.." +
                              std::to_string(pieces_.size() - 1) + ")");
    tokens.push_back(pieces_[id]);
  }
  std::string text;
  for (const std::string& piece : decoder_.apply(std::move(tokens))) text += piece;
  return text;
}

std::string HfTokenizer::id_to_piece(int id) const {
  return id >= 0 && static_cast<size_t>(id) < pieces_.size() ? pieces_[id] : "";
}

int HfTokenizer::piece_to_id(const std::string& piece) const {
  const auto added = added_ids_.find(piece);
  if (added != added_ids_.end()) return added->second;
  const auto it = model_->vocab().find(piece);
  return it != model_->vocab().end() ? it->second : model_->unk_id();
}

bool HfTokenizer::is_byte(int id) const {
  if (!model_->byte_fallback()) return false;
  const std::string piece = id_to_piece(id);
  return piece.size() == 6 && piece.compare(0, 3, "<0x") == 0 && piece[5] == '>';
}

}  // namespace tunedeck::tokenizer_json
