// Python's str operations over UTF-8 text, counted in code points as Python counts them: strip,
// split, splitlines, case mapping, title(), find(). Used by the Jinja engine's filters and string
// methods. Not a Unicode library: upper/lower/title map ASCII, Latin-1, Greek and Cyrillic letters
// only (other scripts pass through unchanged). Pure functions; thread-safe.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tunedeck::jinja {

std::u32string utf8_decode(const std::string& s);  // invalid bytes become U+FFFD
std::string utf8_encode(const std::u32string& s);
std::string utf8_encode(char32_t c);
int64_t code_point_count(const std::string& s);

bool py_isspace(
    char32_t c);  // str.isspace(): ASCII whitespace, \x1c-\x1f, \x85, \xa0, U+2000.. ...
char32_t py_upper(char32_t c);
char32_t py_lower(char32_t c);
bool py_is_cased(char32_t c);
bool py_is_word_char(
    char32_t c);  // regex \w: letters, digits, underscore (non-ASCII: not space/punct)

// str.strip/lstrip/rstrip([chars]); no chars: Python whitespace.
std::string py_strip(const std::string& s, const std::optional<std::string>& chars, bool left,
                     bool right);
// str.split(sep=None, maxsplit=-1) and rsplit; sep "" throws ValueError "empty separator".
std::vector<std::string> py_split(const std::string& s, const std::optional<std::string>& sep,
                                  int64_t maxsplit);
std::vector<std::string> py_rsplit(const std::string& s, const std::optional<std::string>& sep,
                                   int64_t maxsplit);
// str.splitlines(keepends): breaks at \n, \r\n, \r, \v, \f, \x1c-\x1e, \x85, U+2028, U+2029.
std::vector<std::string> py_splitlines(const std::string& s, bool keepends);
// str.replace(old, new, count=-1); an empty `old` inserts `new` between code points.
std::string py_replace(const std::string& s, const std::string& old_text,
                       const std::string& new_text, int64_t count);
std::string py_upper(const std::string& s);
std::string py_lower(const std::string& s);
std::string py_title(const std::string& s);       // str.title()
std::string py_capitalize(const std::string& s);  // str.capitalize()
// str.find(sub) / rfind(sub), in code points; -1 when absent.
int64_t py_find(const std::string& s, const std::string& sub, bool from_right);
int64_t py_count(const std::string& s, const std::string& sub);

}  // namespace tunedeck::jinja
