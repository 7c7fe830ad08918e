// A compiled regular expression for tokenizer.json's Split pre-tokenizers and Replace steps:
// PCRE2 with Unicode properties (\p{L}, \p{N}), lookahead and JIT, as the families' patterns
// need. Not for anything but finding matches in valid UTF-8.
// Thread rules: immutable after construction; find_all from any thread.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tunedeck::tokenizer_json {

class Regex {
 public:
  // Throws std::invalid_argument with PCRE2's message and the offset in the pattern.
  explicit Regex(const std::string& pattern);
  ~Regex();
  Regex(Regex&&) noexcept;
  Regex& operator=(Regex&&) noexcept;

  // Every non-empty, non-overlapping match as [begin, end) byte offsets, left to right.
  std::vector<std::pair<size_t, size_t>> find_all(const std::string& text) const;

 private:
  struct Compiled;
  std::unique_ptr<Compiled> compiled_;
};

}  // namespace tunedeck::tokenizer_json
