// `tunedeck stats`: one snapshot of GPU, allocator, process, system and tunedeck memory, as lines
// or JSON; with --watch a new one every interval (redrawn in place on a terminal) until Ctrl-C or
// --count samples. Thin: the sampling is core/stats/stats_sampler, the text
// core/stats/stats_format.
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "cli/commands.h"
#include "cli/interrupt.h"
#include "core/stats/memory_accounting.h"
#include "core/stats/stats_format.h"
#include "core/stats/stats_sampler.h"
#include "core/stats/torch_memory.h"
#include "session/app_config.h"

namespace tunedeck {
namespace {

const char kUsage[] =
    "usage: tunedeck stats [--json] [--watch [--interval S] [--count N]] [--config FILE]\n"
    "\n"
    "Shows GPU memory, utilisation, temperature and power (NVML), this process's memory,\n"
    "the system's available memory and what tunedeck holds. Works without a GPU: the GPU line\n"
    "then says why it is unavailable.\n"
    "\n"
    "  --json          one JSON object (with --watch: one per line)\n"
    "  --watch         sample again every interval until Ctrl-C; redrawn in place on a terminal\n"
    "  --interval S    seconds between samples with --watch (default: [stats] interval_s, 1)\n"
    "  --count N       with --watch: stop after N samples\n"
    "  --config FILE   a config file read over the shipped and user ones\n"
    "\n"
    "NVML is loaded from $TUNEDECK_NVML_LIBRARY if set, else [stats] nvml_library, else\n"
    "libnvidia-ml.so.1 from the system.\n"
    "Example: tunedeck stats --watch --interval 0.5\n";

// Sleeps until `deadline` in short steps so Ctrl-C ends the wait at once.
void sleep_until_or_interrupted(std::chrono::steady_clock::time_point deadline,
                                const std::atomic<bool>& interrupted) {
  while (!interrupted && std::chrono::steady_clock::now() < deadline) {
    auto step = std::min<std::chrono::steady_clock::duration>(
        deadline - std::chrono::steady_clock::now(), std::chrono::milliseconds(50));
    std::this_thread::sleep_for(step);
  }
}

// Terminal rows `lines` take at `columns` wide (long lines wrap); the text is ASCII.
size_t rows_on_screen(const std::vector<std::string>& lines, size_t columns) {
  size_t rows = 0;
  for (const auto& line : lines)
    rows += columns ? std::max<size_t>(1, (line.size() + columns - 1) / columns) : 1;
  return rows;
}

size_t terminal_columns() {
  winsize size{};
  return ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 ? size.ws_col : 0;
}

// Prints the lines and returns the rows they took. On a terminal it first moves up over the
// previous `drawn` rows and clears them; in a pipe a blank line separates samples.
size_t draw_lines(const std::vector<std::string>& lines, size_t drawn, bool terminal) {
  if (terminal && drawn > 0)
    std::cout << "\x1b[" << drawn << "A\r\x1b[J";
  else if (drawn > 0)
    std::cout << "\n";
  for (const auto& line : lines) std::cout << line << "\n";
  std::cout.flush();
  return terminal ? rows_on_screen(lines, terminal_columns()) : lines.size();
}

int run_stats(CliArgs& args) {
  const bool json = args.flag("json");
  const bool watch = args.flag("watch");
  const auto interval_s = args.optional_double("interval");
  const auto count = args.optional_int("count");
  const std::string config_file = args.value_or("config", "");
  args.finish();
  if (!watch && interval_s) throw UsageError("--interval needs --watch");
  if (!watch && count) throw UsageError("--count needs --watch");
  if (interval_s && !(*interval_s > 0)) throw UsageError("--interval must be > 0 seconds");
  if (count && *count <= 0) throw UsageError("--count must be > 0");

  const AppConfig config = app_config_load(config_file);
  MemoryAccounting accounting;  // empty: this process loads no model
  StatsSamplerOptions options;
  const double seconds = interval_s.value_or(config.stats.interval_s);
  options.interval = std::chrono::milliseconds(
      std::max<long long>(1, static_cast<long long>(seconds * 1000.0 + 0.5)));
  options.history_capacity = 1;
  options.nvml_library = config.stats.nvml_library;
  StatsSampler sampler(accounting, options);
  sampler.set_allocator_provider(cuda_allocator_stats);  // available = false in CPU builds

  if (!watch) {
    StatsSnapshot snapshot = sampler.sample_once();
    if (json)
      std::cout << stats_snapshot_to_json(snapshot).dump(2) << "\n";
    else
      draw_lines(stats_format_lines(snapshot), 0, false);
    return 0;
  }

  const std::atomic<bool>& interrupted = interrupt_on_sigint();
  const bool terminal = !json && isatty(STDOUT_FILENO);
  size_t drawn = 0;
  auto next_sample = std::chrono::steady_clock::now();
  for (int sampled = 0; !interrupted && (!count || sampled < *count); ++sampled) {
    if (sampled > 0) sleep_until_or_interrupted(next_sample, interrupted);
    if (interrupted) break;
    StatsSnapshot snapshot = sampler.sample_once();
    if (json)
      std::cout << stats_snapshot_to_json(snapshot).dump() << std::endl;
    else
      drawn = draw_lines(stats_format_lines(snapshot), drawn, terminal);
    next_sample += options.interval;
  }
  return 0;
}

}  // namespace

extern const Command kStatsCommand = {"stats", "GPU, process and system memory (NVML, /proc)",
                                      kUsage, run_stats};

}  // namespace tunedeck
