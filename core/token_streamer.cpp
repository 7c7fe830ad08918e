#include "core/token_streamer.h"

#include <algorithm>

namespace tunedeck {
namespace {

const std::string kReplacementChar =
    "\xEF\xBF\xBD";  // U+FFFD: what an incomplete byte run decodes to

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::vector<int> slice(const std::vector<int>& ids, size_t from, size_t to) {
  return std::vector<int>(ids.begin() + from, ids.begin() + to);
}

}  // namespace

// Decoding a window [prefix_offset_, end) and subtracting the already-shown part [prefix_offset_,
// read_offset_) keeps the leading-space rule of sentencepiece identical on both sides.
std::string TokenStreamer::push(int id) {
  ids_.push_back(id);
  const std::string prefix_text = tokenizer_.decode(slice(ids_, prefix_offset_, read_offset_));
  const std::string new_text = tokenizer_.decode(slice(ids_, prefix_offset_, ids_.size()));
  if (new_text.size() <= prefix_text.size() || ends_with(new_text, kReplacementChar)) return "";
  prefix_offset_ = read_offset_;
  read_offset_ = ids_.size();
  return new_text.substr(prefix_text.size());
}

std::string TokenStreamer::flush() {
  const std::string prefix_text = tokenizer_.decode(slice(ids_, prefix_offset_, read_offset_));
  const std::string all_text = tokenizer_.decode(slice(ids_, prefix_offset_, ids_.size()));
  prefix_offset_ = read_offset_ = ids_.size();
  return all_text.size() > prefix_text.size() ? all_text.substr(prefix_text.size()) : "";
}

std::string StopStringFilter::feed(const std::string& piece) {
  if (stopped_) return "";
  pending_ += piece;
  // A complete stop string: show what precedes it, drop the rest.
  size_t first_stop = std::string::npos;
  for (const auto& stop : stops_) {
    if (stop.empty()) continue;
    size_t at = pending_.find(stop);
    if (at != std::string::npos) first_stop = std::min(first_stop, at);
  }
  if (first_stop != std::string::npos) {
    stopped_ = true;
    std::string out = pending_.substr(0, first_stop);
    pending_.clear();
    shown_ += out;
    return out;
  }
  // Hold back the longest tail that is a proper prefix of some stop string.
  size_t hold = 0;
  for (const auto& stop : stops_) {
    if (stop.empty()) continue;
    for (size_t len = std::min(stop.size() - 1, pending_.size()); len > hold; --len) {
      if (pending_.compare(pending_.size() - len, len, stop, 0, len) == 0) {
        hold = len;
        break;
      }
    }
  }
  std::string out = pending_.substr(0, pending_.size() - hold);
  pending_.erase(0, pending_.size() - hold);
  shown_ += out;
  return out;
}

std::string StopStringFilter::flush() {
  if (stopped_) return "";
  std::string out = pending_;
  pending_.clear();
  shown_ += out;
  return out;
}

}  // namespace tunedeck
