#include "tui/pane_frame.h"

#include <curses.h>

#include <algorithm>

#include "tui/text_layout.h"

namespace tunedeck {

PaneFrame pane_frame_of(Pane pane, std::optional<Pane> focus, bool left_border, bool unicode) {
  PaneFrame frame;
  frame.title = pane_title(pane);
  frame.focused = focus == pane;
  frame.left_border = left_border;
  frame.unicode = unicode;
  return frame;
}

PaneArea pane_frame_draw(WINDOW* window, const PaneFrame& frame) {
  werase(window);
  int rows = 0, columns = 0;
  getmaxyx(window, rows, columns);
  // Box drawing as text, not the terminal's alternate character set: the same bytes on every
  // terminal (and in tmux's capture-pane).
  const char* vertical = frame.unicode ? "│" : "|";
  const char* horizontal = frame.unicode ? "─" : "-";
  const int left = frame.left_border ? 1 : 0;
  if (frame.left_border)
    for (int y = 0; y < rows; y++) mvwaddstr(window, y, 0, vertical);
  const int width = columns - left;
  if (width <= 0 || rows <= 0) return PaneArea{1, left, 0, 0};

  // " Conversation ─────────── scrolled 12 " ; reverse video when focused.
  const unsigned attributes = frame.focused ? A_REVERSE | A_BOLD : A_BOLD;
  wattron(window, attributes);
  wmove(window, 0, left);
  for (int x = 0; x < width; x++) waddstr(window, frame.focused ? " " : horizontal);
  const std::string marker = frame.focused ? (frame.unicode ? "▶ " : "> ") : " ";
  const std::string title = marker + frame.title + " ";
  pane_put_line(window, 0, left, title, width);
  if (!frame.note.empty()) {
    const std::string note = " " + frame.note + " ";
    const int note_width = text_width(note);
    const int title_width = text_width(title);
    if (title_width + note_width < width)
      pane_put_line(window, 0, left + width - note_width, note, note_width);
  }
  wattroff(window, attributes);
  return PaneArea{1, left, rows - 1, width};
}

void pane_put_line(WINDOW* window, int y, int x, const std::string& utf8, int width,
                   unsigned attributes) {
  if (width <= 0) return;
  const std::string clipped = text_clip(utf8, width);
  if (attributes != 0) wattron(window, attributes);
  mvwaddstr(window, y, x, clipped.c_str());
  if (attributes != 0) wattroff(window, attributes);
}

void pane_put_lines(WINDOW* window, const PaneArea& area, const std::vector<PaneLine>& lines,
                    int top) {
  const int count = static_cast<int>(lines.size());
  for (int row = 0; row < area.height && top + row < count; row++) {
    const PaneLine& line = lines[top + row];
    pane_put_line(window, area.top + row, area.left, line.text, area.width, line.attributes);
  }
}

PaneDrawResult pane_put_scrolled(WINDOW* window, const PaneArea& area,
                                 const std::vector<PaneLine>& lines, int scroll) {
  PaneDrawResult result;
  result.content_lines = static_cast<int>(lines.size());
  result.view_lines = area.height;
  pane_put_lines(window, area, lines,
                 std::max(0, std::min(scroll, result.content_lines - area.height)));
  return result;
}

}  // namespace tunedeck
