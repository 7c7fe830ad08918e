// What every pane draws the same way: its title row (reverse video when focused, so it shows
// without colours), an optional separator column on its left, and lines of UTF-8 text clipped
// to the pane, scrolled. Also the result a pane's draw function returns, used to clamp scrolling.
// Not a pane itself. ncurses calls: UI thread only; takes no locks, touches no worker.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "tui/pane_layout.h"

struct _win_st;
typedef struct _win_st WINDOW;  // <curses.h>, kept out of the headers

namespace tunedeck {

// The part of a pane's window below its title and right of its separator.
struct PaneArea {
  int top = 0, left = 0, height = 0, width = 0;
};

struct PaneFrame {
  std::string title;  // "Conversation"
  std::string note;   // right side of the title row ("scrolled 12"), may be ""
  bool focused = false;
  bool left_border = false;
  bool unicode = true;
};

// The frame of `pane`: its title, focused when `focus` is it, no note.
PaneFrame pane_frame_of(Pane pane, std::optional<Pane> focus, bool left_border, bool unicode);

// Erases the window, draws the title row and separator, and returns the content area.
PaneArea pane_frame_draw(WINDOW* window, const PaneFrame& frame);

// Writes `utf8` at (y, x), clipped to `width` cells. `attributes` are ncurses attributes
// (A_BOLD, ...), 0 for normal.
void pane_put_line(WINDOW* window, int y, int x, const std::string& utf8, int width,
                   unsigned attributes = 0);

// One line of a pane's content, laid out to the pane's width.
struct PaneLine {
  std::string text;
  unsigned attributes = 0;  // ncurses attributes, 0 for normal
};

// Draws lines[top], lines[top + 1], ... down `area` from its first row, as many as fit.
void pane_put_lines(WINDOW* window, const PaneArea& area, const std::vector<PaneLine>& lines,
                    int top);

// What a pane drew, so the app can keep scrolling in range.
struct PaneDrawResult {
  int content_lines = 0;  // lines the pane's content has (at least the lines looked at)
  int view_lines = 0;     // lines that fit in the pane
  bool more = false;      // content_lines is a lower bound (older content was not laid out)
};

// Draws `lines` scrolled `scroll` lines down from the first, clamped so that the last line is
// never above the bottom row, and returns what was drawn: for panes read from the top down.
PaneDrawResult pane_put_scrolled(WINDOW* window, const PaneArea& area,
                                 const std::vector<PaneLine>& lines, int scroll);

}  // namespace tunedeck
