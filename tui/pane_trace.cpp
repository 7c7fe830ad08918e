#include "tui/pane_trace.h"

#include <curses.h>

#include <algorithm>
#include <cstdio>

#include "tui/text_layout.h"

namespace tunedeck {
namespace {

std::string shown_ms(double ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f ms", ms);
  return text;
}

// Adds `label` + `text` wrapped under a two-space indent.
void add_block(const std::string& label, const std::string& text, int width, unsigned attributes,
               std::vector<PaneLine>& lines) {
  for (const std::string& line : text_wrap(label + text, std::max(1, width - 2)))
    lines.push_back(PaneLine{"  " + line, attributes});
}

// An entry's lines: a header, then its arguments and result or error; opened (or a parse
// failure): the raw text too.
void lay_out_entry(const TraceEntry& entry, bool selected, int width, bool unicode,
                   std::vector<PaneLine>& lines) {
  const bool failed = entry.done && !entry.error.empty();
  const std::string mark = !entry.done ? "…"
                           : failed    ? (unicode ? "✗" : "x")
                                       : (unicode ? "✓" : "+");
  std::string header = "[" + std::to_string(entry.turn) + "." + std::to_string(entry.step) + "] " +
                       (unicode || entry.done ? mark : "...") + " " +
                       (entry.tool.empty() ? std::string("(unreadable call)") : entry.tool);
  if (entry.done) header += "  " + shown_ms(entry.ms);
  unsigned header_attributes = A_BOLD;
  if (failed) header_attributes |= A_STANDOUT;
  if (selected) header_attributes = A_REVERSE;
  lines.push_back(PaneLine{header, header_attributes});
  if (!entry.arguments.empty()) add_block("args ", entry.arguments, width, 0, lines);
  if (entry.done && entry.error.empty()) add_block("= ", entry.result, width, 0, lines);
  if (failed) add_block("error: ", entry.error, width, A_BOLD, lines);
  const bool show_raw = entry.expanded || !entry.parse_error.empty();
  if (!entry.parse_error.empty()) add_block("parse: ", entry.parse_error, width, A_BOLD, lines);
  if (show_raw && !entry.raw.empty()) add_block("raw: ", entry.raw, width, A_DIM, lines);
  if (entry.expanded && !entry.step_output.empty())
    add_block("step output: ", entry.step_output, width, A_DIM, lines);
}

}  // namespace

PaneDrawResult pane_trace_draw(WINDOW* window, const AppState& state, bool left_border) {
  const bool focused = state.focus == Pane::kTrace;
  const int count = static_cast<int>(state.trace.size());
  const int selected = state.trace_selected >= 0 ? std::min(state.trace_selected, count - 1) : -1;
  PaneFrame frame = pane_frame_of(Pane::kTrace, state.focus, left_border, state.unicode);
  if (count > 0)
    frame.note = focused ? std::to_string(selected >= 0 ? selected + 1 : count) + "/" +
                               std::to_string(count) + " Enter: open"
                         : std::to_string(count) + (count == 1 ? " call" : " calls");
  const PaneArea area = pane_frame_draw(window, frame);
  PaneDrawResult result;
  result.view_lines = area.height;
  if (area.height <= 0 || area.width <= 0) return result;
  // The tool-call format the chat template uses, once a turn has started.
  std::vector<PaneLine> lines;
  if (!state.tool_call_format.empty())
    for (const std::string& line : text_wrap("format: " + state.tool_call_format, area.width))
      lines.push_back({line, A_DIM});
  if (count == 0) {
    const char* empty =
        "No tool calls yet. Each call the model makes shows here: tool, arguments, result or "
        "error, time. /tool NAME JSON calls one by hand.";
    for (const std::string& line : text_wrap(empty, area.width)) lines.push_back({line, A_DIM});
    pane_put_lines(window, area, lines, 0);
    return result;
  }

  // Every entry's lines (entries are few and short); remember where the selected one is.
  int selected_begin = 0, selected_end = 0;
  const int shown_selected = focused ? (selected >= 0 ? selected : count - 1) : -1;
  for (int i = 0; i < count; i++) {
    if (i == shown_selected) selected_begin = static_cast<int>(lines.size());
    lay_out_entry(state.trace[i], i == shown_selected, area.width, state.unicode, lines);
    if (i == shown_selected) selected_end = static_cast<int>(lines.size());
  }
  const int total = static_cast<int>(lines.size());
  result.content_lines = total;

  // Following the newest: the end shows, minus the scroll. A selection: its end at the bottom
  // (older entries above it), or its start at the top when it is taller than the pane.
  int top;
  if (selected >= 0) {
    top = selected_end - selected_begin <= area.height ? std::max(0, selected_end - area.height)
                                                       : selected_begin;
  } else {
    const int scroll = state.scroll[static_cast<int>(Pane::kTrace)];
    top = std::max(0, total - area.height - scroll);
  }
  pane_put_lines(window, area, lines, top);
  return result;
}

}  // namespace tunedeck
