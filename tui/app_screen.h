// The app's curses screen: takes the terminal over (raw keys, no echo, keypad, a short Esc
// delay) with stderr sent to a log file, restores it on destruction and from a crash handler
// (SIGSEGV, SIGABRT, ...), keeps one window per pane of the current layout, and draws what is
// dirty: the panes and status bar at most ~30 times a second, the input line at once.
// Not the loop or key routing (tui/app.h). Thread rules: UI thread only; one at a time.
#pragma once
#include <chrono>
#include <string>

#include "tui/app_state.h"
#include "tui/input_line.h"
#include "tui/pane_frame.h"
#include "tui/pane_layout.h"

namespace tunedeck {

class AppScreen {
 public:
  // Starts curses on the terminal and sends fd 2 to `log_path` (its folder is created).
  // Throws std::runtime_error when stdin/stdout is not a terminal or TERM is unknown.
  explicit AppScreen(const std::string& log_path);
  ~AppScreen();  // ends curses (the terminal is as it was) and gives stderr back
  AppScreen(const AppScreen&) = delete;
  AppScreen& operator=(const AppScreen&) = delete;

  // Places the windows for the terminal's current size and the zoomed pane; marks everything
  // dirty. Call after a KEY_RESIZE and after a zoom change.
  void relayout(AppState& state, InputLine& input);
  // Draws the dirty panes and status bar when a frame is due, and the input line when it
  // changed; returns true when it drew. The input window is refreshed last (the cursor).
  bool draw(AppState& state, InputLine& input);
  // Milliseconds until the next frame may be drawn (0: now).
  int ms_until_frame() const;

  // The next key (a byte, or a KEY_* code) or -1 when none is waiting. Never blocks.
  int read_key();

  const PaneDrawResult& last_draw(Pane pane) const { return results_[static_cast<int>(pane)]; }

  // Set by SIGINT (kill -INT; at the keyboard Ctrl-C is a key) and SIGTERM/SIGHUP.
  bool take_interrupt();
  bool terminate_requested() const;

 private:
  void destroy_windows();
  void draw_too_small();
  void draw_pane(Pane pane, const AppState& state);

  std::string log_path_;
  bool unicode_ = true;
  ScreenLayout layout_;
  WINDOW* panes_[kPaneCount] = {};
  WINDOW* status_ = nullptr;
  WINDOW* input_ = nullptr;
  PaneDrawResult results_[kPaneCount];
  std::chrono::steady_clock::time_point next_frame_{};
  int cursor_ = 1;  // curs_set's current value
};

}  // namespace tunedeck
