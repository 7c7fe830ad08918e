#include "tui/status_bar.h"

#include <curses.h>

#include <cstdio>
#include <filesystem>

#include "tui/text_layout.h"

namespace tunedeck {
namespace {

std::string folder_name(const std::string& path) {
  std::filesystem::path p(path);
  if (!p.has_filename()) p = p.parent_path();
  return p.filename().string();
}

// A trainer writes <run>/adapter: name it by the run ("datebot-lora/adapter"), not "adapter".
std::string adapter_label(const std::string& path) {
  std::filesystem::path p(path);
  if (!p.has_filename()) p = p.parent_path();
  if (p.filename() == "adapter" && p.has_parent_path() && !p.parent_path().filename().empty())
    return p.parent_path().filename().string() + "/adapter";
  return p.filename().string();
}

const char kHints[] = "Tab/F2 focus  F5 zoom  PgUp/PgDn scroll  Esc cancel  F10 quit";
const char kShortHints[] = "F2 focus F5 zoom F10 quit";

}  // namespace

std::string status_bar_text(const AppState& state) {
  const StatusView& s = state.status;
  std::string text = !s.model.loaded        ? "no model"
                     : s.model.name.empty() ? folder_name(s.model.path)
                                            : s.model.name;
  if (s.model.loaded) {
    text += " | adapter: " + (s.model.adapter.empty() ? "none" : adapter_label(s.model.adapter));
    text += " | " + s.model.device + " " + s.model.dtype;
  }
  if (s.model.loaded && s.model.context_length > 0 && s.context_used > 0)
    text +=
        " | ctx " + std::to_string(s.context_used) + "/" + std::to_string(s.model.context_length);
  if (s.last_tokens_per_s > 0) {
    char rate[32];
    std::snprintf(rate, sizeof rate, " | %.1f tok/s", s.last_tokens_per_s);
    text += rate;
  }
  if (!s.busy.empty())
    text += " | " + s.busy;
  else if (s.generating)
    text += " | answering (Esc cancels)";
  if (!s.training.empty()) text += " | " + s.training;
  return text;
}

void status_bar_draw(WINDOW* window, const AppState& state) {
  int rows = 0, columns = 0;
  getmaxyx(window, rows, columns);
  (void)rows;
  werase(window);
  wattron(window, A_REVERSE);
  mvwhline(window, 0, 0, ' ', columns);
  const std::string left = " " + status_bar_text(state) + " ";
  std::string right = state.status.message.empty() ? kHints : state.status.message;
  const int left_width = text_width(left);
  if (state.status.message.empty() && left_width + text_width(right) + 1 > columns)
    right = kShortHints;
  int right_width = std::min(text_width(right), std::max(0, columns - left_width - 1));
  if (!state.status.message.empty() && right_width < text_width(right))
    right_width = std::min(text_width(right), columns);  // a message wins over the model line
  pane_put_line(window, 0, 0, left, columns - right_width - (right_width > 0 ? 1 : 0));
  if (right_width > 0) pane_put_line(window, 0, columns - right_width, right, right_width);
  wattroff(window, A_REVERSE);
}

}  // namespace tunedeck
