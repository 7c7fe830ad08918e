#include "tui/pane_conversation.h"

#include <curses.h>

#include <algorithm>

#include "tui/text_layout.h"

namespace tunedeck {
namespace {

// "> " for the user, nothing for the model, "· " for notices, "! " for errors; continuation
// lines are indented to the text.
void lay_out_entry(const ConversationEntry& entry, int width, bool unicode,
                   std::vector<PaneLine>& lines) {
  using Kind = ConversationEntry::Kind;
  std::string prefix;
  unsigned attributes = 0;
  switch (entry.kind) {
    case Kind::kUser:
      prefix = "> ";
      attributes = A_BOLD;
      break;
    case Kind::kAssistant:
      prefix = "";
      break;
    case Kind::kNotice:
      prefix = unicode ? "· " : "- ";
      attributes = A_DIM;
      break;
    case Kind::kError:
      prefix = "! ";
      attributes = A_BOLD;
      break;
    case Kind::kTiming:
      prefix = "  ";
      attributes = A_DIM;
      break;
  }
  std::string text = entry.text;
  if (entry.streaming) text += unicode ? "▌" : "_";
  const int prefix_width = static_cast<int>(prefix.size() > 0 ? 2 : 0);
  const std::vector<std::string> wrapped = text_wrap(text, std::max(1, width - prefix_width));
  for (size_t i = 0; i < wrapped.size(); i++) {
    const std::string& lead = i == 0 ? prefix : std::string(prefix_width, ' ');
    lines.push_back(PaneLine{lead + wrapped[i], attributes});
  }
}

}  // namespace

PaneDrawResult pane_conversation_draw(WINDOW* window, const AppState& state, bool left_border) {
  const int scroll = state.scroll[static_cast<int>(Pane::kConversation)];
  PaneFrame frame = pane_frame_of(Pane::kConversation, state.focus, left_border, state.unicode);
  if (scroll > 0) frame.note = "scrolled " + std::to_string(scroll) + " (End: newest)";
  const PaneArea area = pane_frame_draw(window, frame);
  PaneDrawResult result;
  result.view_lines = area.height;
  if (area.height <= 0 || area.width <= 0) return result;

  // Lay out entries from the newest back until the lines above the view are covered.
  const int needed = scroll + area.height;
  std::vector<PaneLine> lines;  // newest entry's lines first (each entry's in order)
  std::vector<PaneLine> entry_lines;
  int entry_index = static_cast<int>(state.conversation.size()) - 1;
  for (; entry_index >= 0 && static_cast<int>(lines.size()) < needed; entry_index--) {
    const ConversationEntry& entry = state.conversation[entry_index];
    entry_lines.clear();
    lay_out_entry(entry, area.width, state.unicode, entry_lines);
    if (entry.kind == ConversationEntry::Kind::kUser && entry_index > 0)
      entry_lines.insert(entry_lines.begin(), PaneLine{});  // a blank line before each question
    lines.insert(lines.end(), std::make_move_iterator(entry_lines.rbegin()),
                 std::make_move_iterator(entry_lines.rend()));
  }
  result.content_lines = static_cast<int>(lines.size());
  result.more = entry_index >= 0;

  // lines[k] is k lines up from the newest; the lowest row shows lines[scroll] (at most the
  // oldest line). Drawn oldest first, the last of them on the lowest row; with fewer lines than
  // rows, they start at the top. With every entry laid out, the oldest line stops at the top
  // row: scrolling further (a PgUp after a zoom made the pane taller) never leaves rows blank.
  const int most_hidden =
      result.more ? result.content_lines - 1 : result.content_lines - area.height;
  const int hidden_below = std::min(scroll, std::max(0, most_hidden));
  if (hidden_below != scroll) {  // the title says how far it really is scrolled
    frame.note =
        hidden_below > 0 ? "scrolled " + std::to_string(hidden_below) + " (End: newest)" : "";
    pane_frame_draw(window, frame);
  }
  lines.erase(lines.begin(), lines.begin() + hidden_below);
  std::reverse(lines.begin(), lines.end());
  pane_put_lines(window, area, lines, std::max(0, static_cast<int>(lines.size()) - area.height));
  return result;
}

}  // namespace tunedeck
