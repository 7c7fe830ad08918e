#include "core/tokenizer_json/bpe_model.h"

#include <cstdio>
#include <queue>
#include <stdexcept>

#include "core/tokenizer_json/utf8.h"

namespace tunedeck::tokenizer_json {
namespace {

using nlohmann::json;

std::string optional_string(const json& model, const char* key) {
  return model.contains(key) && model[key].is_string() ? model[key].get<std::string>() : "";
}

bool optional_bool(const json& model, const char* key) {
  return model.contains(key) && model[key].is_boolean() && model[key].get<bool>();
}

}  // namespace

BpeModel::BpeModel(const json& model) {
  const std::string type = optional_string(model, "type");
  if (type != "BPE")
    throw std::invalid_argument("model.type '" + type + "' is not supported (tunedeck reads BPE)");
  if (!model.contains("vocab") || !model["vocab"].is_object())
    throw std::invalid_argument("model.vocab is missing or not an object");
  vocab_.reserve(model["vocab"].size());
  for (const auto& [token, id] : model["vocab"].items()) {
    if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() > INT32_MAX)
      throw std::invalid_argument("model.vocab['" + token + "'] is not a non-negative id");
    vocab_.emplace(token, id.get<int>());
  }
  if (!optional_string(model, "continuing_subword_prefix").empty() ||
      !optional_string(model, "end_of_word_suffix").empty())
    throw std::invalid_argument(
        "model.continuing_subword_prefix / end_of_word_suffix are not supported");
  byte_fallback_ = optional_bool(model, "byte_fallback");
  fuse_unk_ = optional_bool(model, "fuse_unk");
  ignore_merges_ = optional_bool(model, "ignore_merges");
  const std::string unk = optional_string(model, "unk_token");
  if (!unk.empty()) {
    const auto it = vocab_.find(unk);
    if (it == vocab_.end())
      throw std::invalid_argument("model.unk_token '" + unk + "' is not in model.vocab");
    unk_id_ = it->second;
  }
  for (int b = 0; b < 256; ++b) {
    char piece[8];
    std::snprintf(piece, sizeof(piece), "<0x%02X>", b);
    const auto it = vocab_.find(piece);
    byte_ids_[b] = it == vocab_.end() ? -1 : it->second;
  }
  if (!model.contains("merges") || !model["merges"].is_array())
    throw std::invalid_argument("model.merges is missing or not an array");
  read_merges(model["merges"]);
}

void BpeModel::read_merges(const json& merges) {
  merges_.reserve(merges.size());
  int rank = 0;
  for (const json& merge : merges) {
    std::string left, right;
    if (merge.is_string()) {
      const std::string text = merge.get<std::string>();
      const size_t space = text.find(' ');
      if (space == std::string::npos || text.find(' ', space + 1) != std::string::npos)
        throw std::invalid_argument("model.merges[" + std::to_string(rank) + "] '" + text +
                                    "' is not two tokens separated by one space");
      left = text.substr(0, space);
      right = text.substr(space + 1);
    } else if (merge.is_array() && merge.size() == 2 && merge[0].is_string() &&
               merge[1].is_string()) {
      left = merge[0].get<std::string>();
      right = merge[1].get<std::string>();
    } else {
      throw std::invalid_argument("model.merges[" + std::to_string(rank) +
                                  "] is neither \"a b\" nor [\"a\", \"b\"]");
    }
    const auto l = vocab_.find(left), r = vocab_.find(right), m = vocab_.find(left + right);
    if (l == vocab_.end() || r == vocab_.end() || m == vocab_.end())
      throw std::invalid_argument("model.merges[" + std::to_string(rank) + "] (" + left + " + " +
                                  right + ") names a token model.vocab lacks");
    merges_.emplace(pair_key(l->second, r->second), Merge{rank, m->second});
    ++rank;
  }
}

std::vector<int> BpeModel::initial_symbols(const std::string& word) const {
  std::vector<int> symbols;
  bool last_was_unk = false;
  auto push_unk = [&] {
    if (unk_id_ < 0) return;  // no unknown token: the character is dropped, as HF does
    if (!(fuse_unk_ && last_was_unk)) symbols.push_back(unk_id_);
    last_was_unk = true;
  };
  for (size_t i = 0; i < word.size();) {
    const size_t n = utf8_char_length(word, i);
    const auto it = vocab_.find(word.substr(i, n));
    if (it != vocab_.end()) {
      symbols.push_back(it->second);
      last_was_unk = false;
    } else if (byte_fallback_) {
      bool all_bytes = true;
      for (size_t k = 0; k < n; ++k)
        all_bytes &= byte_ids_[static_cast<unsigned char>(word[i + k])] >= 0;
      if (all_bytes) {
        for (size_t k = 0; k < n; ++k)
          symbols.push_back(byte_ids_[static_cast<unsigned char>(word[i + k])]);
        last_was_unk = false;
      } else {
        push_unk();
      }
    } else {
      push_unk();
    }
    i += n;
  }
  return symbols;
}

// The lowest-ranked adjacent pair merges first (the leftmost among equals), as Hugging Face's
// BPE does: a queue of candidate pairs over a linked list of symbols, O(n log n) per word.
void BpeModel::apply_merges(std::vector<int>& symbols) const {
  const int n = static_cast<int>(symbols.size());
  if (n < 2) return;
  std::vector<int> prev(n), next(n);
  for (int i = 0; i < n; ++i) {
    prev[i] = i - 1;
    next[i] = i + 1 < n ? i + 1 : -1;
  }
  struct Candidate {
    int rank, left, right_id, left_id;
    bool operator>(const Candidate& o) const {
      return rank != o.rank ? rank > o.rank : left > o.left;
    }
  };
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> queue;
  auto consider = [&](int left) {
    if (left < 0 || next[left] < 0) return;
    const auto it = merges_.find(pair_key(symbols[left], symbols[next[left]]));
    if (it != merges_.end())
      queue.push({it->second.rank, left, symbols[next[left]], symbols[left]});
  };
  for (int i = 0; i + 1 < n; ++i) consider(i);
  std::vector<bool> gone(n, false);
  while (!queue.empty()) {
    const Candidate c = queue.top();
    queue.pop();
    const int right = next[c.left];
    // Stale: one side merged away or changed since the candidate was queued.
    if (gone[c.left] || right < 0 || symbols[c.left] != c.left_id || symbols[right] != c.right_id)
      continue;
    symbols[c.left] = merges_.at(pair_key(c.left_id, c.right_id)).merged_id;
    gone[right] = true;
    next[c.left] = next[right];
    if (next[right] >= 0) prev[next[right]] = c.left;
    consider(prev[c.left]);
    consider(c.left);
  }
  std::vector<int> merged;
  for (int i = 0; i >= 0; i = next[i]) merged.push_back(symbols[i]);
  symbols.swap(merged);
}

void BpeModel::encode_word(const std::string& word, std::vector<int>& ids) const {
  if (word.empty()) return;
  if (ignore_merges_) {
    const auto it = vocab_.find(word);
    if (it != vocab_.end()) {
      ids.push_back(it->second);
      return;
    }
  }
  std::vector<int> symbols = initial_symbols(word);
  apply_merges(symbols);
  ids.insert(ids.end(), symbols.begin(), symbols.end());
}

}  // namespace tunedeck::tokenizer_json
