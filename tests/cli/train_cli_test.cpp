// `tunedeck train` as a user runs it: a run killed with SIGKILL and resumed with --resume gives
// the same loss at every later step as an uninterrupted run (CPU, fixed seed, dropout on).
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/test_support.h"

namespace tunedeck {
namespace {

using nlohmann::json;

std::string write_config(const testing::ScratchDir& dir, const std::string& name) {
  testing::write_file(dir.file("chat.jsonl"), testing::stories_chat_jsonl(5));
  const std::string path = dir.file(name + ".toml");
  testing::write_file(path, "[model]\npath = \"" + testing::stories_dir() +
                                "\"\n"
                                "[data]\ntrain = \"chat.jsonl\"\nmax_len = 64\n"
                                "[lora]\nrank = 4\nalpha = 8\ndropout = 0.1\n"
                                "[optim]\nlr = 5e-3\nwarmup_steps = 3\n"
                                "[run]\noutput_dir = \"" +
                                name +
                                "\"\nbatch_size = 2\nsteps = 30\nlog_every = 1\n"
                                "checkpoint_every = 10\nseed = 7\nthreads = 1\ndb = \"runs.db\"\n");
  return path;
}

// step -> `field` ("loss", "lr") of every step event in `tunedeck train --json` output
std::map<int, double> step_values(const std::string& jsonl, const std::string& field) {
  std::map<int, double> values;
  std::istringstream in(jsonl);
  for (std::string line; std::getline(in, line);) {
    json j = json::parse(line, nullptr, false);
    if (j.is_object() && j.contains("status") && j["status"] == "running" && !j.contains("message"))
      values[j["step"].get<int>()] = j[field].get<double>();
  }
  return values;
}

std::map<int, double> step_losses(const std::string& jsonl) { return step_values(jsonl, "loss"); }

// the final outcome object: the last line of `tunedeck train --json`
json outcome_of(const std::string& jsonl) {
  const size_t end = jsonl.find_last_not_of('\n');
  const size_t start = jsonl.rfind('\n', end);
  return json::parse(
      jsonl.substr(start == std::string::npos ? 0 : start + 1, end + 1 - (start + 1)));
}

// Starts `tunedeck train CONFIG --json`, reads its stdout until `marker` appears in a line and
// `extra_lines` more lines came, then SIGKILLs it. Returns what it printed.
std::string run_and_kill(const std::string& config, const std::string& marker, int extra_lines) {
  testing::LiveProcess train({"tunedeck", "train", config, "--json"});
  auto lines_after_marker = [&] {
    const size_t at = train.out.find(marker);
    if (at == std::string::npos) return false;
    return std::count(train.out.begin() + at, train.out.end(), '\n') > extra_lines;
  };
  train.read_until(lines_after_marker, 600);
  EXPECT_EQ(train.kill_and_wait(SIGKILL), 128 + SIGKILL) << "the run ended before it was killed";
  return train.out.substr(0, train.out.rfind('\n') + 1);  // whole lines
}

TEST(TrainCli, KilledAndResumedRunMatchesAnUninterruptedOne) {
  testing::ScratchDir dir;
  auto whole = testing::run_command({"tunedeck", "train", write_config(dir, "whole"), "--json"});
  ASSERT_EQ(whole.exit_code, 0) << whole.err << whole.out;
  const auto expected = step_losses(whole.out);
  ASSERT_EQ(expected.size(), 30u);

  const std::string config = write_config(dir, "killed");
  const auto before_kill = step_losses(run_and_kill(config, "checkpoint: step 20", 2));
  ASSERT_GE(before_kill.size(), 20u);
  auto resumed = testing::run_command({"tunedeck", "train", config, "--resume", "--json"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err << resumed.out;
  EXPECT_NE(resumed.out.find("resume: continuing from"), std::string::npos);
  const auto after = step_losses(resumed.out);
  ASSERT_EQ(after.size(), 10u);  // steps 21..30
  for (const auto& [step, loss] : after) {
    ASSERT_TRUE(expected.count(step));
    EXPECT_EQ(loss, expected.at(step)) << "step " << step;  // exact: same math, same order
  }
  for (const auto& [step, loss] : before_kill)
    EXPECT_EQ(loss, expected.at(step)) << "step " << step;
}

// Training in stages, as datebot was: --steps N stops at N with a schedule that spans N; --resume
// then continues to the config's steps, with the learning rate a single run has at each step.
TEST(TrainCli, StepsOverrideTrainsInStagesThatResume) {
  testing::ScratchDir dir;
  auto whole = testing::run_command({"tunedeck", "train", write_config(dir, "whole"), "--json"});
  ASSERT_EQ(whole.exit_code, 0) << whole.err << whole.out;
  const auto whole_lr = step_values(whole.out, "lr");

  const std::string config = write_config(dir, "staged");
  auto first = testing::run_command({"tunedeck", "train", config, "--steps", "10", "--json"});
  ASSERT_EQ(first.exit_code, 0) << first.err << first.out;
  const auto first_lr = step_values(first.out, "lr");
  ASSERT_EQ(first_lr.size(), 10u);
  EXPECT_LT(first_lr.at(10), whole_lr.at(10));  // its own schedule: decayed by step 10
  EXPECT_EQ(outcome_of(first.out)["steps"], 10);

  auto second = testing::run_command({"tunedeck", "train", config, "--resume", "--json"});
  ASSERT_EQ(second.exit_code, 0) << second.err << second.out;
  const auto second_lr = step_values(second.out, "lr");
  ASSERT_EQ(second_lr.size(), 20u);  // steps 11..30
  for (const auto& [step, lr] : second_lr)
    EXPECT_DOUBLE_EQ(lr, whole_lr.at(step)) << "step " << step;
  EXPECT_EQ(outcome_of(second.out)["steps"], 30);

  auto zero = testing::run_command({"tunedeck", "train", config, "--steps", "0"});
  EXPECT_EQ(zero.exit_code, 2);
  EXPECT_NE(zero.err.find("--steps must be >= 1"), std::string::npos) << zero.err;
}

TEST(TrainCli, PreflightStopsWhenTooFewTokensCarryLoss) {
  testing::ScratchDir dir;
  testing::write_file(
      dir.file("short_answers.jsonl"),
      R"({"messages": [{"role": "user", "content": "a long question that is mostly prompt text"}, {"role": "assistant", "content": "ok"}]})"
      "\n");
  testing::write_file(
      dir.file("job.toml"),
      "[model]\npath = \"" + testing::stories_dir() +
          "\"\n"
          "[data]\ntrain = \"short_answers.jsonl\"\n"
          "[run]\noutput_dir = \"o\"\nsteps = 2\ndb = \"runs.db\"\nmin_loss_share = 0.9\n");
  auto r = testing::run_command({"tunedeck", "train", dir.file("job.toml")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("of tokens carry loss (minimum 90%)"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("loss mask:"), std::string::npos)
      << r.out;  // the pre-flight was printed first
}

TEST(TrainCli, UnknownKeyNamesTheSection) {
  testing::ScratchDir dir;
  testing::write_file(dir.file("job.toml"), "[data]\ntrain = \"x.jsonl\"\nmax_lenght = 4\n");
  auto r = testing::run_command({"tunedeck", "train", dir.file("job.toml")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("unknown key 'max_lenght' in [data]"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("job.toml"), std::string::npos) << r.err;
}

TEST(TrainCli, BadTomlNamesFileAndLine) {
  testing::ScratchDir dir;
  testing::write_file(dir.file("job.toml"), "[run]\nsteps = \"many\"\n");
  auto r = testing::run_command({"tunedeck", "train", dir.file("job.toml")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("job.toml"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(" 2 | steps = \"many\""), std::string::npos)
      << r.err;  // toml11 shows the line
  EXPECT_NE(r.err.find("job.toml:2: [run] steps must be an integer, got a string"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace tunedeck
