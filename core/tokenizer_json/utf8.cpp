#include "core/tokenizer_json/utf8.h"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace tunedeck::tokenizer_json {
namespace {

const std::string kReplacement = "\xEF\xBF\xBD";

// The length of a valid sequence at s[i], or 0 when the bytes there are not one.
size_t valid_sequence_length(const std::string& s, size_t i) {
  utf8proc_int32_t code_point = 0;
  const auto* start = reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i);
  const utf8proc_ssize_t n =
      utf8proc_iterate(start, static_cast<utf8proc_ssize_t>(s.size() - i), &code_point);
  return n > 0 ? static_cast<size_t>(n) : 0;
}

}  // namespace

size_t utf8_char_length(const std::string& s, size_t i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  size_t n = lead < 0x80           ? 1
             : (lead >> 5) == 0x6  ? 2
             : (lead >> 4) == 0xE  ? 3
             : (lead >> 3) == 0x1E ? 4
                                   : 1;
  return i + n <= s.size() ? n : 1;
}

std::vector<std::string> utf8_chars(const std::string& s) {
  std::vector<std::string> chars;
  for (size_t i = 0; i < s.size();) {
    const size_t n = utf8_char_length(s, i);
    chars.push_back(s.substr(i, n));
    i += n;
  }
  return chars;
}

std::string utf8_encode(uint32_t code_point) {
  utf8proc_uint8_t buffer[4];
  const utf8proc_ssize_t n =
      utf8proc_encode_char(static_cast<utf8proc_int32_t>(code_point), buffer);
  return std::string(reinterpret_cast<const char*>(buffer), static_cast<size_t>(n));
}

void utf8_require_valid(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = valid_sequence_length(s, i);
    if (n == 0)
      throw std::invalid_argument("text is not valid UTF-8 (byte " + std::to_string(i) + ")");
    i += n;
  }
}

std::string utf8_lossy(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const size_t n = valid_sequence_length(s, i);
    if (n > 0) {
      out.append(s, i, n);
      i += n;
      continue;
    }
    // Like Rust's from_utf8_lossy: one U+FFFD for the longest prefix of a valid sequence.
    const size_t want = utf8_char_length(s, i);
    size_t bad = 1;
    while (bad < want && i + bad < s.size() &&
           (static_cast<unsigned char>(s[i + bad]) & 0xC0) == 0x80)
      ++bad;
    out += kReplacement;
    i += bad;
  }
  return out;
}

std::string utf8_normalize(const std::string& s, const std::string& form) {
  int options = UTF8PROC_STABLE;
  if (form == "NFC")
    options |= UTF8PROC_COMPOSE;
  else if (form == "NFD")
    options |= UTF8PROC_DECOMPOSE;
  else if (form == "NFKC")
    options |= UTF8PROC_COMPOSE | UTF8PROC_COMPAT;
  else if (form == "NFKD")
    options |= UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT;
  else
    throw std::invalid_argument("unknown normalization form '" + form + "'");
  utf8proc_uint8_t* result = nullptr;
  const utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.c_str()),
                                          static_cast<utf8proc_ssize_t>(s.size()), &result,
                                          static_cast<utf8proc_option_t>(options));
  if (n < 0)
    throw std::invalid_argument(std::string("cannot normalize text: ") + utf8proc_errmsg(n));
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(result, &std::free);
  return std::string(reinterpret_cast<const char*>(result), static_cast<size_t>(n));
}

}  // namespace tunedeck::tokenizer_json
