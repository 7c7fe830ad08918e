// Turns generated ids into text as they arrive: whole UTF-8 characters only (byte-fallback
// pieces are joined first), and text that could be the start of a stop string held back until
// it is known not to be. Not for batch decoding (Tokenizer::decode). One per generation.
#pragma once
#include <string>
#include <vector>

#include "core/tokenizer.h"

namespace tunedeck {

class TokenStreamer {
 public:
  explicit TokenStreamer(const Tokenizer& tokenizer) : tokenizer_(tokenizer) {}
  // Returns the text that id completes (often one piece, empty while inside a UTF-8 sequence).
  std::string push(int id);
  // The rest, incomplete bytes included, at the end of generation.
  std::string flush();

 private:
  const Tokenizer& tokenizer_;
  std::vector<int> ids_;
  size_t prefix_offset_ = 0;  // ids_[prefix_offset_, read_offset_) were already emitted
  size_t read_offset_ = 0;
};

// Watches streamed text for stop strings. feed() returns what may be shown now; text that could
// still grow into a stop string is held back. Once a stop string is seen, stopped() is true and
// nothing from the stop string on is ever returned.
class StopStringFilter {
 public:
  explicit StopStringFilter(std::vector<std::string> stops) : stops_(std::move(stops)) {}
  std::string feed(const std::string& piece);
  std::string flush();  // held-back text when generation ends for another reason
  bool stopped() const { return stopped_; }
  const std::string& text() const { return shown_; }  // everything returned so far

 private:
  std::vector<std::string> stops_;
  std::string pending_;
  std::string shown_;
  bool stopped_ = false;
};

}  // namespace tunedeck
