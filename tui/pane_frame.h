// What every pane draws the same way: its title row (reverse video when focused, so it shows
// without colours), an optional separator column on its left, and lines of UTF-8 text clipped
// to the pane. Also the result a pane's draw function returns, used to clamp scrolling.
// Not a pane itself. ncurses calls: UI thread only; takes no locks, touches no worker.
#pragma once
#include <string>

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

// Erases the window, draws the title row and separator, and returns the content area.
PaneArea pane_frame_draw(WINDOW* window, const PaneFrame& frame);

// Writes `utf8` at (y, x), clipped to `width` cells. `attributes` are ncurses attributes
// (A_BOLD, ...), 0 for normal.
void pane_put_line(WINDOW* window, int y, int x, const std::string& utf8, int width,
                   unsigned attributes = 0);

// What a pane drew, so the app can keep scrolling in range.
struct PaneDrawResult {
  int content_lines = 0;  // lines the pane's content has (at least the lines looked at)
  int view_lines = 0;     // lines that fit in the pane
  bool more = false;      // content_lines is a lower bound (older content was not laid out)
};

}  // namespace tunedeck
