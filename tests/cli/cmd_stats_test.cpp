// `tunedeck stats` run as a subprocess against the fake libnvidia-ml.so.1 (tests/core/fake_nvml.c).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/test_support.h"

namespace tunedeck {
namespace {

using testing::CommandResult;

// Runs `tunedeck stats ARGS` with the user's own config kept out of the way.
class CmdStats : public ::testing::Test {
 protected:
  CommandResult stats(std::vector<std::string> args, std::vector<std::string> env = {}) {
    args.insert(args.begin(), {"tunedeck", "stats"});
    env.push_back("XDG_CONFIG_HOME=" + dir_.file("config-home"));
    return testing::run_command(args, "", env);
  }
  testing::ScratchDir dir_;
};

const std::string kFakeEnv = std::string("TUNEDECK_NVML_LIBRARY=") + FAKE_NVML_LIBRARY;
const std::string kMissingEnv = "TUNEDECK_NVML_LIBRARY=/nonexistent/libnvidia-ml.so.1";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST_F(CmdStats, JsonShowsTheFakeDriverExactly) {
  auto result = stats({"--json"}, {kFakeEnv, "FAKE_NVML_MODE="});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  nlohmann::json json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["sequence"], 1);
  EXPECT_EQ(json["gpu_status"], "ok");
  ASSERT_EQ(json["gpus"].size(), 2u);
  EXPECT_EQ(json["gpus"][0], nlohmann::json::parse(R"({"index": 0, "name": "NVIDIA H200",
      "memory_used_bytes": 13207024435, "memory_total_bytes": 150109880320,
      "utilization_percent": 45, "temperature_c": 61, "power_draw_w": 310.5,
      "power_limit_w": 700.0, "process_memory_bytes": 1610612736})"));
  EXPECT_EQ(json["gpus"][1]["name"], "NVIDIA Fake B");
  EXPECT_EQ(json["gpus"][1]["process_memory_bytes"], nullptr);
  EXPECT_EQ(json["allocator"]["available"], false);
  EXPECT_TRUE(json["process"]["rss_bytes"].is_number_integer());
  EXPECT_TRUE(json["system"]["mem_available_bytes"].is_number_integer());
  EXPECT_EQ(json["accounting"]["total_bytes"], 0);
}

TEST_F(CmdStats, TextShowsOneLinePerGpu) {
  auto result = stats({}, {kFakeEnv, "FAKE_NVML_MODE="});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto lines = lines_of(result.out);
  ASSERT_EQ(lines.size(), 6u) << result.out;
  EXPECT_EQ(lines[0],
            "GPU0 NVIDIA H200  12.3/139.8 GiB  util 45%  61C  310/700 W  this process 1.5 GiB");
  EXPECT_EQ(lines[1], "GPU1 NVIDIA Fake B  1.0/80.0 GiB  util 0%  35C  60/300 W  this process N/A");
  EXPECT_EQ(lines[2], "CUDA allocator: N/A");
  EXPECT_EQ(lines[3].rfind("process: RSS ", 0), 0u);
  EXPECT_EQ(lines[4].rfind("system: ", 0), 0u);
  EXPECT_EQ(lines[5], "tunedeck: weights 0 B  KV cache 0 B  LoRA 0 B  optimizer 0 B");
}

TEST_F(CmdStats, MissingLibraryDegradesAndSucceeds) {
  auto result = stats({"--json"}, {kMissingEnv});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  nlohmann::json json = nlohmann::json::parse(result.out);
  EXPECT_EQ(json["gpu_status"],
            "unavailable: cannot load NVML (/nonexistent/libnvidia-ml.so.1: cannot open shared "
            "object file: No such file or directory)");
  EXPECT_TRUE(json["gpus"].empty());
  EXPECT_TRUE(json["process"]["rss_bytes"].is_number_integer());
  EXPECT_TRUE(json["system"]["mem_total_bytes"].is_number_integer());
}

TEST_F(CmdStats, InitErrorDegradesAndSucceeds) {
  auto result = stats({}, {kFakeEnv, "FAKE_NVML_MODE=init_error"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(lines_of(result.out).at(0),
            "GPU: unavailable: nvmlInit_v2 failed: Driver Not Loaded (NVML error 9)");
}

TEST_F(CmdStats, WatchJsonPrintsOneObjectPerSample) {
  auto result = stats({"--json", "--watch", "--interval", "0.01", "--count", "3"},
                      {kFakeEnv, "FAKE_NVML_MODE="});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto lines = lines_of(result.out);
  ASSERT_EQ(lines.size(), 3u) << result.out;
  for (size_t i = 0; i < lines.size(); ++i) {
    nlohmann::json json = nlohmann::json::parse(lines[i]);
    EXPECT_EQ(json["sequence"], i + 1);
    EXPECT_EQ(json["gpus"][0]["memory_used_bytes"], 13207024435LL);
  }
}

TEST_F(CmdStats, WatchTextInAPipeSeparatesSamplesWithABlankLine) {
  auto result = stats({"--watch", "--interval", "0.01", "--count", "2"}, {kMissingEnv});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto lines = lines_of(result.out);
  ASSERT_EQ(lines.size(), 11u) << result.out;  // 5 lines, a blank one, 5 lines
  EXPECT_EQ(lines[5], "");
  EXPECT_EQ(lines[0], lines[6]);
}

TEST_F(CmdStats, UsageErrors) {
  auto count_alone = stats({"--count", "2"});
  EXPECT_EQ(count_alone.exit_code, 2);
  EXPECT_EQ(count_alone.err, "tunedeck stats: --count needs --watch (see tunedeck stats --help)\n");
  auto interval_alone = stats({"--interval", "2"});
  EXPECT_EQ(interval_alone.exit_code, 2);
  EXPECT_EQ(interval_alone.err,
            "tunedeck stats: --interval needs --watch (see tunedeck stats --help)\n");
  auto zero = stats({"--watch", "--interval", "0"});
  EXPECT_EQ(zero.exit_code, 2);
  EXPECT_EQ(zero.err,
            "tunedeck stats: --interval must be > 0 seconds (see tunedeck stats --help)\n");
  auto bad_count = stats({"--watch", "--count", "0"});
  EXPECT_EQ(bad_count.exit_code, 2);
  auto unknown = stats({"--bogus"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.err, "tunedeck stats: unknown option '--bogus' (see tunedeck stats --help)\n");
}

TEST_F(CmdStats, LibraryFromConfigUnlessTheEnvironmentNamesOne) {
  const std::string config = dir_.file("stats.toml");
  testing::write_file(config,
                      std::string("[stats]\nnvml_library = \"") + FAKE_NVML_LIBRARY + "\"\n");
  auto from_config =
      stats({"--json", "--config", config}, {"TUNEDECK_NVML_LIBRARY=", "FAKE_NVML_MODE="});
  ASSERT_EQ(from_config.exit_code, 0) << from_config.err;
  EXPECT_EQ(nlohmann::json::parse(from_config.out)["gpus"].size(), 2u);
  auto env_wins = stats({"--json", "--config", config}, {kMissingEnv});
  ASSERT_EQ(env_wins.exit_code, 0) << env_wins.err;
  EXPECT_EQ(nlohmann::json::parse(env_wins.out)["gpus"].size(), 0u);
}

TEST_F(CmdStats, BadConfigIsAnError) {
  const std::string config = dir_.file("bad.toml");
  testing::write_file(config, "[stats]\ninterval_s = \"fast\"\n");
  auto result = stats({"--config", config});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_EQ(result.err.rfind("tunedeck stats: error: " + config, 0), 0u) << result.err;
}

TEST_F(CmdStats, Help) {
  auto result = stats({"--help"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(
      result.out.rfind(
          "usage: tunedeck stats [--json] [--watch [--interval S] [--count N]] [--config FILE]\n",
          0),
      0u);
}

}  // namespace
}  // namespace tunedeck
