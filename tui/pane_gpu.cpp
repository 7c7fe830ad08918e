#include "tui/pane_gpu.h"

#include <curses.h>

#include <algorithm>
#include <cstdio>

#include "core/stats/stats_format.h"
#include "tui/chart.h"
#include "tui/text_layout.h"

namespace tunedeck {
namespace {

template <typename T>
std::string or_na(const std::optional<T>& value, const char* format) {
  if (!value) return "N/A";
  char text[48];
  std::snprintf(text, sizeof text, format, *value);
  return text;
}

// `label` then a sparkline of `history` filling the rest of the line.
std::string with_sparkline(const std::string& label, const std::vector<double>& history,
                           double high, int width, bool unicode) {
  const int room = width - text_width(label) - 1;
  if (room < 4 || history.empty()) return label;
  return label + " " + chart_sparkline(history, room, 0, high, unicode);
}

// The processes on one GPU as nvitop lists them: pid, name, memory; this one marked.
void lay_out_gpu_processes(const GpuDeviceStats& gpu, std::vector<PaneLine>& lines) {
  constexpr size_t kShown = 5;
  for (size_t i = 0; i < gpu.processes.size() && i < kShown; i++) {
    const GpuProcess& p = gpu.processes[i];
    char pid[16];
    std::snprintf(pid, sizeof pid, "%7u ", p.pid);
    lines.push_back(PaneLine{pid + (p.name.empty() ? std::string("?") : p.name) + "  " +
                                 (p.used_bytes ? stats_format_bytes(*p.used_bytes) : "N/A") +
                                 (p.is_self ? "  (this)" : ""),
                             p.is_self ? A_BOLD : A_NORMAL});
  }
  if (gpu.processes.size() > kShown)
    lines.push_back(
        PaneLine{"  +" + std::to_string(gpu.processes.size() - kShown) + " more processes", A_DIM});
}

void lay_out_gpus(const AppState& state, int width, std::vector<PaneLine>& lines) {
  const StatsSnapshot& latest = state.stats.back();
  for (const GpuDeviceStats& gpu : latest.gpus) {
    lines.push_back(
        PaneLine{"GPU" + std::to_string(gpu.index) + " " + gpu.name.value_or("N/A"), A_BOLD});
    std::vector<double> used;
    for (const StatsSnapshot& s : state.stats)
      for (const GpuDeviceStats& g : s.gpus)
        if (g.index == gpu.index && g.memory_used_bytes) used.push_back(*g.memory_used_bytes);
    const std::string memory =
        gpu.memory_used_bytes && gpu.memory_total_bytes
            ? stats_format_bytes_pair(*gpu.memory_used_bytes, *gpu.memory_total_bytes)
            : "N/A";
    const double total = gpu.memory_total_bytes ? static_cast<double>(*gpu.memory_total_bytes) : 0;
    lines.push_back(PaneLine{with_sparkline("mem " + memory, used, total, width, state.unicode)});
    std::string power = or_na(gpu.power_draw_w, "%.0f");
    if (gpu.power_limit_w) power += "/" + or_na(gpu.power_limit_w, "%.0f");
    lines.push_back(PaneLine{"util " + or_na(gpu.utilization_percent, "%d%%") + "  " +
                             or_na(gpu.temperature_c, "%dC") + "  " + power + " W"});
    if (gpu.process_memory_bytes)
      lines.push_back(PaneLine{"this process " + stats_format_bytes(*gpu.process_memory_bytes)});
    lay_out_gpu_processes(gpu, lines);
  }
  const AllocatorStats& a = latest.allocator;
  if (a.available) {
    lines.push_back(PaneLine{"alloc " + stats_format_bytes(a.allocated_bytes) + "  resv " +
                             stats_format_bytes(a.reserved_bytes) + "  peak " +
                             stats_format_bytes(a.peak_allocated_bytes)});
    if (a.ooms > 0 || a.alloc_retries > 0)
      lines.push_back(PaneLine{
          "OOMs " + std::to_string(a.ooms) + "  retries " + std::to_string(a.alloc_retries),
          A_BOLD | A_STANDOUT});
  } else {
    lines.push_back(PaneLine{"allocator N/A (no CUDA allocator)", A_DIM});
  }
}

// "CPU chat 98% · train 180% · main 1%": where this process's cores go, busiest first; thread
// groups under 0.5% are left out.
void lay_out_thread_cpu(const StatsSnapshot& latest, std::vector<PaneLine>& lines) {
  std::string text;
  for (const ThreadGroupCpu& group : latest.thread_cpu) {
    if (group.cpu_percent < 0.5) continue;
    // td-* are tunedeck's workers; the process's own name is the main (UI) thread's.
    std::string name = group.name.rfind("td-", 0) == 0        ? group.name.substr(3)
                       : group.name.rfind("tunedeck", 0) == 0 ? "main"
                                                              : group.name;
    char share[48];
    std::snprintf(share, sizeof share, "%s %.0f%%", name.c_str(), group.cpu_percent);
    text += (text.empty() ? "CPU " : " · ") + std::string(share);
  }
  if (!text.empty()) lines.push_back(PaneLine{text});
}

void lay_out_process(const AppState& state, int width, std::vector<PaneLine>& lines) {
  const StatsSnapshot& latest = state.stats.back();
  std::vector<double> rss;
  double high = 0;
  for (const StatsSnapshot& s : state.stats) {
    if (s.process.rss_bytes) rss.push_back(*s.process.rss_bytes);
    if (s.process.rss_bytes) high = std::max(high, static_cast<double>(*s.process.rss_bytes));
  }
  const std::string label =
      "RSS " + (latest.process.rss_bytes ? stats_format_bytes(*latest.process.rss_bytes) : "N/A");
  lines.push_back(PaneLine{with_sparkline(label, rss, high * 1.1, width, state.unicode)});
  const CpuBlockCacheStats& cache = latest.cpu_cache;
  if (cache.installed)
    lines.push_back(PaneLine{"blocks live " + stats_format_bytes(cache.live_bytes) + "  cached " +
                             stats_format_bytes(cache.cached_bytes)});

  const MemoryAccountingStats& m = latest.accounting;
  std::string weights = "model " + stats_format_bytes(m.weights_bytes());
  for (const auto& [dtype, bytes] : m.weights_bytes_by_dtype) weights += " " + dtype;
  lines.push_back(PaneLine{weights + "  KV " + stats_format_bytes(m.kv_cache_bytes)});
  if (m.lora_bytes > 0 || m.optimizer_bytes > 0)
    lines.push_back(PaneLine{"LoRA " + stats_format_bytes(m.lora_bytes) + "  optim " +
                             stats_format_bytes(m.optimizer_bytes)});
  lay_out_thread_cpu(latest, lines);
  const SystemMemoryStats& sys = latest.system;
  if (sys.mem_available_bytes && sys.mem_total_bytes)
    lines.push_back(PaneLine{"system " + stats_format_bytes(*sys.mem_available_bytes) +
                                 " free of " + stats_format_bytes(*sys.mem_total_bytes),
                             A_DIM});
}

}  // namespace

PaneDrawResult pane_gpu_draw(WINDOW* window, const AppState& state, bool left_border) {
  const PaneArea area =
      pane_frame_draw(window, pane_frame_of(Pane::kGpu, state.focus, left_border, state.unicode));
  if (area.height <= 0 || area.width <= 0) return PaneDrawResult{0, area.height};

  std::vector<PaneLine> lines;
  if (state.stats.empty()) {
    lines.push_back(PaneLine{"sampling...", A_DIM});
  } else {
    const StatsSnapshot& latest = state.stats.back();
    const int width = area.width;
    if (latest.gpu_available()) {
      lay_out_gpus(state, width, lines);
    } else {
      std::string reason = latest.gpu_status;
      if (reason.rfind("unavailable: ", 0) == 0) reason = reason.substr(13);
      const std::vector<std::string> wrapped = text_wrap("no GPU: " + reason, width);
      for (size_t i = 0; i < wrapped.size() && i < 2; i++)
        lines.push_back(PaneLine{wrapped[i], A_DIM});
    }
    lay_out_process(state, area.width, lines);
    if (!latest.error.empty()) lines.push_back(PaneLine{"sampling: " + latest.error, A_BOLD});
  }
  return pane_put_scrolled(window, area, lines, state.scroll[static_cast<int>(Pane::kGpu)]);
}

}  // namespace tunedeck
