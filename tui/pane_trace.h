// The tool trace pane: one entry per tool call as it happens (tool, arguments, result or error,
// latency); errors stand out; a failed parse shows the raw text and why; the selected entry
// opens (Enter) to show the raw model text. Not the conversation's inline tool lines.
// Draws from AppState only: UI thread, no locks.
#pragma once
#include "tui/app_state.h"
#include "tui/pane_frame.h"

namespace tunedeck {

PaneDrawResult pane_trace_draw(WINDOW* window, const AppState& state, bool left_border);

}  // namespace tunedeck
