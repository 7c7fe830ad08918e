// The app's input line: GNU readline's callback interface edits it inside a curses window
// (history saved to a file, Ctrl-A/E/K/W, Ctrl-R, arrows, Tab completion). The app feeds the
// bytes of each key; readline reads them from a buffer (rl_getc_function) and its redisplay draws
// the prompt and line into the window, the cursor placed by display width. Readline never
// touches the terminal, signals or LINES/COLUMNS. Not key routing (the app decides which keys
// reach readline). Thread rules: UI thread only; one InputLine at a time (readline is global).
#pragma once
#include <functional>
#include <string>
#include <vector>

struct _win_st;
typedef struct _win_st WINDOW;  // <curses.h>

namespace tunedeck {

// What Tab completes the word under the cursor with.
struct InputCompletion {
  bool paths = false;              // complete file names (readline's own completion)
  std::vector<std::string> words;  // else: these candidates (those starting with the word count)
};
// Called with the line before the word being completed and the word itself.
using InputCompleter =
    std::function<InputCompletion(const std::string& before, const std::string& word)>;

struct InputSubmission {
  std::string text;
  bool eof = false;  // Ctrl-D on an empty line
};

class InputLine {
 public:
  // Installs readline's handler; loads the history from `history_file` ("" = no history file;
  // its folder is created). Throws std::logic_error when another InputLine exists.
  InputLine(std::string prompt, std::string history_file, InputCompleter completer);
  ~InputLine();  // removes the handler
  InputLine(const InputLine&) = delete;
  InputLine& operator=(const InputLine&) = delete;

  // Where the line is drawn (nullptr: nowhere, the screen is too small); redraws it there.
  void set_window(WINDOW* window);
  // Gives readline `bytes` (one key's bytes, or more); each finished line is queued.
  void feed(const std::string& bytes);
  // The lines finished since the last call, in order.
  std::vector<InputSubmission> take_submissions();

  bool empty() const;  // nothing typed
  void clear();        // drops the line being edited (and any half-typed key sequence)
  // True when the window changed since the last call (the app refreshes it, last).
  bool take_dirty();
  // Candidates readline would have listed for an ambiguous Tab ("" = none since the last call).
  std::string take_completion_list();

 private:
  static void on_line(char* line);
  static void on_redisplay();
  static int on_getc(FILE* stream);
  static int on_input_available();
  static char** on_complete(const char* word, int start, int end);
  static char* next_candidate(const char* word, int state);
  static void on_display_matches(char** matches, int count, int max_length);
  // Readline's input, output, redisplay and completion hooks pointed at this line's (or, with
  // `here` false, back at readline's own).
  void point_readline_here(bool here);
  void draw();
  void save_history(const std::string& line);

  std::string prompt_;
  std::string history_file_;
  InputCompleter completer_;
  WINDOW* window_ = nullptr;
  std::string pending_;  // bytes readline has not read yet
  size_t pending_at_ = 0;
  std::vector<InputSubmission> submissions_;
  std::vector<std::string> candidates_;  // of the completion in progress
  size_t candidate_at_ = 0;
  std::string completion_list_;
  FILE* null_out_ = nullptr;
  bool dirty_ = true;
};

}  // namespace tunedeck
