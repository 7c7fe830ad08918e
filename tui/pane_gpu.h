// The GPU / memory pane: per device memory used/total with a history sparkline, utilisation,
// temperature, power; the CUDA allocator's allocated/reserved/peak; this process's RSS (with
// its history), the model's weights, KV cache and LoRA bytes; the machine's free memory.
// Absent fields read N/A. Draws from the stats history in AppState only (never NVML): UI
// thread, no locks.
#pragma once
#include "tui/app_state.h"
#include "tui/pane_frame.h"

namespace tunedeck {

PaneDrawResult pane_gpu_draw(WINDOW* window, const AppState& state, bool left_border);

}  // namespace tunedeck
