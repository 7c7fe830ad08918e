// Sample rows for the tests of the run log (train/run_log) and of `tunedeck runs`: a run of ten
// steps named as asked, and one step's metrics whose every value follows from the step number.
// Test-only and header-only; no state.
#pragma once
#include <cstdint>
#include <string>

#include "train/run_log.h"

namespace tunedeck::testing {

inline RunStart sample_run_start(const std::string& name, const std::string& method = "lora") {
  RunStart start;
  start.name = name;
  start.method = method;
  start.config_toml = "[run]\nname = \"" + name + "\"\n";
  start.output_dir = "/tmp/runs/" + name;
  start.template_hash = "9f86d081";
  start.total_steps = 10;
  return start;
}

inline RunMetrics sample_run_metrics(int64_t step) {
  RunMetrics m;
  m.step = step;
  m.epoch = static_cast<int>(step / 10);
  m.loss = 3.0 - 0.25 * static_cast<double>(step);
  m.lr = 1e-4 * static_cast<double>(step);
  m.grad_norm = 0.5 + static_cast<double>(step);
  m.tokens_per_s = 1000.0 + static_cast<double>(step);
  m.memory_bytes = 1000000 + step;
  m.elapsed_s = 0.5 * static_cast<double>(step);
  return m;
}

}  // namespace tunedeck::testing
