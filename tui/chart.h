// Small text charts for the panes: a one-row sparkline of the newest values (GPU memory, RSS)
// and a multi-row bar chart of a series over x (training loss over steps) with marks laid over
// it (eval loss). Unicode block characters (▁▂▃▄▅▆▇█), or ASCII ('#', '.', 'o') where the
// terminal has no UTF-8. Not drawing: returns strings. Pure functions: any thread.
#pragma once
#include <string>
#include <vector>

namespace tunedeck {

struct ChartPoint {
  double x = 0;
  double y = 0;
};

// The newest `width` values (fewer: right-aligned, spaces before), one cell each, scaled between
// `low` and `high` (values outside are clamped; NaN is a space). Exactly `width` cells.
std::string chart_sparkline(const std::vector<double>& values, int width, double low, double high,
                            bool unicode);

struct ChartRows {
  std::vector<std::string> rows;  // top to bottom, each exactly `width` cells
  double y_low = 0, y_high = 0;   // the value range the rows span
};

// `line` as bars over x (each column the mean of the points falling in it, a column without
// points repeats the one before) and `marks` as 'o' where they fall; x spans the points' range
// (at least up to `x_end`), y the range of both with the lowest value one step above empty.
// NaN points are skipped. Empty input gives blank rows.
ChartRows chart_bars(const std::vector<ChartPoint>& line, const std::vector<ChartPoint>& marks,
                     int width, int height, double x_end, bool unicode);

}  // namespace tunedeck
