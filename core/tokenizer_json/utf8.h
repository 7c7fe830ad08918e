// UTF-8 helpers for the tokenizer.json pipeline: cutting text into characters, code points to
// bytes, NFC/NFKC (utf8proc) and the lossy decoding Hugging Face applies to byte runs.
// Not a general Unicode library.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace tunedeck::tokenizer_json {

// Byte length of the UTF-8 character starting at s[i] (1 for an invalid lead byte).
size_t utf8_char_length(const std::string& s, size_t i);
// The characters of s, each as its bytes.
std::vector<std::string> utf8_chars(const std::string& s);
// The encoding of one code point.
std::string utf8_encode(uint32_t code_point);
// Throws std::invalid_argument naming the byte offset when s is not valid UTF-8.
void utf8_require_valid(const std::string& s);
// s with every invalid or incomplete sequence replaced by U+FFFD (Rust's from_utf8_lossy).
std::string utf8_lossy(const std::string& s);
// Unicode normalization: "NFC", "NFD", "NFKC" or "NFKD".
std::string utf8_normalize(const std::string& s, const std::string& form);

}  // namespace tunedeck::tokenizer_json
