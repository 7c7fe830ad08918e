#include "tui/text_layout.h"

#include <cstdlib>
#include <cwchar>

namespace tunedeck {
namespace {

// One character as drawn: its bytes (a base character with its combining marks, or a
// replacement) and the cells it takes.
struct Glyph {
  std::string bytes;
  int width = 0;
  bool space = false;
  bool newline = false;
};

// Decodes one UTF-8 sequence at `pos`; returns the code point and advances `pos`. Invalid or
// truncated sequences return U+FFFD and advance one byte.
char32_t decode_one(const std::string& text, size_t& pos) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(pos);
  int length = 0;
  char32_t code_point = 0;
  if (lead < 0x80) {
    pos++;
    return lead;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2;
    code_point = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    code_point = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    code_point = lead & 0x07;
  } else {
    pos++;
    return 0xFFFD;
  }
  if (pos + length > text.size()) {
    pos++;
    return 0xFFFD;
  }
  for (int i = 1; i < length; i++) {
    if ((byte(pos + i) & 0xC0) != 0x80) {
      pos++;
      return 0xFFFD;
    }
    code_point = (code_point << 6) | (byte(pos + i) & 0x3F);
  }
  const char32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code_point < smallest[length] || code_point > 0x10FFFF ||
      (code_point >= 0xD800 && code_point <= 0xDFFF)) {
    pos++;
    return 0xFFFD;
  }
  pos += length;
  return code_point;
}

// The text as glyphs: combining marks joined to the glyph before them, tabs as two spaces,
// control characters dropped, invalid bytes as '?'. Without a multibyte (UTF-8) locale the
// terminal cannot show non-ASCII characters: each becomes '?'.
std::vector<Glyph> glyphs_of(const std::string& text) {
  const bool ascii_only = MB_CUR_MAX == 1;
  std::vector<Glyph> glyphs;
  glyphs.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t start = pos;
    const char32_t code_point = decode_one(text, pos);
    if (code_point == '\n') {
      glyphs.push_back(Glyph{"\n", 0, false, true});
    } else if (code_point == '\t') {
      glyphs.push_back(Glyph{" ", 1, true, false});
      glyphs.push_back(Glyph{" ", 1, true, false});
    } else if (code_point == 0xFFFD && text.compare(start, 3, "\xEF\xBF\xBD") != 0) {
      glyphs.push_back(Glyph{"?", 1, false, false});
    } else if (code_point < 0x20 || code_point == 0x7F ||
               (code_point >= 0x80 && code_point < 0xA0)) {
      continue;  // control characters would move the terminal's cursor
    } else if (ascii_only && code_point > 0x7F) {
      glyphs.push_back(Glyph{"?", 1, false, false});
    } else {
      const int width = text_char_width(code_point);
      std::string bytes = text.substr(start, pos - start);
      if (width == 0 && !glyphs.empty() && !glyphs.back().newline) {
        glyphs.back().bytes += bytes;  // a combining mark stays with its base
      } else {
        glyphs.push_back(Glyph{std::move(bytes), width, code_point == ' ', false});
      }
    }
  }
  return glyphs;
}

// Greedy wrapping of glyphs into lines (see text_wrap).
class Wrapper {
 public:
  explicit Wrapper(int width) : width_(width < 1 ? 1 : width) {}

  std::vector<std::string> wrap(const std::vector<Glyph>& glyphs) {
    size_t i = 0;
    while (i < glyphs.size()) {
      if (glyphs[i].newline) {
        end_line();
        i++;
      } else if (glyphs[i].space) {
        i = add_spaces(glyphs, i);
      } else {
        i = add_word(glyphs, i);
      }
    }
    end_line();
    return std::move(lines_);
  }

 private:
  size_t add_spaces(const std::vector<Glyph>& glyphs, size_t i) {
    size_t end = i;
    while (end < glyphs.size() && glyphs[end].space) end++;
    const int count = static_cast<int>(end - i);
    if (line_width_ + count <= width_) {
      line_.append(count, ' ');
      line_width_ += count;
      pending_spaces_ += count;
    } else if (line_width_ > 0) {
      end_line();  // a break at the spaces: they are dropped
    } else {
      line_.append(width_, ' ');  // indentation wider than the line
      line_width_ = width_;
      pending_spaces_ = width_;
    }
    return end;
  }

  size_t add_word(const std::vector<Glyph>& glyphs, size_t i) {
    size_t end = i;
    int word_width = 0;
    while (end < glyphs.size() && !glyphs[end].space && !glyphs[end].newline) {
      word_width += glyphs[end].width;
      end++;
    }
    if (line_width_ + word_width > width_ && word_width <= width_ && line_width_ > 0) end_line();
    for (; i < end; i++) {
      const Glyph& glyph = glyphs[i];
      if (line_width_ + glyph.width > width_ && line_width_ > 0) end_line();
      line_ += glyph.bytes;
      line_width_ += glyph.width;
      pending_spaces_ = 0;
    }
    return end;
  }

  void end_line() {
    line_.erase(line_.size() - pending_spaces_);  // trailing spaces at a break
    lines_.push_back(std::move(line_));
    line_.clear();
    line_width_ = 0;
    pending_spaces_ = 0;
  }

  int width_;
  std::vector<std::string> lines_;
  std::string line_;
  int line_width_ = 0;
  size_t pending_spaces_ = 0;  // spaces at the end of line_
};

}  // namespace

int text_char_width(char32_t code_point) {
  if (code_point < 0x20 || code_point == 0x7F) return 0;
  if (code_point < 0x7F) return 1;
  const int width = wcwidth(static_cast<wchar_t>(code_point));
  if (width >= 0) return width;
  return (code_point >= 0x80 && code_point < 0xA0) ? 0 : 1;
}

int text_width(const std::string& utf8) {
  int width = 0;
  for (const Glyph& glyph : glyphs_of(utf8)) width += glyph.width;
  return width;
}

std::vector<std::string> text_wrap(const std::string& utf8, int width) {
  return Wrapper(width).wrap(glyphs_of(utf8));
}

std::string text_clip(const std::string& utf8, int width) {
  std::string clipped;
  int used = 0;
  for (const Glyph& glyph : glyphs_of(utf8)) {
    if (glyph.newline || used + glyph.width > width) break;
    clipped += glyph.bytes;
    used += glyph.width;
  }
  return clipped;
}

std::string text_drop(const std::string& utf8, int cells) {
  std::string rest;
  int skipped = 0;
  for (const Glyph& glyph : glyphs_of(utf8)) {
    if (glyph.newline) break;
    if (skipped < cells) {
      skipped += glyph.width;
      continue;
    }
    rest += glyph.bytes;
  }
  return rest;
}

std::string text_pad(const std::string& utf8, int width) {
  std::string padded = text_clip(utf8, width);
  const int used = text_width(padded);
  if (used < width) padded.append(width - used, ' ');
  return padded;
}

}  // namespace tunedeck
