// stats_format: a StatsSnapshot as text lines for a terminal ("GPU0 NVIDIA H200  12.3/139.8 GiB
// util 45%  61C  310/700 W ...") and as JSON for scripts; used by `tunedeck stats`.
// Not for the TUI's pane, which lays out the struct itself. Pure functions: any thread.
#pragma once
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "core/stats/stats_snapshot.h"

namespace tunedeck {

// Binary units with one decimal: 512 -> "512 B", 1536 -> "1.5 KiB", 13207024435 -> "12.3 GiB".
std::string stats_format_bytes(int64_t bytes);
// Both in the unit of the larger: (13207024435, 150109880320) -> "12.3/139.8 GiB".
std::string stats_format_bytes_pair(int64_t used, int64_t total);

// One line per device; absent fields read "N/A".
std::string stats_format_gpu_line(const GpuDeviceStats& gpu);
// Every line of a snapshot: GPUs (or the reason they are unavailable), allocator, the CPU block
// cache (when installed), process, system, tunedeck's accounting, and the sampling error if any.
// No trailing newlines.
std::vector<std::string> stats_format_lines(const StatsSnapshot& snapshot);

// Every field; absent ones are null. Bytes are integers, timestamp in Unix milliseconds.
nlohmann::json stats_snapshot_to_json(const StatsSnapshot& snapshot);

}  // namespace tunedeck
