// The status bar: model, adapter, device/dtype, tokens/s of the last answer, what is running,
// and the key hints (or a transient message such as completion candidates). One reverse-video
// row. Draws from AppState only: UI thread, no locks.
#pragma once
#include <string>

#include "tui/app_state.h"
#include "tui/pane_frame.h"

namespace tunedeck {

void status_bar_draw(WINDOW* window, const AppState& state);

// The left part of the bar as text ("stories260k | adapter: none | cpu f32 | 812 tok/s"),
// for the bar and for tests.
std::string status_bar_text(const AppState& state);

}  // namespace tunedeck
