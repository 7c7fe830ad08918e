// The conversation pane: the session's turns as wrapped lines by display width, the answer
// streaming in, notices and errors, scrolled by lines up from the newest. Without a model it
// says how to point at one. Not the input line. Draws from AppState only: UI thread, no locks.
#pragma once
#include "tui/app_state.h"
#include "tui/pane_frame.h"

namespace tunedeck {

PaneDrawResult pane_conversation_draw(WINDOW* window, const AppState& state, bool left_border);

}  // namespace tunedeck
