// Where the four panes, the status bar and the input line sit on a screen of a given size:
// conversation and tool trace side by side on top, GPU/memory and training below, then the
// status bar and the input line; one pane zoomed takes the whole pane area. Below the minimum
// size nothing is placed and the screen says so. Not drawing. Pure functions: any thread.
#pragma once
#include <optional>

namespace tunedeck {

enum class Pane { kConversation, kTrace, kGpu, kTraining };
constexpr int kPaneCount = 4;
const char* pane_title(Pane pane);  // "Conversation", "Tool trace", "GPU / memory", "Training"

constexpr int kMinScreenColumns = 60;
constexpr int kMinScreenRows = 16;

struct ScreenRect {
  int top = 0, left = 0, height = 0, width = 0;
  bool empty() const { return height <= 0 || width <= 0; }
  bool operator==(const ScreenRect& other) const {
    return top == other.top && left == other.left && height == other.height && width == other.width;
  }
};

struct ScreenLayout {
  bool too_small = false;             // the screen is below kMinScreenColumns x kMinScreenRows
  ScreenRect panes[kPaneCount];       // by Pane; empty when hidden (another pane is zoomed)
  bool left_border[kPaneCount] = {};  // the pane's first column is a separator line
  ScreenRect status;                  // one row
  ScreenRect input;                   // one row, the last
  const ScreenRect& pane(Pane which) const { return panes[static_cast<int>(which)]; }
};

// The layout for `rows` x `columns`, with `zoomed` (if any) filling the pane area.
ScreenLayout screen_layout(int rows, int columns, std::optional<Pane> zoomed = std::nullopt);

}  // namespace tunedeck
