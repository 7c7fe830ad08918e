#include "train/lr_schedule.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tunedeck {

void lr_schedule_validate(const LrSchedule& s) {
  if (s.kind != "cosine" && s.kind != "linear" && s.kind != "constant")
    throw std::runtime_error("unknown schedule '" + s.kind + "' (cosine, linear, constant)");
  if (s.peak_lr <= 0) throw std::runtime_error("lr must be positive");
  if (s.warmup_steps < 0) throw std::runtime_error("warmup_steps must be >= 0");
}

double LrSchedule::lr_at(int step) const {
  if (warmup_steps > 0 && step <= warmup_steps) return peak_lr * step / warmup_steps;
  if (kind == "constant") return peak_lr;
  const int decay_steps = std::max(1, total_steps - warmup_steps);
  const double progress =
      std::clamp(static_cast<double>(step - warmup_steps) / decay_steps, 0.0, 1.0);
  const double floor = peak_lr * min_lr_ratio;
  if (kind == "linear") return floor + (peak_lr - floor) * (1.0 - progress);
  return floor + (peak_lr - floor) * 0.5 * (1.0 + std::cos(M_PI * progress));  // cosine
}

}  // namespace tunedeck
