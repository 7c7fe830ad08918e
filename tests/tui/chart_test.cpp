// tui/chart: sparklines and the loss chart, in Unicode blocks and in ASCII.
#include "tui/chart.h"

#include <gtest/gtest.h>

#include <cmath>

namespace tunedeck {
namespace {

TEST(Chart, SparklineScalesBetweenLowAndHigh) {
  EXPECT_EQ(chart_sparkline({0, 4, 8}, 3, 0, 8, true), "▁▄█");
  EXPECT_EQ(chart_sparkline({0, 4, 8}, 3, 0, 8, false), "_.#");
  EXPECT_EQ(chart_sparkline({-5, 100}, 2, 0, 8, true), "▁█");  // clamped
}

TEST(Chart, SparklineShowsTheNewestValuesRightAligned) {
  EXPECT_EQ(chart_sparkline({8}, 3, 0, 8, true), "  █");
  EXPECT_EQ(chart_sparkline({0, 0, 8, 8}, 2, 0, 8, true), "██");
  EXPECT_EQ(chart_sparkline({NAN, 8}, 2, 0, 8, true), " █");
  EXPECT_EQ(chart_sparkline({1, 2}, 0, 0, 8, true), "");
}

TEST(Chart, SparklineOfAFlatRangeIsHalfHigh) {
  EXPECT_EQ(chart_sparkline({3, 3}, 2, 3, 3, true), "▄▄");
}

TEST(Chart, BarsFallWithTheLossAndMarkTheEvalPoints) {
  // Loss 4 -> 1 over steps 0..3 in 4 columns, 2 rows; eval 1 at step 3 (bottom row).
  const std::vector<ChartPoint> loss = {{0, 4}, {1, 3}, {2, 2}, {3, 1}};
  const ChartRows chart = chart_bars(loss, {{3, 1}}, 4, 2, 3, true);
  ASSERT_EQ(chart.rows.size(), 2u);
  EXPECT_EQ(chart.y_low, 1);
  EXPECT_EQ(chart.y_high, 4);
  // Levels out of 16 eighths: 16, 11, 5, 1 (the lowest value stays visible).
  EXPECT_EQ(chart.rows[0], "█▃  ");
  EXPECT_EQ(chart.rows[1], "██▅o");
}

TEST(Chart, BarsSpanTheWholeRunWhenItHasJustStarted) {
  // Two points of a 99-step run sit at the left; the rest stays empty.
  const ChartRows chart = chart_bars({{0, 2}, {11, 1}}, {}, 10, 1, 99, false);
  EXPECT_EQ(chart.rows[0], "#_        ");
}

TEST(Chart, ColumnsWithoutPointsRepeatThePreviousValue) {
  const ChartRows chart = chart_bars({{0, 1}, {4, 2}}, {}, 5, 1, 4, true);
  EXPECT_EQ(chart.rows[0], "▁▁▁▁█");
}

TEST(Chart, EmptyInputGivesBlankRows) {
  const ChartRows chart = chart_bars({}, {}, 3, 2, 10, true);
  EXPECT_EQ(chart.rows, (std::vector<std::string>{"   ", "   "}));
  EXPECT_TRUE(chart_bars({{1, 1}}, {}, 0, 2, 1, true).rows.empty());
}

}  // namespace
}  // namespace tunedeck
