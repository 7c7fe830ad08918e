#include "agent/jinja/jinja_string.h"

#include <algorithm>

#include "agent/jinja/jinja_error.h"

namespace tunedeck::jinja {
namespace {

bool is_line_break(char32_t c) {
  return c == '\n' || c == '\r' || c == 0x0b || c == 0x0c || (c >= 0x1c && c <= 0x1e) ||
         c == 0x85 || c == 0x2028 || c == 0x2029;
}

bool in_chars(char32_t c, const std::u32string& chars) {
  return chars.find(c) != std::u32string::npos;
}

// Splits on runs of whitespace (str.split() with no separator), from the left.
std::vector<std::string> split_whitespace(const std::u32string& s, int64_t maxsplit) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && py_isspace(s[i])) ++i;
    if (i == s.size()) break;
    if (maxsplit >= 0 && static_cast<int64_t>(parts.size()) == maxsplit) {
      size_t end = s.size();
      while (end > i && py_isspace(s[end - 1])) --end;
      parts.push_back(utf8_encode(s.substr(i, end - i)));
      return parts;
    }
    size_t j = i;
    while (j < s.size() && !py_isspace(s[j])) ++j;
    parts.push_back(utf8_encode(s.substr(i, j - i)));
    i = j;
  }
  return parts;
}

// Mapping one case range: [first, last] shifted by `offset`.
struct CaseRange {
  char32_t first, last;
  int offset;
};

// Upper-case letters and how far their lower-case partners sit.
const CaseRange kUpperRanges[] = {
    {'A', 'Z', 32},     {0xC0, 0xD6, 32},   {0xD8, 0xDE, 32},    // Latin-1
    {0x391, 0x3A1, 32}, {0x3A3, 0x3AB, 32}, {0x386, 0x386, 38},  // Greek
    {0x388, 0x38A, 37}, {0x38C, 0x38C, 64}, {0x38E, 0x38F, 63},
    {0x410, 0x42F, 32}, {0x400, 0x40F, 80},  // Cyrillic
};

}  // namespace

std::u32string utf8_decode(const std::string& s) {
  std::u32string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = s[i];
    int extra = c < 0x80           ? 0
                : (c >> 5) == 0x6  ? 1
                : (c >> 4) == 0xE  ? 2
                : (c >> 3) == 0x1E ? 3
                                   : -1;
    if (extra < 0 || i + extra >= s.size()) {  // not a lead byte, or cut short
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    char32_t cp = extra == 0 ? c : extra == 1 ? (c & 0x1F) : extra == 2 ? (c & 0x0F) : (c & 0x07);
    bool ok = true;
    for (int k = 1; k <= extra; ++k) {
      const unsigned char cc = s[i + k];
      if ((cc & 0xC0) != 0x80) {
        ok = false;
        break;
      }
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (!ok) {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += extra + 1;
  }
  return out;
}

std::string utf8_encode(char32_t c) {
  std::string out;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}

std::string utf8_encode(const std::u32string& s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) out += utf8_encode(c);
  return out;
}

int64_t code_point_count(const std::string& s) {
  int64_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

bool py_isspace(char32_t c) {
  return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) || c == 0x85 || c == 0xa0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
         c == 0x205f || c == 0x3000;
}

char32_t py_upper(char32_t c) {
  for (const CaseRange& r : kUpperRanges)
    if (c >= r.first + r.offset && c <= r.last + r.offset) return c - r.offset;
  if (c == 0x3C2) return 0x3A3;  // final sigma
  return c;
}

char32_t py_lower(char32_t c) {
  for (const CaseRange& r : kUpperRanges)
    if (c >= r.first && c <= r.last) return c + r.offset;
  return c;
}

bool py_is_cased(char32_t c) { return py_upper(c) != c || py_lower(c) != c || c == 0xDF; }

bool py_is_word_char(char32_t c) {
  if (c < 0x80)
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  // Outside ASCII: letters of every script count; spaces and common punctuation do not.
  if (py_isspace(c)) return false;
  if ((c >= 0x2000 && c <= 0x206F) || (c >= 0x3000 && c <= 0x303F) ||
      (c >= 0xFF00 && c <= 0xFF0F) ||
      (c >= 0xA1 && c <= 0xBF && c != 0xAA && c != 0xB2 && c != 0xB3 && c != 0xB5 && c != 0xB9 &&
       c != 0xBA && c != 0xBC && c != 0xBD && c != 0xBE) ||
      c == 0xD7 || c == 0xF7)
    return false;
  return true;
}

std::string py_strip(const std::string& s, const std::optional<std::string>& chars, bool left,
                     bool right) {
  const std::u32string text = utf8_decode(s);
  const std::u32string set = chars ? utf8_decode(*chars) : std::u32string();
  auto strip_it = [&](char32_t c) { return chars ? in_chars(c, set) : py_isspace(c); };
  size_t begin = 0, end = text.size();
  if (left)
    while (begin < end && strip_it(text[begin])) ++begin;
  if (right)
    while (end > begin && strip_it(text[end - 1])) --end;
  return utf8_encode(text.substr(begin, end - begin));
}

std::vector<std::string> py_split(const std::string& s, const std::optional<std::string>& sep,
                                  int64_t maxsplit) {
  if (!sep) return split_whitespace(utf8_decode(s), maxsplit);
  if (sep->empty()) throw JinjaError("ValueError", "empty separator");
  std::vector<std::string> parts;
  size_t start = 0;
  while (maxsplit < 0 || static_cast<int64_t>(parts.size()) < maxsplit) {
    const size_t at = s.find(*sep, start);
    if (at == std::string::npos) break;
    parts.push_back(s.substr(start, at - start));
    start = at + sep->size();
  }
  parts.push_back(s.substr(start));
  return parts;
}

std::vector<std::string> py_rsplit(const std::string& s, const std::optional<std::string>& sep,
                                   int64_t maxsplit) {
  if (maxsplit < 0) return py_split(s, sep, maxsplit);
  if (!sep) {
    // Split from the right on whitespace runs: reverse, split from the left, reverse back.
    std::u32string text = utf8_decode(s);
    std::reverse(text.begin(), text.end());
    std::vector<std::string> parts;
    for (const std::string& part : split_whitespace(text, maxsplit)) {
      std::u32string p = utf8_decode(part);
      std::reverse(p.begin(), p.end());
      parts.insert(parts.begin(), utf8_encode(p));
    }
    return parts;
  }
  if (sep->empty()) throw JinjaError("ValueError", "empty separator");
  std::vector<std::string> parts;
  size_t end = s.size();
  while (static_cast<int64_t>(parts.size()) < maxsplit) {
    if (end < sep->size()) break;
    const size_t at = s.rfind(*sep, end - sep->size());
    if (at == std::string::npos) break;
    parts.insert(parts.begin(), s.substr(at + sep->size(), end - at - sep->size()));
    end = at;
  }
  parts.insert(parts.begin(), s.substr(0, end));
  return parts;
}

std::vector<std::string> py_splitlines(const std::string& s, bool keepends) {
  const std::u32string text = utf8_decode(s);
  std::vector<std::string> lines;
  size_t start = 0, i = 0;
  while (i < text.size()) {
    if (!is_line_break(text[i])) {
      ++i;
      continue;
    }
    size_t brk = (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ? 2 : 1;
    lines.push_back(utf8_encode(text.substr(start, i - start + (keepends ? brk : 0))));
    i += brk;
    start = i;
  }
  if (start < text.size()) lines.push_back(utf8_encode(text.substr(start)));
  return lines;
}

std::string py_replace(const std::string& s, const std::string& old_text,
                       const std::string& new_text, int64_t count) {
  std::string out;
  if (old_text.empty()) {
    const std::u32string text = utf8_decode(s);
    int64_t done = 0;
    for (size_t i = 0; i <= text.size(); ++i) {
      if (count < 0 || done < count) {
        out += new_text;
        ++done;
      }
      if (i < text.size()) out += utf8_encode(text[i]);
    }
    return out;
  }
  size_t start = 0;
  int64_t done = 0;
  while (count < 0 || done < count) {
    const size_t at = s.find(old_text, start);
    if (at == std::string::npos) break;
    out.append(s, start, at - start);
    out += new_text;
    start = at + old_text.size();
    ++done;
  }
  out.append(s, start, std::string::npos);
  return out;
}

std::string py_upper(const std::string& s) {
  std::u32string text = utf8_decode(s);
  for (char32_t& c : text) c = py_upper(c);
  return utf8_encode(text);
}

std::string py_lower(const std::string& s) {
  std::u32string text = utf8_decode(s);
  for (char32_t& c : text) c = py_lower(c);
  return utf8_encode(text);
}

std::string py_title(const std::string& s) {
  std::u32string text = utf8_decode(s);
  bool previous_cased = false;
  for (char32_t& c : text) {
    const bool cased = py_is_cased(c);
    c = previous_cased ? py_lower(c) : py_upper(c);
    previous_cased = cased;
  }
  return utf8_encode(text);
}

std::string py_capitalize(const std::string& s) {
  std::u32string text = utf8_decode(s);
  for (size_t i = 0; i < text.size(); ++i) text[i] = i == 0 ? py_upper(text[i]) : py_lower(text[i]);
  return utf8_encode(text);
}

int64_t py_find(const std::string& s, const std::string& sub, bool from_right) {
  const size_t at = from_right ? s.rfind(sub) : s.find(sub);
  if (at == std::string::npos) return -1;
  return code_point_count(s.substr(0, at));
}

int64_t py_count(const std::string& s, const std::string& sub) {
  if (sub.empty()) return code_point_count(s) + 1;
  int64_t n = 0;
  for (size_t at = s.find(sub); at != std::string::npos; at = s.find(sub, at + sub.size())) ++n;
  return n;
}

}  // namespace tunedeck::jinja
