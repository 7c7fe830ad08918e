#include "tui/pane_layout.h"

namespace tunedeck {

const char* pane_title(Pane pane) {
  switch (pane) {
    case Pane::kConversation:
      return "Conversation";
    case Pane::kTrace:
      return "Tool trace";
    case Pane::kGpu:
      return "GPU / memory";
    case Pane::kTraining:
      return "Training";
  }
  return "?";
}

ScreenLayout screen_layout(int rows, int columns, std::optional<Pane> zoomed) {
  ScreenLayout layout;
  if (rows < kMinScreenRows || columns < kMinScreenColumns) {
    layout.too_small = true;
    return layout;
  }
  layout.input = ScreenRect{rows - 1, 0, 1, columns};
  layout.status = ScreenRect{rows - 2, 0, 1, columns};
  const int area_rows = rows - 2;
  if (zoomed) {
    layout.panes[static_cast<int>(*zoomed)] = ScreenRect{0, 0, area_rows, columns};
    return layout;
  }
  // The conversation gets the larger share of both directions: it is what people read.
  const int top_rows = area_rows * 3 / 5;
  const int bottom_rows = area_rows - top_rows;
  const int conversation_columns = columns * 3 / 5;
  const int gpu_columns = columns / 2;
  auto place = [&](Pane pane, ScreenRect rect, bool border) {
    layout.panes[static_cast<int>(pane)] = rect;
    layout.left_border[static_cast<int>(pane)] = border;
  };
  place(Pane::kConversation, {0, 0, top_rows, conversation_columns}, false);
  place(Pane::kTrace, {0, conversation_columns, top_rows, columns - conversation_columns}, true);
  place(Pane::kGpu, {top_rows, 0, bottom_rows, gpu_columns}, false);
  place(Pane::kTraining, {top_rows, gpu_columns, bottom_rows, columns - gpu_columns}, true);
  return layout;
}

}  // namespace tunedeck
