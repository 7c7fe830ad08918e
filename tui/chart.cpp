#include "tui/chart.h"

#include <algorithm>
#include <cmath>

namespace tunedeck {
namespace {

// Eighths of a cell filled from the bottom: 0 (blank) to 8 (full).
const char* const kUnicodeEighths[9] = {" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
const char* const kAsciiEighths[9] = {" ", "_", "_", ".", ".", "-", "-", "#", "#"};
const char* const kUnicodeMark = "o";
const char* const kAsciiMark = "o";

// `value` scaled into [0, levels]; the low end maps to 1 so the smallest value stays visible.
int level_of(double value, double low, double high, int levels) {
  if (std::isnan(value)) return 0;
  if (high <= low) return std::max(1, levels / 2);
  const double share = std::clamp((value - low) / (high - low), 0.0, 1.0);
  return std::max(1, static_cast<int>(std::lround(share * levels)));
}

// The cell of a bar `level` eighths high at `row` (0 = bottom).
const char* bar_cell(int level, int row, bool unicode) {
  const int eighths = std::clamp(level - row * 8, 0, 8);
  return unicode ? kUnicodeEighths[eighths] : kAsciiEighths[eighths];
}

}  // namespace

std::string chart_sparkline(const std::vector<double>& values, int width, double low, double high,
                            bool unicode) {
  std::string line;
  if (width <= 0) return line;
  const size_t shown = std::min(values.size(), static_cast<size_t>(width));
  line.append(width - shown, ' ');
  for (size_t i = values.size() - shown; i < values.size(); i++)
    line += bar_cell(level_of(values[i], low, high, 8), 0, unicode);
  return line;
}

ChartRows chart_bars(const std::vector<ChartPoint>& line, const std::vector<ChartPoint>& marks,
                     int width, int height, double x_end, bool unicode) {
  ChartRows chart;
  if (width <= 0 || height <= 0) return chart;
  chart.rows.assign(height, std::string());
  double x_low = INFINITY, x_high = x_end, y_low = INFINITY, y_high = -INFINITY;
  for (const auto* series : {&line, &marks}) {
    for (const ChartPoint& p : *series) {
      if (std::isnan(p.y) || std::isnan(p.x)) continue;
      x_low = std::min(x_low, p.x);
      x_high = std::max(x_high, p.x);
      y_low = std::min(y_low, p.y);
      y_high = std::max(y_high, p.y);
    }
  }
  if (std::isinf(x_low)) {
    for (std::string& row : chart.rows) row.assign(width, ' ');
    return chart;
  }
  chart.y_low = y_low;
  chart.y_high = y_high;
  const double x_span = std::max(x_high - x_low, 1e-9);
  auto column_of = [&](double x) {
    return std::clamp(static_cast<int>((x - x_low) / x_span * (width - 1) + 0.5), 0, width - 1);
  };

  // Each column's mean of the line's points; columns without points repeat the previous one.
  std::vector<double> sums(width, 0), means(width, NAN);
  std::vector<int> counts(width, 0);
  for (const ChartPoint& p : line) {
    if (std::isnan(p.y) || std::isnan(p.x)) continue;
    const int column = column_of(p.x);
    sums[column] += p.y;
    counts[column]++;
  }
  const int last_column = line.empty() ? -1 : column_of(line.back().x);
  for (int column = 0; column < width; column++) {
    if (counts[column] > 0)
      means[column] = sums[column] / counts[column];
    else if (column > 0 && column <= last_column)
      means[column] = means[column - 1];
  }
  std::vector<int> mark_level(width, -1);
  for (const ChartPoint& p : marks) {
    if (std::isnan(p.y) || std::isnan(p.x)) continue;
    mark_level[column_of(p.x)] = level_of(p.y, y_low, y_high, height * 8);
  }

  for (int row = 0; row < height; row++) {  // row 0 = top
    const int from_bottom = height - 1 - row;
    std::string& text = chart.rows[row];
    for (int column = 0; column < width; column++) {
      const int mark = mark_level[column];
      if (mark >= 0 && (mark - 1) / 8 == from_bottom) {
        text += unicode ? kUnicodeMark : kAsciiMark;
        continue;
      }
      text += bar_cell(level_of(means[column], y_low, y_high, height * 8), from_bottom, unicode);
    }
  }
  return chart;
}

}  // namespace tunedeck
