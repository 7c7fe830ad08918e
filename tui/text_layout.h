// Text laid out by terminal display width: UTF-8 decoded into characters, each as wide as wcwidth
// says (Hangul and other wide characters take two cells and are never split, combining marks
// stay with the character before them), wrapped into lines of at most N cells and clipped.
// Not drawing (the panes do that) and not input editing. Pure functions: any thread. Widths
// follow the LC_CTYPE locale (a UTF-8 locale is needed for non-ASCII text).
#pragma once
#include <string>
#include <vector>

namespace tunedeck {

// Cells one code point takes: 0 for combining marks and other zero-width ones, 2 for wide
// characters, 1 otherwise (also for code points the locale cannot measure). Control characters
// take 0 (the layout drops them).
int text_char_width(char32_t code_point);

// Cells `utf8` takes on one line. Invalid bytes count as one cell each (drawn as '?').
int text_width(const std::string& utf8);

// Splits `utf8` into lines of at most `width` cells (width >= 1): '\n' ends a line; lines break
// at spaces (the spaces at a break are dropped, leading indentation is kept); a word wider than
// a line is cut between characters, filling the current line first. A wide character that does
// not fit the rest of a line goes to the next one. Tabs become two spaces, other control
// characters are dropped, invalid bytes become '?' (so do all non-ASCII characters when the
// locale is not UTF-8: the terminal could not show them). An empty text is one empty line.
std::vector<std::string> text_wrap(const std::string& utf8, int width);

// The longest start of `utf8` (its first line only) that fits in `width` cells.
std::string text_clip(const std::string& utf8, int width);

// What is left of `utf8` (its first line) after the characters covering its first `cells` cells
// (a wide character straddling the cut is dropped too).
std::string text_drop(const std::string& utf8, int cells);

// text_clip, then spaces up to exactly `width` cells (a wide character that would overflow
// the last cell is replaced by a space).
std::string text_pad(const std::string& utf8, int width);

}  // namespace tunedeck
