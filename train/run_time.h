// A training run's time as it is shown: the seconds left at the pace so far (the ETA), and a
// duration as "45s", "3m20s", "1h05m". For `tunedeck train` and the app's training pane, from
// the trainer's progress or the run log's rows. Not a clock. Pure functions; any thread.
#pragma once
#include <cstdint>
#include <string>

namespace tunedeck {

// Seconds until the last step if each of the `steps_left` takes as long as the `steps_done` did
// in `elapsed_s`; 0 before the first step and after the last.
double run_time_eta_s(double elapsed_s, int64_t steps_done, int64_t steps_left);

// Seconds rounded to whole seconds as "45s", "3m20s" or "1h05m"; "?" when negative, NaN or
// infinite.
std::string run_time_text(double seconds);

}  // namespace tunedeck
