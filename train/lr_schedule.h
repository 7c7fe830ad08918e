// Learning rate over steps: linear warmup from 0, then cosine or linear decay to min_lr_ratio * lr,
// or constant. A pure function of the step, so a resumed run needs no schedule state.
#pragma once
#include <string>

namespace tunedeck {

struct LrSchedule {
  double peak_lr = 1e-3;
  int warmup_steps = 0;
  int total_steps = 1;
  std::string kind = "cosine";  // "cosine", "linear", "constant"
  double min_lr_ratio = 0.0;    // floor of the decay, as a share of peak_lr

  // The rate for optimizer step `step` (1-based: the first update uses lr_at(1)).
  double lr_at(int step) const;
};

// Throws naming the kind when unknown.
void lr_schedule_validate(const LrSchedule& schedule);

}  // namespace tunedeck
