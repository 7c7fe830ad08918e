#include "tui/pane_training.h"

#include <curses.h>

#include <algorithm>
#include <cstdio>

#include "train/run_time.h"
#include "tui/chart.h"
#include "tui/text_layout.h"

namespace tunedeck {
namespace {

std::string number(const char* format, double value) {
  char text[48];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

unsigned status_attributes(const std::string& status) {
  if (status == "failed" || status == "stale") return A_BOLD | A_STANDOUT;
  if (status == "running" || status == "preparing") return A_BOLD;
  return 0;
}

// "#12 running  40/150  loss 2.310  name"
std::string run_row(const RunInfo& run) {
  std::string row = "#" + std::to_string(run.id) + " " + run.status;
  if (run.last_step >= 0)
    row += "  " + std::to_string(run.last_step) + "/" + std::to_string(run.total_steps);
  if (run.last_loss) row += "  loss " + number("%.3f", *run.last_loss);
  return row + "  " + run.name;
}

void lay_out_header(const TrainingView& view, std::vector<PaneLine>& lines) {
  std::string title = (view.run_id > 0 ? "#" + std::to_string(view.run_id) + " " : "") + view.name +
                      "  " + view.status;
  if (view.in_process) title += " (here)";
  lines.push_back(PaneLine{title, status_attributes(view.status)});
  std::string progress =
      "step " + std::to_string(view.step) + "/" + std::to_string(view.total_steps);
  if (view.step > 0) progress += "  loss " + number("%.4f", view.loss);
  if (view.eval_loss) progress += "  eval " + number("%.4f", *view.eval_loss);
  lines.push_back(PaneLine{progress});
  std::string rates =
      "lr " + number("%.2e", view.lr) + "  " + number("%.0f", view.tokens_per_s) + " tok/s";
  if (view.status == "running" && view.eta_s > 0)
    rates += "  ETA " + run_time_text(view.eta_s);
  else if (view.elapsed_s > 0 && view.step > 0)  // at step 0 nothing was trained yet
    rates += "  took " + run_time_text(view.elapsed_s);
  lines.push_back(PaneLine{rates});
}

// The loss chart, its y axis labelled on the first and last rows and every third row between
// (a label is the loss at the top of its row).
void lay_out_chart(const TrainingView& view, int width, int height, bool unicode,
                   std::vector<PaneLine>& lines) {
  const int label_width = 7;
  if (height <= 0 || width <= label_width + 4) return;
  const ChartRows chart = chart_bars(view.loss_points, view.eval_points, width - label_width,
                                     height, static_cast<double>(view.total_steps), unicode);
  for (int row = 0; row < height; row++) {
    std::string label(label_width, ' ');
    const bool labelled = row == 0 || row == height - 1 || (row % 3 == 0 && row < height - 2);
    if (!view.loss_points.empty() && labelled) {
      const double value = row == height - 1
                               ? chart.y_low
                               : chart.y_high - (chart.y_high - chart.y_low) * row / height;
      label = text_pad(number("%.3f", value), label_width - 1) + " ";
    }
    lines.push_back(PaneLine{label + chart.rows[row], 0});
  }
}

}  // namespace

PaneDrawResult pane_training_draw(WINDOW* window, const AppState& state, bool left_border) {
  const TrainingView& view = state.training;
  const PaneArea area = pane_frame_draw(
      window, pane_frame_of(Pane::kTraining, state.focus, left_border, state.unicode));
  if (area.height <= 0 || area.width <= 0) return PaneDrawResult{0, area.height};

  std::vector<PaneLine> lines;
  if (view.shown) {
    lay_out_header(view, lines);
    if (!view.message.empty())
      lines.push_back(PaneLine{view.message, view.status == "failed" ? A_BOLD : A_DIM});
  } else {
    const std::string& example = state.status.model.train_example;
    for (const std::string& line :
         text_wrap("No run shown. /train start CONFIG.toml trains here (" +
                       (example.empty() ? std::string("examples in etc/train/")
                                        : "for this model: " + example) +
                       "); /train watch ID follows a run from the run log.",
                   area.width))
      lines.push_back(PaneLine{line, A_DIM});
  }
  // The recent runs take what the chart leaves (the chart wants at least 3 rows).
  const int runs_wanted = view.recent.empty() ? 0 : 1 + static_cast<int>(view.recent.size());
  const int room = area.height - static_cast<int>(lines.size());
  const int chart_rows = view.shown ? std::max(0, std::min(room - std::min(runs_wanted, 3), 8)) : 0;
  if (view.shown && chart_rows >= 2)
    lay_out_chart(view, area.width, chart_rows, state.unicode, lines);
  if (!view.recent.empty()) {
    lines.push_back(PaneLine{"recent runs:", A_DIM});
    for (const RunInfo& run : view.recent)
      lines.push_back(PaneLine{run_row(run), status_attributes(run.status) & ~A_STANDOUT});
  }
  if (!view.run_log_error.empty())
    lines.push_back(PaneLine{"run log: " + view.run_log_error, A_DIM});

  return pane_put_scrolled(window, area, lines, state.scroll[static_cast<int>(Pane::kTraining)]);
}

}  // namespace tunedeck
