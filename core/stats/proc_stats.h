// proc_stats: this process's memory and threads (/proc/self/status), the machine's memory
// (/proc/meminfo) and this process's CPU time (/proc/self/stat), read on Linux.
// Parsing takes text so it is tested on fixed strings; reading a missing file or field leaves the
// field absent (never throws). Not for GPU figures (nvml_source). Stateless: any thread.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/stats/stats_snapshot.h"

namespace tunedeck {

// Fields of /proc/self/status text: VmRSS and VmHWM ("kB" -> bytes) and Threads.
ProcessStats proc_stats_parse_status(const std::string& text);
// Fields of /proc/meminfo text: MemTotal and MemAvailable ("kB" -> bytes).
SystemMemoryStats proc_stats_parse_meminfo(const std::string& text);
// utime + stime (fields 14 and 15) of /proc/<pid>/stat text, in seconds; nullopt if malformed.
// The command name (field 2) may hold spaces and parentheses: fields are counted after the last
// ')'.
std::optional<double> proc_stats_parse_cpu_seconds(const std::string& text, long ticks_per_second);

// The command name (field 2, without its parentheses) of /proc/<pid>/stat text; "" if malformed.
std::string proc_stats_parse_command_name(const std::string& text);

// One thread of this process: /proc/self/task/<tid>/stat.
struct ThreadTimes {
  int tid = 0;
  std::string name;  // "td-chat"
  double cpu_seconds = 0;
};

ProcessStats proc_stats_read_process();               // /proc/self/status
SystemMemoryStats proc_stats_read_system();           // /proc/meminfo
std::optional<double> proc_stats_read_cpu_seconds();  // /proc/self/stat, all threads together
// Restarts the peak (VmHWM) at the current RSS by writing "5" to /proc/self/clear_refs, so a
// later peak covers only what ran since. False where the kernel does not allow it.
bool proc_stats_reset_peak_rss();
// Names the calling thread (at most 15 bytes: "td-chat") so thread CPU use groups by it; threads
// it starts later (OpenMP's) inherit the name.
void proc_stats_name_this_thread(const char* name);
// /proc/<pid>/comm without its newline; "" when it cannot be read (gone, another namespace).
std::string proc_stats_read_command_name(int pid);
// Every thread of this process now; threads that end while being read are skipped.
std::vector<ThreadTimes> proc_stats_read_threads();
// CPU use by thread name between two readings `seconds` apart, busiest first (threads present
// in `now` only; a thread new since `before` counts from 0).
std::vector<ThreadGroupCpu> proc_stats_thread_cpu(const std::vector<ThreadTimes>& before,
                                                  const std::vector<ThreadTimes>& now,
                                                  double seconds);

}  // namespace tunedeck
