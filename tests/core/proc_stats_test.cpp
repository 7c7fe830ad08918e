#include "core/stats/proc_stats.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace tunedeck {
namespace {

// Cut from a real /proc/self/status (Linux 6.1), numbers changed.
const char* kStatus =
    "Name:\ttunedeck\n"
    "Umask:\t0022\n"
    "State:\tS (sleeping)\n"
    "Tgid:\t4242\n"
    "VmPeak:\t  999999 kB\n"
    "VmSize:\t  888888 kB\n"
    "VmHWM:\t  401232 kB\n"
    "VmRSS:\t  312448 kB\n"
    "RssAnon:\t  300000 kB\n"
    "Threads:\t7\n"
    "SigQ:\t0/127448\n";

const char* kMeminfo =
    "MemTotal:       32734592 kB\n"
    "MemFree:         1234567 kB\n"
    "MemAvailable:   22345678 kB\n"
    "Buffers:          123456 kB\n";

TEST(ProcStats, ParsesStatus) {
  ProcessStats stats = proc_stats_parse_status(kStatus);
  EXPECT_EQ(stats.rss_bytes, 312448LL * 1024);
  EXPECT_EQ(stats.peak_rss_bytes, 401232LL * 1024);
  EXPECT_EQ(stats.threads, 7);
}

TEST(ProcStats, StatusFieldsMissingOrMalformedAreAbsent) {
  ProcessStats stats = proc_stats_parse_status("Name:\tx\nVmRSS:\t  abc kB\nXVmHWM:\t 5 kB\n");
  EXPECT_FALSE(stats.rss_bytes.has_value());
  EXPECT_FALSE(stats.peak_rss_bytes.has_value());  // "XVmHWM" is not "VmHWM"
  EXPECT_FALSE(stats.threads.has_value());
  ProcessStats empty = proc_stats_parse_status("");
  EXPECT_FALSE(empty.rss_bytes.has_value());
}

TEST(ProcStats, LastLineWithoutNewline) {
  ProcessStats stats = proc_stats_parse_status("VmRSS:\t 10 kB\nThreads:\t3");
  EXPECT_EQ(stats.rss_bytes, 10240);
  EXPECT_EQ(stats.threads, 3);
}

TEST(ProcStats, ParsesMeminfo) {
  SystemMemoryStats stats = proc_stats_parse_meminfo(kMeminfo);
  EXPECT_EQ(stats.mem_total_bytes, 32734592LL * 1024);
  EXPECT_EQ(stats.mem_available_bytes, 22345678LL * 1024);
}

TEST(ProcStats, MeminfoWithoutMemAvailable) {  // kernels before 3.14
  SystemMemoryStats stats = proc_stats_parse_meminfo("MemTotal: 1000 kB\nMemFree: 10 kB\n");
  EXPECT_EQ(stats.mem_total_bytes, 1024000);
  EXPECT_FALSE(stats.mem_available_bytes.has_value());
}

TEST(ProcStats, ParsesCpuSecondsAfterACommandWithSpacesAndParentheses) {
  // Fields: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
  //         utime stime ...
  const char* stat = "4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 7";
  EXPECT_EQ(proc_stats_parse_cpu_seconds(stat, 100), 3.0);
}

TEST(ProcStats, CommandNameIsBetweenTheFirstAndLastParenthesis) {
  EXPECT_EQ(proc_stats_parse_command_name("4242 (my (odd) name) S 1 2"), "my (odd) name");
  EXPECT_EQ(proc_stats_parse_command_name("garbage"), "");
}

TEST(ProcStats, ThreadCpuGroupsByNameOverTheInterval) {
  const std::vector<ThreadTimes> before = {
      {1, "tunedeck_engine", 10.0}, {2, "td-chat", 5.0}, {3, "td-chat", 5.0}};
  const std::vector<ThreadTimes> now = {{1, "tunedeck_engine", 10.02},
                                        {2, "td-chat", 6.0},
                                        {3, "td-chat", 5.9},
                                        {4, "td-train", 3.0}};
  const std::vector<ThreadGroupCpu> groups = proc_stats_thread_cpu(before, now, 2.0);
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(groups[0].name, "td-chat");  // busiest first
  EXPECT_EQ(groups[0].threads, 2);
  EXPECT_NEAR(groups[0].cpu_percent, 95.0, 1e-9);  // (1.0 + 0.9) s over 2 s
  EXPECT_EQ(groups[1].name, "tunedeck_engine");
  EXPECT_NEAR(groups[1].cpu_percent, 1.0, 1e-9);
  EXPECT_EQ(groups[2].name, "td-train");  // new since the last reading: counts from now
  EXPECT_EQ(groups[2].cpu_percent, 0);
}

TEST(ProcStats, ReadsThisProcessesNamedThreads) {
  std::atomic<bool> named{false}, done{false};
  std::thread worker([&] {
    proc_stats_name_this_thread("td-test");
    named = true;
    while (!done) std::this_thread::yield();  // busy: it has CPU time to report
  });
  while (!named) std::this_thread::yield();
  bool found = false;
  for (const ThreadTimes& t : proc_stats_read_threads()) found = found || t.name == "td-test";
  done = true;
  worker.join();
  EXPECT_TRUE(found);
}

TEST(ProcStats, MalformedStatIsAbsent) {
  EXPECT_FALSE(proc_stats_parse_cpu_seconds("", 100).has_value());
  EXPECT_FALSE(proc_stats_parse_cpu_seconds("1 (x) S 1 2 3", 100).has_value());
  EXPECT_FALSE(proc_stats_parse_cpu_seconds("1 (x) S 1 1 1 0 -1 0 0 0 0 0 5 5", 0).has_value());
}

TEST(ProcStats, ReadsThisProcessAndMachine) {
  ProcessStats process = proc_stats_read_process();
  ASSERT_TRUE(process.rss_bytes.has_value());
  ASSERT_TRUE(process.peak_rss_bytes.has_value());
  EXPECT_GT(*process.rss_bytes, 0);
  EXPECT_GE(*process.peak_rss_bytes, *process.rss_bytes);
  EXPECT_GE(process.threads.value_or(0), 1);
  std::thread extra([] { EXPECT_GE(proc_stats_read_process().threads.value_or(0), 2); });
  extra.join();

  SystemMemoryStats system = proc_stats_read_system();
  ASSERT_TRUE(system.mem_total_bytes.has_value());
  ASSERT_TRUE(system.mem_available_bytes.has_value());
  EXPECT_LE(*system.mem_available_bytes, *system.mem_total_bytes);
  EXPECT_TRUE(proc_stats_read_cpu_seconds().has_value());
}

}  // namespace
}  // namespace tunedeck
