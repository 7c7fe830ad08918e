#include "tui/app_screen.h"

#include <curses.h>
#include <fcntl.h>
#include <langinfo.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "tui/pane_conversation.h"
#include "tui/pane_gpu.h"
#include "tui/pane_trace.h"
#include "tui/pane_training.h"
#include "tui/status_bar.h"
#include "tui/text_layout.h"

namespace tunedeck {
namespace {

constexpr std::chrono::milliseconds kFrameInterval{33};  // at most ~30 frames a second
constexpr int kEscDelayMs = 25;  // how long a lone Esc waits to be told from a key sequence

// Signal handlers can only reach plain flags: these belong to the one AppScreen there is.
std::atomic<bool> g_interrupted{false};
std::atomic<bool> g_terminate{false};
std::atomic<int> g_saved_stderr{-1};  // the terminal's stderr while fd 2 is the log
std::atomic<bool> g_curses_up{false};

const int kFatalSignals[] = {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL};
const int kStopSignals[] = {SIGTERM, SIGHUP};

void on_interrupt(int) { g_interrupted = true; }
void on_terminate(int) { g_terminate = true; }

// A crash: give the terminal back (endwin is not async-signal-safe, but the process is dying
// and a wrecked terminal is worse), say so on the real stderr, then die of the same signal.
void on_fatal_signal(int signal_number) {
  if (g_curses_up.exchange(false)) endwin();
  const int saved = g_saved_stderr.exchange(-1);
  if (saved >= 0) dup2(saved, STDERR_FILENO);
  const char message[] = "\ntunedeck: crashed; the terminal was restored (see the log)\n";
  [[maybe_unused]] const ssize_t written = write(STDERR_FILENO, message, sizeof message - 1);
  signal(signal_number, SIG_DFL);
  raise(signal_number);
}

void install(int signal_number, void (*handler)(int), int flags) {
  struct sigaction action {};
  action.sa_handler = handler;
  action.sa_flags = flags;
  sigemptyset(&action.sa_mask);
  sigaction(signal_number, &action, nullptr);
}

// fd 2 to the log file (appended); returns the terminal's stderr, or -1 when the log cannot be
// opened (stderr then stays: garbage on screen beats losing error messages).
int redirect_stderr(const std::string& path) {
  std::error_code ignored;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ignored);
  const int log = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0) return -1;
  const int saved = dup(STDERR_FILENO);
  dup2(log, STDERR_FILENO);
  close(log);
  return saved;
}

}  // namespace

AppScreen::AppScreen(const std::string& log_path) : log_path_(log_path) {
  if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
    throw std::runtime_error(
        "the full-screen app needs a terminal (use tunedeck chat --plain "
        "in pipes and scripts)");
  const char* codeset = nl_langinfo(CODESET);
  unicode_ = codeset != nullptr && std::strcmp(codeset, "UTF-8") == 0;
  SCREEN* screen = newterm(nullptr, stdout, stdin);
  if (screen == nullptr) {
    const char* term = std::getenv("TERM");
    throw std::runtime_error(std::string("cannot start the screen for TERM=") +
                             (term ? term : "(unset)") +
                             " (try TERM=xterm-256color, or tunedeck chat --plain)");
  }
  set_term(screen);
  g_curses_up = true;
  raw();  // Ctrl-C, Ctrl-Z, Ctrl-\ arrive as keys: the app decides what they do
  noecho();
  nonl();
  meta(stdscr, TRUE);
  keypad(stdscr, TRUE);
  nodelay(stdscr, TRUE);
  set_escdelay(kEscDelayMs);
  curs_set(1);

  g_saved_stderr = redirect_stderr(log_path_);
  g_interrupted = false;
  g_terminate = false;
  install(SIGINT, on_interrupt, 0);
  for (int s : kStopSignals) install(s, on_terminate, 0);
  for (int s : kFatalSignals) install(s, on_fatal_signal, SA_RESETHAND);
}

AppScreen::~AppScreen() {
  for (int s : kFatalSignals) signal(s, SIG_DFL);
  for (int s : kStopSignals) signal(s, SIG_DFL);
  signal(SIGINT, SIG_DFL);
  destroy_windows();
  if (g_curses_up.exchange(false)) endwin();
  const int saved = g_saved_stderr.exchange(-1);
  if (saved >= 0) {
    dup2(saved, STDERR_FILENO);
    close(saved);
  }
}

bool AppScreen::take_interrupt() { return g_interrupted.exchange(false); }
bool AppScreen::terminate_requested() const { return g_terminate; }

void AppScreen::destroy_windows() {
  for (WINDOW*& window : panes_) {
    if (window) delwin(window);
    window = nullptr;
  }
  if (status_) delwin(status_);
  if (input_) delwin(input_);
  status_ = input_ = nullptr;
}

void AppScreen::relayout(AppState& state, InputLine& input) {
  int rows = 0, columns = 0;
  getmaxyx(stdscr, rows, columns);
  destroy_windows();
  layout_ = screen_layout(rows, columns, state.zoomed);
  state.unicode = unicode_;
  state.mark_all_dirty();
  // stdscr lies under every window: blank it once so that nothing old shows between them.
  werase(stdscr);
  wnoutrefresh(stdscr);
  next_frame_ = {};
  if (layout_.too_small) {
    input.set_window(nullptr);
    return;
  }
  auto make = [](const ScreenRect& r) { return newwin(r.height, r.width, r.top, r.left); };
  for (int p = 0; p < kPaneCount; p++)
    if (!layout_.panes[p].empty()) panes_[p] = make(layout_.panes[p]);
  status_ = make(layout_.status);
  input_ = make(layout_.input);
  input.set_window(input_);
}

int AppScreen::ms_until_frame() const {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      next_frame_ - std::chrono::steady_clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

int AppScreen::read_key() {
  const int key = wgetch(stdscr);
  return key == ERR ? -1 : key;
}

void AppScreen::draw_pane(Pane pane, const AppState& state) {
  const int p = static_cast<int>(pane);
  WINDOW* window = panes_[p];
  const bool border = layout_.left_border[p];
  switch (pane) {
    case Pane::kConversation:
      results_[p] = pane_conversation_draw(window, state, border);
      break;
    case Pane::kTrace:
      results_[p] = pane_trace_draw(window, state, border);
      break;
    case Pane::kGpu:
      results_[p] = pane_gpu_draw(window, state, border);
      break;
    case Pane::kTraining:
      results_[p] = pane_training_draw(window, state, border);
      break;
  }
  if (state.zoomed == pane) {  // the zoomed pane says so, at the left of its title row
    const std::string marker = state.unicode ? " ⤢ zoomed (F5) " : " [zoomed, F5] ";
    int rows = 0, columns = 0;
    getmaxyx(window, rows, columns);
    const int at = columns - text_width(marker) - 1;
    if (rows > 0 && at > text_width(pane_title(pane)) + 4) {
      wattron(window, A_BOLD);
      mvwaddstr(window, 0, at, marker.c_str());
      wattroff(window, A_BOLD);
    }
  }
  wnoutrefresh(window);
}

// The message, centred and wrapped, instead of panes that would not fit.
void AppScreen::draw_too_small() {
  int rows = 0, columns = 0;
  getmaxyx(stdscr, rows, columns);
  werase(stdscr);
  const std::string message = "tunedeck needs at least " + std::to_string(kMinScreenColumns) + "x" +
                              std::to_string(kMinScreenRows) + " (this is " +
                              std::to_string(columns) + "x" + std::to_string(rows) +
                              "): enlarge the window. F10 quits.";
  const std::vector<std::string> lines = text_wrap(message, std::max(1, columns - 2));
  const int top = std::max(0, (rows - static_cast<int>(lines.size())) / 2);
  for (size_t i = 0; i < lines.size() && top + static_cast<int>(i) < rows; i++) {
    const int left = std::max(0, (columns - text_width(lines[i])) / 2);
    mvwaddstr(stdscr, top + static_cast<int>(i), left, lines[i].c_str());
  }
  wnoutrefresh(stdscr);
}

bool AppScreen::draw(AppState& state, InputLine& input) {
  const auto now = std::chrono::steady_clock::now();
  const bool frame_due = now >= next_frame_;
  bool drew = false;
  if (layout_.too_small) {
    const bool input_changed = input.take_dirty();
    if (!state.any_dirty() && !input_changed) return false;
    draw_too_small();
    for (bool& flag : state.dirty) flag = false;
    state.status_dirty = false;
    doupdate();
    return true;
  }
  if (frame_due) {
    for (int p = 0; p < kPaneCount; p++) {
      if (!state.dirty[p]) continue;
      state.dirty[p] = false;  // a hidden pane (another is zoomed) is drawn at the next relayout
      if (panes_[p] == nullptr) continue;
      draw_pane(static_cast<Pane>(p), state);
      drew = true;
    }
    if (state.status_dirty) {
      status_bar_draw(status_, state);
      wnoutrefresh(status_);
      state.status_dirty = false;
      drew = true;
    }
    if (drew) next_frame_ = now + kFrameInterval;
  }
  if (input.take_dirty() || drew) {
    const int cursor = state.focus ? 0 : 1;  // the cursor shows where typing goes
    if (cursor != cursor_) curs_set(cursor);
    cursor_ = cursor;
    wnoutrefresh(input_);  // last: the terminal's cursor is left where this window's is
    drew = true;
  }
  if (drew) doupdate();
  return drew;
}

}  // namespace tunedeck
