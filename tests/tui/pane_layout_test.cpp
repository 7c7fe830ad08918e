// tui/pane_layout: where the panes, status bar and input line sit at several screen sizes.
#include "tui/pane_layout.h"

#include <gtest/gtest.h>

namespace tunedeck {
namespace {

ScreenRect rect(int top, int left, int height, int width) {
  return ScreenRect{top, left, height, width};
}

TEST(PaneLayout, PlacesFourPanesAt80x24) {
  const ScreenLayout layout = screen_layout(24, 80);
  ASSERT_FALSE(layout.too_small);
  EXPECT_EQ(layout.pane(Pane::kConversation), rect(0, 0, 13, 48));
  EXPECT_EQ(layout.pane(Pane::kTrace), rect(0, 48, 13, 32));
  EXPECT_EQ(layout.pane(Pane::kGpu), rect(13, 0, 9, 40));
  EXPECT_EQ(layout.pane(Pane::kTraining), rect(13, 40, 9, 40));
  EXPECT_EQ(layout.status, rect(22, 0, 1, 80));
  EXPECT_EQ(layout.input, rect(23, 0, 1, 80));
  EXPECT_FALSE(layout.left_border[static_cast<int>(Pane::kConversation)]);
  EXPECT_TRUE(layout.left_border[static_cast<int>(Pane::kTrace)]);
  EXPECT_FALSE(layout.left_border[static_cast<int>(Pane::kGpu)]);
  EXPECT_TRUE(layout.left_border[static_cast<int>(Pane::kTraining)]);
}

TEST(PaneLayout, TilesTheScreenWithoutOverlapAtManySizes) {
  for (int rows : {16, 24, 30, 50, 61}) {
    for (int columns : {60, 80, 100, 133, 250}) {
      const ScreenLayout layout = screen_layout(rows, columns);
      ASSERT_FALSE(layout.too_small) << rows << "x" << columns;
      int cells = layout.status.width + layout.input.width;
      for (const ScreenRect& r : layout.panes) {
        EXPECT_GE(r.height, 5) << rows << "x" << columns;  // a title and 4 lines at least
        EXPECT_GE(r.width, 24) << rows << "x" << columns;
        EXPECT_LE(r.top + r.height, rows - 2);
        EXPECT_LE(r.left + r.width, columns);
        cells += r.height * r.width;
      }
      EXPECT_EQ(cells, rows * columns) << rows << "x" << columns;  // every cell once
      EXPECT_EQ(layout.pane(Pane::kConversation).width + layout.pane(Pane::kTrace).width, columns);
      EXPECT_EQ(layout.pane(Pane::kGpu).top,
                layout.pane(Pane::kConversation).top + layout.pane(Pane::kConversation).height);
    }
  }
}

TEST(PaneLayout, ZoomedPaneTakesTheWholeArea) {
  const ScreenLayout layout = screen_layout(30, 100, Pane::kTraining);
  EXPECT_EQ(layout.pane(Pane::kTraining), rect(0, 0, 28, 100));
  EXPECT_TRUE(layout.pane(Pane::kConversation).empty());
  EXPECT_TRUE(layout.pane(Pane::kTrace).empty());
  EXPECT_TRUE(layout.pane(Pane::kGpu).empty());
  EXPECT_FALSE(layout.left_border[static_cast<int>(Pane::kTraining)]);
  EXPECT_EQ(layout.input, rect(29, 0, 1, 100));
}

TEST(PaneLayout, BelowTheMinimumNothingIsPlaced) {
  EXPECT_TRUE(screen_layout(10, 40).too_small);
  EXPECT_TRUE(screen_layout(15, 200).too_small);
  EXPECT_TRUE(screen_layout(50, 59).too_small);
  EXPECT_FALSE(screen_layout(16, 60).too_small);
  EXPECT_TRUE(screen_layout(10, 40).pane(Pane::kConversation).empty());
  EXPECT_TRUE(screen_layout(10, 40).input.empty());
}

TEST(PaneLayout, TitlesNameThePanes) {
  EXPECT_STREQ(pane_title(Pane::kConversation), "Conversation");
  EXPECT_STREQ(pane_title(Pane::kTrace), "Tool trace");
  EXPECT_STREQ(pane_title(Pane::kGpu), "GPU / memory");
  EXPECT_STREQ(pane_title(Pane::kTraining), "Training");
}

}  // namespace
}  // namespace tunedeck
