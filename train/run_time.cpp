#include "train/run_time.h"

#include <cmath>
#include <cstdio>

namespace tunedeck {

double run_time_eta_s(double elapsed_s, int64_t steps_done, int64_t steps_left) {
  if (steps_done <= 0 || steps_left <= 0) return 0;
  return elapsed_s / static_cast<double>(steps_done) * static_cast<double>(steps_left);
}

std::string run_time_text(double seconds) {
  if (!(seconds >= 0) || std::isinf(seconds)) return "?";
  const long long s = std::llround(seconds);
  char text[32];
  if (s < 60)
    std::snprintf(text, sizeof text, "%llds", s);
  else if (s < 3600)
    std::snprintf(text, sizeof text, "%lldm%02llds", s / 60, s % 60);
  else
    std::snprintf(text, sizeof text, "%lldh%02lldm", s / 3600, (s % 3600) / 60);
  return text;
}

}  // namespace tunedeck
