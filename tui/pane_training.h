// The training pane: the run shown (started here by /train start, or followed in the run log by
// /train watch ID): name, status, step/total, loss and eval loss with a chart over steps, lr,
// tokens/s, ETA; then the run log's recent runs. Draws from AppState only (never sqlite or
// torch): UI thread, no locks.
#pragma once
#include "tui/app_state.h"
#include "tui/pane_frame.h"

namespace tunedeck {

PaneDrawResult pane_training_draw(WINDOW* window, const AppState& state, bool left_border);

}  // namespace tunedeck
