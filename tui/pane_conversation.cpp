#include "tui/pane_conversation.h"

#include <curses.h>

#include <algorithm>

#include "tui/text_layout.h"

namespace tunedeck {
namespace {

struct ShownLine {
  std::string text;
  unsigned attributes = 0;
};

// "> " for the user, nothing for the model, "· " for notices, "! " for errors; continuation
// lines are indented to the text.
void lay_out_entry(const ConversationEntry& entry, int width, bool unicode,
                   std::vector<ShownLine>& lines) {
  using Kind = ConversationEntry::Kind;
  std::string prefix;
  unsigned attributes = 0;
  switch (entry.kind) {
    case Kind::kUser: prefix = "> "; attributes = A_BOLD; break;
    case Kind::kAssistant: prefix = ""; break;
    case Kind::kNotice: prefix = unicode ? "· " : "- "; attributes = A_DIM; break;
    case Kind::kError: prefix = "! "; attributes = A_BOLD; break;
  }
  std::string text = entry.text;
  if (entry.streaming) text += unicode ? "▌" : "_";
  const int prefix_width = static_cast<int>(prefix.size() > 0 ? 2 : 0);
  const std::vector<std::string> wrapped = text_wrap(text, std::max(1, width - prefix_width));
  for (size_t i = 0; i < wrapped.size(); i++) {
    const std::string& lead = i == 0 ? prefix : std::string(prefix_width, ' ');
    lines.push_back(ShownLine{lead + wrapped[i], attributes});
  }
}

}  // namespace

PaneDrawResult pane_conversation_draw(WINDOW* window, const AppState& state, bool left_border) {
  const int scroll = state.scroll[static_cast<int>(Pane::kConversation)];
  PaneFrame frame;
  frame.title = pane_title(Pane::kConversation);
  frame.focused = state.focus == Pane::kConversation;
  frame.left_border = left_border;
  frame.unicode = state.unicode;
  if (scroll > 0) frame.note = "scrolled " + std::to_string(scroll) + " (End: newest)";
  const PaneArea area = pane_frame_draw(window, frame);
  PaneDrawResult result;
  result.view_lines = area.height;
  if (area.height <= 0 || area.width <= 0) return result;

  // Lay out entries from the newest back until the lines above the view are covered.
  const int needed = scroll + area.height;
  std::vector<ShownLine> lines;  // newest entry's lines first (each entry's in order)
  std::vector<ShownLine> entry_lines;
  int entry_index = static_cast<int>(state.conversation.size()) - 1;
  for (; entry_index >= 0 && static_cast<int>(lines.size()) < needed; entry_index--) {
    const ConversationEntry& entry = state.conversation[entry_index];
    entry_lines.clear();
    lay_out_entry(entry, area.width, state.unicode, entry_lines);
    if (entry.kind == ConversationEntry::Kind::kUser && entry_index > 0)
      entry_lines.insert(entry_lines.begin(), ShownLine{});  // a blank line before each question
    lines.insert(lines.end(), std::make_move_iterator(entry_lines.rbegin()),
                 std::make_move_iterator(entry_lines.rend()));
  }
  result.content_lines = static_cast<int>(lines.size());
  result.more = entry_index >= 0;

  // lines[k] is k lines up from the newest; the lowest row shows lines[scroll]. With fewer
  // lines than rows, they start at the top.
  const int first = std::min(scroll, std::max(0, result.content_lines - 1));
  const int count = std::min(area.height, result.content_lines - first);
  for (int i = 0; i < count; i++) {
    const ShownLine& line = lines[first + count - 1 - i];
    pane_put_line(window, area.top + i, area.left, line.text, area.width, line.attributes);
  }
  return result;
}

}  // namespace tunedeck
