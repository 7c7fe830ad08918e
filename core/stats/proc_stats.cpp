#include "core/stats/proc_stats.h"

#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace tunedeck {
namespace {

// The number after "Name:" on the line that starts with it, e.g. "VmRSS:\t  1234 kB" -> 1234.
std::optional<int64_t> field_number(const std::string& text, const std::string& name) {
  const std::string key = name + ":";
  size_t line_start = 0;
  while (line_start < text.size()) {
    size_t line_end = text.find('\n', line_start);
    if (line_end == std::string::npos) line_end = text.size();
    if (text.compare(line_start, key.size(), key) == 0) {
      const char* begin = text.c_str() + line_start + key.size();
      char* end = nullptr;
      long long value = std::strtoll(begin, &end, 10);
      if (end == begin || value < 0) return std::nullopt;
      return value;
    }
    line_start = line_end + 1;
  }
  return std::nullopt;
}

std::optional<int64_t> field_kib_as_bytes(const std::string& text, const std::string& name) {
  auto kib = field_number(text, name);
  if (!kib) return std::nullopt;
  return *kib * 1024;
}

std::string read_whole_file(const char* path) {
  std::ifstream in(path);
  if (!in) return "";
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

ProcessStats proc_stats_parse_status(const std::string& text) {
  ProcessStats stats;
  stats.rss_bytes = field_kib_as_bytes(text, "VmRSS");
  stats.peak_rss_bytes = field_kib_as_bytes(text, "VmHWM");
  if (auto threads = field_number(text, "Threads")) stats.threads = static_cast<int>(*threads);
  return stats;
}

SystemMemoryStats proc_stats_parse_meminfo(const std::string& text) {
  SystemMemoryStats stats;
  stats.mem_total_bytes = field_kib_as_bytes(text, "MemTotal");
  stats.mem_available_bytes = field_kib_as_bytes(text, "MemAvailable");
  return stats;
}

std::optional<double> proc_stats_parse_cpu_seconds(const std::string& text, long ticks_per_second) {
  size_t comm_end = text.rfind(')');
  if (comm_end == std::string::npos || ticks_per_second <= 0) return std::nullopt;
  // After ")": field 3 (state) ... field 14 (utime), field 15 (stime).
  std::istringstream fields(text.substr(comm_end + 1));
  std::string field;
  for (int number = 3; number < 14; ++number)
    if (!(fields >> field)) return std::nullopt;
  unsigned long long user_ticks = 0, system_ticks = 0;
  if (!(fields >> user_ticks >> system_ticks)) return std::nullopt;
  return static_cast<double>(user_ticks + system_ticks) / static_cast<double>(ticks_per_second);
}

std::string proc_stats_parse_command_name(const std::string& text) {
  const size_t open = text.find('(');
  const size_t close = text.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return "";
  return text.substr(open + 1, close - open - 1);
}

ProcessStats proc_stats_read_process() {
  return proc_stats_parse_status(read_whole_file("/proc/self/status"));
}

SystemMemoryStats proc_stats_read_system() {
  return proc_stats_parse_meminfo(read_whole_file("/proc/meminfo"));
}

std::optional<double> proc_stats_read_cpu_seconds() {
  return proc_stats_parse_cpu_seconds(read_whole_file("/proc/self/stat"), sysconf(_SC_CLK_TCK));
}

bool proc_stats_reset_peak_rss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

void proc_stats_name_this_thread(const char* name) { pthread_setname_np(pthread_self(), name); }

std::string proc_stats_read_command_name(int pid) {
  std::string name = read_whole_file(("/proc/" + std::to_string(pid) + "/comm").c_str());
  while (!name.empty() && name.back() == '\n') name.pop_back();
  return name;
}

std::vector<ThreadTimes> proc_stats_read_threads() {
  std::vector<ThreadTimes> threads;
  const long ticks = sysconf(_SC_CLK_TCK);
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    const std::string stat = read_whole_file((entry.path() / "stat").c_str());
    const std::optional<double> seconds = proc_stats_parse_cpu_seconds(stat, ticks);
    if (!seconds) continue;  // the thread ended while we looked
    threads.push_back(ThreadTimes{std::atoi(entry.path().filename().c_str()),
                                  proc_stats_parse_command_name(stat), *seconds});
  }
  return threads;
}

std::vector<ThreadGroupCpu> proc_stats_thread_cpu(const std::vector<ThreadTimes>& before,
                                                  const std::vector<ThreadTimes>& now,
                                                  double seconds) {
  std::map<int, double> earlier;
  for (const ThreadTimes& t : before) earlier[t.tid] = t.cpu_seconds;
  std::map<std::string, ThreadGroupCpu> groups;
  for (const ThreadTimes& t : now) {
    ThreadGroupCpu& group = groups[t.name];
    group.name = t.name;
    group.threads++;
    const auto it = earlier.find(t.tid);
    const double used = t.cpu_seconds - (it == earlier.end() ? t.cpu_seconds : it->second);
    if (seconds > 0 && used > 0) group.cpu_percent += 100.0 * used / seconds;
  }
  std::vector<ThreadGroupCpu> result;
  for (auto& [name, group] : groups) result.push_back(group);
  std::stable_sort(result.begin(), result.end(),
                   [](const ThreadGroupCpu& a, const ThreadGroupCpu& b) {
                     return a.cpu_percent > b.cpu_percent;
                   });
  return result;
}

}  // namespace tunedeck
