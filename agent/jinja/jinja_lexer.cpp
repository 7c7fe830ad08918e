#include "agent/jinja/jinja_lexer.h"

#include <charconv>
#include <cstring>

#include "agent/jinja/jinja_error.h"
#include "agent/jinja/jinja_string.h"

namespace tunedeck::jinja {
namespace {

bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || is_digit(c); }

// \r\n and \r become \n; one trailing newline goes (jinja2's keep_trailing_newline=False).
std::string normalize_newlines(const std::string& source) {
  std::string out;
  out.reserve(source.size());
  for (size_t i = 0; i < source.size(); ++i) {
    if (source[i] == '\r') {
      out += '\n';
      if (i + 1 < source.size() && source[i + 1] == '\n') ++i;
    } else {
      out += source[i];
    }
  }
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

bool all_whitespace(const std::string& s) {
  return !s.empty() && py_strip(s, std::nullopt, true, false).empty();
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

class Lexer {
 public:
  Lexer(const std::string& source, const std::string& name)
      : src_(normalize_newlines(source)), name_(name) {}

  std::vector<Token> run() {
    while (pos_ < src_.size()) lex_root();
    push(TokenType::kEnd, "", src_.size());
    return std::move(tokens_);
  }

 private:
  [[noreturn]] void fail(const std::string& message, size_t at) {
    throw JinjaError("TemplateSyntaxError", message, name_, line_at(at));
  }

  // The line of byte `at`; positions are asked for in increasing order, mostly.
  int line_at(size_t at) {
    if (at < line_pos_) {
      line_pos_ = 0;
      line_ = 1;
    }
    for (; line_pos_ < at && line_pos_ < src_.size(); ++line_pos_)
      if (src_[line_pos_] == '\n') ++line_;
    return line_;
  }

  Token& push(TokenType type, std::string text, size_t at) {
    Token token;
    token.type = type;
    token.text = std::move(text);
    token.line = line_at(at);
    tokens_.push_back(std::move(token));
    return tokens_.back();
  }

  bool starts_with(size_t at, const char* s) const {
    return src_.compare(at, std::strlen(s), s) == 0;
  }

  size_t skip_space(size_t at) const {
    while (at < src_.size() && is_ascii_space(src_[at])) ++at;
    return at;
  }

  // The first "{{", "{%" or "{#" at or after `from`.
  size_t next_tag(size_t from) const {
    for (size_t at = src_.find('{', from); at != std::string::npos; at = src_.find('{', at + 1))
      if (at + 1 < src_.size() &&
          (src_[at + 1] == '{' || src_[at + 1] == '%' || src_[at + 1] == '#'))
        return at;
    return std::string::npos;
  }

  // Text before a tag, with the tag's whitespace control applied: "-" strips all whitespace
  // before it; otherwise (lstrip_blocks) a block or comment tag alone on its line takes the
  // indentation before it. `line_starting`: the text begins a line.
  std::string strip_before(std::string text, char sign, bool is_variable, bool line_starting) {
    if (sign == '-') return py_strip(text, std::nullopt, false, true);
    if (sign == '+' || is_variable) return text;
    const size_t line_start = text.rfind('\n') + 1;  // npos + 1 == 0
    if ((line_start > 0 || line_starting) && all_whitespace(text.substr(line_start)))
      text.resize(line_start);
    return text;
  }

  void emit_data(const std::string& text, size_t at) {
    if (!text.empty()) push(TokenType::kData, text, at);
  }

  void lex_root() {
    const size_t tag = next_tag(pos_);
    if (tag == std::string::npos) {
      emit_data(src_.substr(pos_), pos_);
      pos_ = src_.size();
      return;
    }
    const char kind = src_[tag + 1];
    size_t inner = tag + 2;
    const char sign =
        inner < src_.size() && (src_[inner] == '-' || src_[inner] == '+') ? src_[inner] : 0;
    if (sign) ++inner;
    const bool line_starting = pos_ == 0 || src_[pos_ - 1] == '\n';
    emit_data(strip_before(src_.substr(pos_, tag - pos_), sign, kind == '{', line_starting), pos_);
    if (kind == '#') {
      pos_ = lex_comment(tag, inner);
    } else if (kind == '%' && raw_begin_end(inner)) {
      pos_ = lex_raw(tag, raw_begin_end(inner));
    } else {
      pos_ = lex_tag(kind, tag, inner);
    }
  }

  size_t lex_comment(size_t tag, size_t at) {
    for (; at < src_.size(); ++at) {
      if (starts_with(at, "+#}")) return at + 3;
      if (starts_with(at, "-#}")) return skip_space(at + 3);
      if (starts_with(at, "#}"))
        return at + 2 + (at + 2 < src_.size() && src_[at + 2] == '\n' ? 1 : 0);
    }
    fail("missing end of comment tag ('#}') for the comment opened here", tag);
  }

  // After "{%" and its sign: "raw %}" (any spacing, "-%}" too) ends where? 0 when not raw.
  size_t raw_begin_end(size_t at) const {
    at = skip_space(at);
    if (!starts_with(at, "raw")) return 0;
    at = skip_space(at + 3);
    if (starts_with(at, "-%}")) return skip_space(at + 3);
    if (starts_with(at, "%}")) return at + 2;
    return 0;
  }

  size_t lex_raw(size_t tag, size_t content) {
    for (size_t at = src_.find("{%", content); at != std::string::npos;
         at = src_.find("{%", at + 2)) {
      size_t p = at + 2;
      const char sign = p < src_.size() && (src_[p] == '-' || src_[p] == '+') ? src_[p] : 0;
      if (sign) ++p;
      p = skip_space(p);
      if (!starts_with(p, "endraw")) continue;
      p = skip_space(p + 6);
      size_t end;
      if (starts_with(p, "+%}"))
        end = p + 3;
      else if (starts_with(p, "-%}"))
        end = skip_space(p + 3);
      else if (starts_with(p, "%}"))
        end = p + 2 + (p + 2 < src_.size() && src_[p + 2] == '\n' ? 1 : 0);
      else
        continue;
      const bool line_starting = content > 0 && src_[content - 1] == '\n';
      emit_data(strip_before(src_.substr(content, at - content), sign, false, line_starting),
                content);
      return end;
    }
    fail("missing {% endraw %} for the raw block opened here", tag);
  }

  // Inside {{ ... }} or {% ... %}: expression tokens up to the closing tag (brackets balanced).
  size_t lex_tag(char kind, size_t tag, size_t at) {
    push(kind == '{' ? TokenType::kVariableBegin : TokenType::kBlockBegin, "", tag);
    std::string brackets;
    while (true) {
      if (at >= src_.size())
        fail(std::string("unexpected end of template: the tag opened here has no closing '") +
                 (kind == '{' ? "}}" : "%}") + "'",
             tag);
      if (brackets.empty()) {
        if (size_t end = tag_end(kind, at)) {
          push(kind == '{' ? TokenType::kVariableEnd : TokenType::kBlockEnd, "", at);
          return end;
        }
      }
      const char c = src_[at];
      if (is_ascii_space(c)) {
        ++at;
      } else if (is_digit(c)) {
        at = lex_number(at);
      } else if (is_name_start(c)) {
        size_t end = at;
        while (end < src_.size() && is_name_char(src_[end])) ++end;
        push(TokenType::kName, src_.substr(at, end - at), at);
        at = end;
      } else if (c == '"' || c == '\'') {
        at = lex_string(at);
      } else {
        at = lex_operator(at, brackets);
      }
    }
  }

  // Where the closing tag at `at` ends (after its whitespace control), or 0 if none is here.
  size_t tag_end(char kind, size_t at) const {
    if (kind == '%') {
      if (starts_with(at, "-%}")) return skip_space(at + 3);
      if (starts_with(at, "+%}")) return at + 3;
      if (starts_with(at, "%}"))
        return at + 2 + (at + 2 < src_.size() && src_[at + 2] == '\n' ? 1 : 0);
      return 0;
    }
    if (starts_with(at, "-}}")) return skip_space(at + 3);
    if (starts_with(at, "}}")) return at + 2;
    return 0;
  }

  size_t digits(size_t at) const {
    while (at < src_.size() && (is_digit(src_[at]) || (src_[at] == '_' && at + 1 < src_.size() &&
                                                       is_digit(src_[at + 1]))))
      ++at;
    return at;
  }

  size_t lex_number(size_t at) {
    const size_t start = at;
    if (src_[at] == '0' && at + 1 < src_.size() && std::strchr("xXoObB", src_[at + 1]) &&
        at + 2 < src_.size()) {
      const int base = std::strchr("xX", src_[at + 1])   ? 16
                       : std::strchr("oO", src_[at + 1]) ? 8
                                                         : 2;
      size_t end = at + 2;
      std::string body;
      while (end < src_.size() &&
             ((hex_value(src_[end]) >= 0 && hex_value(src_[end]) < base) || src_[end] == '_')) {
        if (src_[end] != '_') body += src_[end];
        ++end;
      }
      if (!body.empty()) return push_integer(body, base, start, end);
    }
    at = digits(at);
    bool is_float = false;
    const bool after_dot = start > 0 && src_[start - 1] == '.';
    if (!after_dot && at + 1 < src_.size() && src_[at] == '.' && is_digit(src_[at + 1])) {
      at = digits(at + 1);
      is_float = true;
    }
    if (!after_dot && at < src_.size() && (src_[at] == 'e' || src_[at] == 'E')) {
      size_t exp = at + 1;
      if (exp < src_.size() && (src_[exp] == '+' || src_[exp] == '-')) ++exp;
      if (exp < src_.size() && is_digit(src_[exp])) {
        at = digits(exp);
        is_float = true;
      }
    }
    std::string text;
    for (size_t i = start; i < at; ++i)
      if (src_[i] != '_') text += src_[i];
    if (!is_float) return push_integer(text, 10, start, at);
    Token& token = push(TokenType::kFloat, text, start);
    std::from_chars(text.data(), text.data() + text.size(), token.number);
    return at;
  }

  size_t push_integer(const std::string& text, int base, size_t start, size_t end) {
    int64_t value = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), value, base);
    if (result.ec != std::errc())
      fail("integer literal '" + src_.substr(start, end - start) + "' is too large", start);
    push(TokenType::kInteger, text, start).integer = value;
    return end;
  }

  size_t lex_string(size_t at) {
    const char quote = src_[at];
    size_t end = at + 1;
    while (end < src_.size() && src_[end] != quote) end += src_[end] == '\\' ? 2 : 1;
    if (end >= src_.size()) fail("unterminated string literal", at);
    push(TokenType::kString, unescape(src_.substr(at + 1, end - at - 1), at), at);
    return end + 1;
  }

  // Python's unicode-escape: \n \t \\ \' \" \xhh \uhhhh \Uhhhhhhhh \ooo; unknown escapes stay.
  std::string unescape(const std::string& s, size_t at) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] != '\\' || i + 1 >= s.size()) {
        out += s[i];
        continue;
      }
      const char c = s[++i];
      switch (c) {
        case '\n':
          break;
        case '\\':
          out += '\\';
          break;
        case '\'':
          out += '\'';
          break;
        case '"':
          out += '"';
          break;
        case 'a':
          out += '\a';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'v':
          out += '\v';
          break;
        case 'x':
        case 'u':
        case 'U': {
          const size_t width = c == 'x' ? 2 : c == 'u' ? 4 : 8;
          char32_t code = 0;
          for (size_t k = 1; k <= width; ++k) {
            if (i + k >= s.size() || hex_value(s[i + k]) < 0)
              fail(std::string("truncated \\") + c + " escape in a string literal", at);
            code = code * 16 + hex_value(s[i + k]);
          }
          if (code > 0x10FFFF) fail("illegal Unicode character in a string literal", at);
          out += utf8_encode(code);
          i += width;
          break;
        }
        default:
          if (c >= '0' && c <= '7') {
            char32_t code = 0;
            size_t k = 0;
            for (; k < 3 && i + k < s.size() && s[i + k] >= '0' && s[i + k] <= '7'; ++k)
              code = code * 8 + (s[i + k] - '0');
            out += utf8_encode(code);
            i += k - 1;
          } else {
            out += '\\';
            out += c;
          }
      }
    }
    return out;
  }

  size_t lex_operator(size_t at, std::string& brackets) {
    static const char* const kTwo[] = {"//", "**", "==", "!=", ">=", "<="};
    for (const char* op : kTwo)
      if (starts_with(at, op)) {
        push(TokenType::kOperator, op, at);
        return at + 2;
      }
    const char c = src_[at];
    if (!std::strchr("+-/*%~[](){}><=.:|,;", c)) {
      fail(std::string("unexpected character '") + c + "'", at);
    }
    if (c == '(' || c == '[' || c == '{') {
      brackets += c == '(' ? ')' : c == '[' ? ']' : '}';
    } else if (c == ')' || c == ']' || c == '}') {
      if (brackets.empty()) fail(std::string("unexpected '") + c + "'", at);
      if (brackets.back() != c)
        fail(std::string("unexpected '") + c + "', expected '" + brackets.back() + "'", at);
      brackets.pop_back();
    }
    push(TokenType::kOperator, std::string(1, c), at);
    return at + 1;
  }

  std::string src_;
  std::string name_;
  size_t pos_ = 0;
  std::vector<Token> tokens_;
  size_t line_pos_ = 0;
  int line_ = 1;
};

}  // namespace

std::vector<Token> tokenize(const std::string& source, const std::string& template_name) {
  return Lexer(source, template_name).run();
}

std::string describe_token(const Token& token) {
  switch (token.type) {
    case TokenType::kData:
      return "template data";
    case TokenType::kVariableBegin:
      return "begin of print statement";
    case TokenType::kVariableEnd:
      return "end of print statement";
    case TokenType::kBlockBegin:
      return "begin of statement block";
    case TokenType::kBlockEnd:
      return "end of statement block";
    case TokenType::kName:
      return token.text;
    case TokenType::kString:
      return "string";
    case TokenType::kInteger:
      return "integer";
    case TokenType::kFloat:
      return "float";
    case TokenType::kOperator:
      return token.text;
    case TokenType::kEnd:
      return "end of template";
  }
  return "token";
}

}  // namespace tunedeck::jinja
