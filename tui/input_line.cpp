#include "tui/input_line.h"

#include <curses.h>
#include <readline/history.h>
#include <readline/readline.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "tui/text_layout.h"

namespace tunedeck {
namespace {

// Readline's callbacks are plain C functions without a context pointer: they reach the one
// InputLine through this pointer (set by the constructor, cleared by the destructor).
InputLine* g_active = nullptr;

constexpr int kHistoryLimit = 1000;

void no_prep_terminal(int) {}
void no_deprep_terminal() {}

}  // namespace

InputLine::InputLine(std::string prompt, std::string history_file, InputCompleter completer)
    : prompt_(std::move(prompt)),
      history_file_(std::move(history_file)),
      completer_(std::move(completer)) {
  if (g_active != nullptr) throw std::logic_error("InputLine: only one may exist at a time");
  g_active = this;
  null_out_ = std::fopen("/dev/null", "w");

  // Readline must not touch the terminal, the signals or the environment: curses owns them.
  rl_readline_name = "tunedeck";
  rl_catch_signals = 0;
  rl_catch_sigwinch = 0;
  rl_change_environment = 0;
  rl_prep_term_function = no_prep_terminal;
  rl_deprep_term_function = no_deprep_terminal;
  point_readline_here(true);

  using_history();
  stifle_history(kHistoryLimit);
  if (!history_file_.empty()) {
    std::error_code ignored;
    std::filesystem::create_directories(std::filesystem::path(history_file_).parent_path(),
                                        ignored);
    read_history(history_file_.c_str());  // a missing file is an empty history
  }
  rl_callback_handler_install(prompt_.c_str(), on_line);
  rl_variable_bind("show-all-if-ambiguous", "on");
  rl_variable_bind("bell-style", "none");
  rl_variable_bind("enable-bracketed-paste", "off");
  // The arrow and editing keys as the app passes them on (ANSI sequences).
  rl_bind_keyseq("\033[3~", rl_delete);
  rl_bind_keyseq("\033[H", rl_beg_of_line);
  rl_bind_keyseq("\033[F", rl_end_of_line);
}

void InputLine::point_readline_here(bool here) {
  rl_getc_function = here ? on_getc : rl_getc;
  rl_input_available_hook = here ? on_input_available : nullptr;
  rl_redisplay_function = here ? on_redisplay : rl_redisplay;
  rl_outstream = here ? null_out_ : nullptr;
  rl_attempted_completion_function = here ? on_complete : nullptr;
  rl_completion_display_matches_hook = here ? on_display_matches : nullptr;
}

InputLine::~InputLine() {
  rl_callback_handler_remove();
  point_readline_here(false);
  if (null_out_) std::fclose(null_out_);
  g_active = nullptr;
}

void InputLine::set_window(WINDOW* window) {
  window_ = window;
  draw();
}

void InputLine::feed(const std::string& bytes) {
  // One byte at a time, as a terminal would deliver them: readline then reads exactly the byte
  // it was handed and never finds the buffer empty.
  for (char byte : bytes) {
    pending_.assign(1, byte);
    pending_at_ = 0;
    while (pending_at_ < pending_.size()) rl_callback_read_char();
  }
  pending_.clear();
  pending_at_ = 0;
}

std::vector<InputSubmission> InputLine::take_submissions() {
  std::vector<InputSubmission> taken = std::move(submissions_);
  submissions_.clear();
  return taken;
}

bool InputLine::empty() const { return rl_end == 0; }

void InputLine::clear() {
  rl_callback_sigcleanup();
  rl_replace_line("", 0);
  rl_point = 0;
  rl_mark = 0;
  draw();
}

bool InputLine::take_dirty() {
  const bool was = dirty_;
  dirty_ = false;
  return was;
}

std::string InputLine::take_completion_list() {
  std::string list = std::move(completion_list_);
  completion_list_.clear();
  return list;
}

void InputLine::on_line(char* line) {
  InputLine& self = *g_active;
  if (line == nullptr) {
    self.submissions_.push_back(InputSubmission{"", true});
    return;
  }
  std::string text(line);
  std::free(line);
  self.save_history(text);
  self.submissions_.push_back(InputSubmission{std::move(text), false});
}

void InputLine::save_history(const std::string& line) {
  if (line.find_first_not_of(" \t") == std::string::npos) return;
  HIST_ENTRY* last = history_length > 0 ? history_get(history_base + history_length - 1) : nullptr;
  if (last != nullptr && line == last->line) return;
  add_history(line.c_str());
  if (history_file_.empty()) return;
  // Appended at once, so a crash keeps what was typed; the file is created on the first line.
  if (!std::filesystem::exists(history_file_))
    write_history(history_file_.c_str());
  else
    append_history(1, history_file_.c_str());
  history_truncate_file(history_file_.c_str(), kHistoryLimit);
}

void InputLine::on_redisplay() {
  if (g_active) g_active->draw();
}

int InputLine::on_getc(FILE*) {
  InputLine& self = *g_active;
  if (self.pending_at_ >= self.pending_.size()) return 0;  // not reached: see feed()
  return static_cast<unsigned char>(self.pending_[self.pending_at_++]);
}

int InputLine::on_input_available() {
  return g_active && g_active->pending_at_ < g_active->pending_.size();
}

// The prompt, then the line scrolled sideways so the cursor stays visible; the cursor column
// is the display width of the line up to rl_point.
void InputLine::draw() {
  dirty_ = true;
  if (window_ == nullptr) return;
  int rows = 0, columns = 0;
  getmaxyx(window_, rows, columns);
  (void)rows;
  werase(window_);
  const std::string prompt = rl_display_prompt ? rl_display_prompt : prompt_.c_str();
  const std::string line(rl_line_buffer ? rl_line_buffer : "", rl_line_buffer ? rl_end : 0);
  const int prompt_width = std::min(text_width(prompt), columns / 2);
  const int room = std::max(1, columns - prompt_width - 1);
  const int cursor = text_width(line.substr(0, std::min<size_t>(rl_point, line.size())));
  const int skipped_cells = std::max(0, cursor - room);
  const std::string visible = text_drop(line, skipped_cells);
  const int skipped = text_width(line) - text_width(visible);  // whole characters only
  wattron(window_, A_BOLD);
  mvwaddstr(window_, 0, 0, text_clip(prompt, prompt_width).c_str());
  wattroff(window_, A_BOLD);
  mvwaddstr(window_, 0, prompt_width, text_clip(visible, room).c_str());
  wmove(window_, 0, std::min(columns - 1, prompt_width + cursor - skipped));
}

char** InputLine::on_complete(const char* word, int start, int) {
  InputLine& self = *g_active;
  const std::string before(rl_line_buffer, start);
  InputCompletion completion = self.completer_(before, word);
  if (completion.paths) {
    rl_attempted_completion_over = 0;  // readline's file name completion
    return nullptr;
  }
  rl_attempted_completion_over = 1;
  self.candidates_ = std::move(completion.words);
  self.candidate_at_ = 0;
  return rl_completion_matches(word, next_candidate);
}

char* InputLine::next_candidate(const char* word, int state) {
  InputLine& self = *g_active;
  if (state == 0) self.candidate_at_ = 0;
  const size_t length = std::strlen(word);
  while (self.candidate_at_ < self.candidates_.size()) {
    const std::string& candidate = self.candidates_[self.candidate_at_++];
    if (candidate.compare(0, length, word) == 0) return strdup(candidate.c_str());
  }
  return nullptr;
}

// matches[0] is the common prefix; the candidates follow.
void InputLine::on_display_matches(char** matches, int count, int) {
  std::string list;
  for (int i = 1; i <= count; i++) {
    if (!list.empty()) list += "  ";
    list += matches[i];
  }
  g_active->completion_list_ = list;
  rl_forced_update_display();
}

}  // namespace tunedeck
