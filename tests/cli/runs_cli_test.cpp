// `tunedeck runs list|show|watch`, run as the real binary on a database this test fills through
// RunLog; watch follows a run that another process writes while it runs.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/test_support.h"
#include "tests/train/run_log_samples.h"
#include "train/run_log.h"

namespace tunedeck {
namespace {

using nlohmann::json;
using testing::CommandResult;
using testing::sample_run_metrics;
using testing::sample_run_start;

class RunsCli : public ::testing::Test {
 protected:
  std::string db() const { return dir_.file("tunedeck.db"); }

  CommandResult tunedeck(std::vector<std::string> args) {
    args.insert(args.begin(), "tunedeck");
    return testing::run_command(args, "", {"XDG_DATA_HOME=" + dir_.file("data")});
  }

  // Run 1 "stories-lora": finished, steps 1-3, eval at 3. Run 2 "from-scratch": running, no step.
  void fill_two_runs() {
    RunLog log = RunLog::open(db());
    const int64_t lora = log.start_run(sample_run_start("stories-lora", "lora"));
    for (int64_t step = 1; step <= 3; step++) {
      RunMetrics m = sample_run_metrics(step);
      if (step == 3) m.eval_loss = 2.125;
      log.log_metrics(lora, m);
    }
    log.set_summary(lora, {{"preflight", {"rows: 12 used, 1 skipped", "loss tokens: 31.5%"}}});
    log.finish_run(lora, "finished");
    log.start_run(sample_run_start("from-scratch", "full"));
  }

  testing::ScratchDir dir_;
};

TEST_F(RunsCli, ListsRunsAsJsonNewestFirst) {
  fill_two_runs();
  const CommandResult r = tunedeck({"runs", "list", "--json", "--db", db()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json runs = json::parse(r.out);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0]["id"], 2);
  EXPECT_EQ(runs[0]["name"], "from-scratch");
  EXPECT_EQ(runs[0]["method"], "full");
  EXPECT_EQ(runs[0]["status"], "running");
  EXPECT_EQ(runs[0]["last_step"], nullptr);
  EXPECT_EQ(runs[0]["finished_at"], nullptr);
  EXPECT_EQ(runs[0]["pid"], getpid());
  EXPECT_EQ(runs[1]["id"], 1);
  EXPECT_EQ(runs[1]["name"], "stories-lora");
  EXPECT_EQ(runs[1]["status"], "finished");
  EXPECT_EQ(runs[1]["total_steps"], 10);
  EXPECT_EQ(runs[1]["last_step"], 3);
  EXPECT_DOUBLE_EQ(runs[1]["last_loss"].get<double>(), 2.25);
  EXPECT_EQ(runs[1]["template_hash"], "9f86d081");
  EXPECT_EQ(runs[1]["output_dir"], "/tmp/runs/stories-lora");
  EXPECT_EQ(runs[1]["config_toml"], "[run]\nname = \"stories-lora\"\n");
  EXPECT_EQ(runs[1]["summary"]["preflight"][1], "loss tokens: 31.5%");
  EXPECT_EQ(runs[1]["finished_at"].get<std::string>().size(), 24u);

  const CommandResult limited = tunedeck({"runs", "--json", "--limit", "1", "--db", db()});
  ASSERT_EQ(limited.exit_code, 0) << limited.err;
  ASSERT_EQ(json::parse(limited.out).size(), 1u);
  EXPECT_EQ(json::parse(limited.out)[0]["id"], 2);
}

void expect_starts_with(const std::string& text, const std::string& start) {
  EXPECT_EQ(text.rfind(start, 0), 0u) << text;
}

TEST_F(RunsCli, ListsRunsForPeople) {
  fill_two_runs();
  const CommandResult r = tunedeck({"runs", "--db", db()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_starts_with(r.out,
                     "   ID  NAME                     METHOD  STATUS              STEP      LOSS"
                     "  STARTED (UTC)\n");
  EXPECT_NE(
      r.out.find("    2  from-scratch             full    running             -/10         -"),
      std::string::npos)
      << r.out;
  EXPECT_NE(
      r.out.find("    1  stories-lora             lora    finished            3/10    2.2500"),
      std::string::npos)
      << r.out;
}

TEST_F(RunsCli, SaysSoWhenThereAreNoRuns) {
  const CommandResult r = tunedeck({"runs", "list", "--db", db()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "no runs in " + db() + " yet (start one with tunedeck train CONFIG.toml)\n");
  const CommandResult as_json = tunedeck({"runs", "--json", "--db", db()});
  EXPECT_EQ(as_json.out, "[]\n");
}

TEST_F(RunsCli, UsesTheDefaultDatabaseWithoutDb) {
  {
    RunLog log = RunLog::open(dir_.file("data/tunedeck/tunedeck.db"));
    log.start_run(sample_run_start("in-default", "lora"));
  }
  const CommandResult r = tunedeck({"runs", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(json::parse(r.out).size(), 1u);
  EXPECT_EQ(json::parse(r.out)[0]["name"], "in-default");
}

TEST_F(RunsCli, ShowsARunAndItsMetricsAsJson) {
  fill_two_runs();
  const CommandResult r = tunedeck({"runs", "show", "1", "--json", "--db", db()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json shown = json::parse(r.out);
  EXPECT_EQ(shown["run"]["name"], "stories-lora");
  EXPECT_EQ(shown["run"]["status"], "finished");
  const json& metrics = shown["metrics"];
  ASSERT_EQ(metrics.size(), 3u);
  for (int i = 0; i < 3; i++) {
    const RunMetrics expected = sample_run_metrics(i + 1);
    EXPECT_EQ(metrics[i]["step"], i + 1);
    EXPECT_DOUBLE_EQ(metrics[i]["loss"].get<double>(), expected.loss);
    EXPECT_DOUBLE_EQ(metrics[i]["lr"].get<double>(), expected.lr);
    EXPECT_DOUBLE_EQ(metrics[i]["grad_norm"].get<double>(), expected.grad_norm);
    EXPECT_DOUBLE_EQ(metrics[i]["tokens_per_s"].get<double>(), expected.tokens_per_s);
    EXPECT_EQ(metrics[i]["memory_bytes"], expected.memory_bytes);
    EXPECT_DOUBLE_EQ(metrics[i]["elapsed_s"].get<double>(), expected.elapsed_s);
  }
  EXPECT_EQ(metrics[1]["eval_loss"], nullptr);
  EXPECT_DOUBLE_EQ(metrics[2]["eval_loss"].get<double>(), 2.125);
}

TEST_F(RunsCli, ShowsARunForPeople) {
  fill_two_runs();
  const CommandResult r = tunedeck({"runs", "show", "1", "--db", db()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_starts_with(r.out,
                     "run 1  stories-lora\n  method      lora\n  status      finished\n"
                     "  steps       3/10\n");
  EXPECT_NE(r.out.find("  pre-flight\n    rows: 12 used, 1 skipped\n    loss tokens: 31.5%\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("    STEP      LOSS        LR  GRAD NORM     TOK/S  EVAL LOSS\n"
                       "       1    2.7500  1.00e-04      1.500      1001          -\n"
                       "       2    2.5000  2.00e-04      2.500      1002          -\n"
                       "       3    2.2500  3.00e-04      3.500      1003     2.1250\n"),
            std::string::npos)
      << r.out;
  const CommandResult empty = tunedeck({"runs", "show", "2", "--db", db()});
  ASSERT_EQ(empty.exit_code, 0) << empty.err;
  EXPECT_NE(empty.out.find("\nno steps logged yet\n"), std::string::npos) << empty.out;
}

TEST_F(RunsCli, RefusesAnUnknownRunAndBadArguments) {
  fill_two_runs();
  CommandResult r = tunedeck({"runs", "show", "7", "--db", db()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "tunedeck runs: error: no run 7 in " + db() + " (see tunedeck runs list)\n");
  r = tunedeck({"runs", "watch", "7", "--db", db()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "tunedeck runs: error: no run 7 in " + db() + " (see tunedeck runs list)\n");
  r = tunedeck({"runs", "show", "one", "--db", db()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("run ID 'one' is not a positive number"), std::string::npos) << r.err;
  r = tunedeck({"runs", "show", "--db", db()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("'runs show' takes one run ID"), std::string::npos) << r.err;
  r = tunedeck({"runs", "show", "1", "--limit", "3", "--db", db()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--limit belongs to 'runs list'"), std::string::npos) << r.err;
  r = tunedeck({"runs", "watch", "1", "--interval", "0", "--db", db()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--interval must be more than 0"), std::string::npos) << r.err;
  r = tunedeck({"runs", "rm", "1", "--db", db()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown action 'rm'"), std::string::npos) << r.err;
}

TEST_F(RunsCli, WatchFollowsARunThatAnotherProcessWrites) {
  int64_t id = 0;
  {
    RunLog log = RunLog::open(db());
    id = log.start_run(sample_run_start("live", "lora"));  // pid: this test process, alive
    log.log_metrics(id, sample_run_metrics(1));
  }  // no connection crosses the forks below
  testing::LiveProcess watch({"tunedeck", "runs", "watch", std::to_string(id), "--json",
                              "--interval", "0.1", "--db", db()});
  // Watch is running once it has printed step 1; everything after is written while it follows.
  std::optional<std::string> line = watch.read_line();
  ASSERT_TRUE(line);
  json first = json::parse(*line);
  EXPECT_EQ(first["event"], "metric");
  EXPECT_EQ(first["run_id"], id);
  EXPECT_EQ(first["step"], 1);

  const pid_t writer = fork();
  if (writer == 0) {
    int code = 0;
    try {
      RunLog log = RunLog::open(db());
      for (int64_t step = 2; step <= 6; step++) {
        log.log_metrics(id, sample_run_metrics(step));
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
      }
      RunMetrics final_eval =
          sample_run_metrics(6);  // logged at the last step again, as the trainer does
      final_eval.eval_loss = 1.5;
      log.log_metrics(id, final_eval);
      log.finish_run(id, "finished");
    } catch (const std::exception&) {
      code = 3;
    }
    _exit(code);
  }
  std::vector<json> lines;
  while ((line = watch.read_line())) lines.push_back(json::parse(*line));
  int writer_status = 0;
  waitpid(writer, &writer_status, 0);
  EXPECT_EQ(WEXITSTATUS(writer_status), 0);
  EXPECT_EQ(watch.kill_and_wait(0), 0);

  ASSERT_EQ(lines.size(), 7u);  // steps 2-6, the final eval, the end
  for (int i = 0; i < 5; i++) {
    EXPECT_EQ(lines[i]["event"], "metric");
    EXPECT_EQ(lines[i]["step"], i + 2);
    EXPECT_DOUBLE_EQ(lines[i]["loss"].get<double>(), sample_run_metrics(i + 2).loss);
    EXPECT_EQ(lines[i]["eval_loss"], nullptr);
  }
  EXPECT_EQ(lines[5]["step"], 6);
  EXPECT_DOUBLE_EQ(lines[5]["eval_loss"].get<double>(), 1.5);
  EXPECT_EQ(lines[6],
            json({{"event", "end"}, {"run_id", id}, {"status", "finished"}, {"error", ""}}));
}

TEST_F(RunsCli, WatchOfAnEndedRunPrintsItsStepsAndExits) {
  fill_two_runs();
  const CommandResult r = tunedeck({"runs", "watch", "1", "--db", db()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "run 1 \"stories-lora\" (lora), finished, 3/10 steps\n"
            "    STEP      LOSS        LR  GRAD NORM     TOK/S  EVAL LOSS\n"
            "       1    2.7500  1.00e-04      1.500      1001          -\n"
            "       2    2.5000  2.00e-04      2.500      1002          -\n"
            "       3    2.2500  3.00e-04      3.500      1003     2.1250\n"
            "run 1 finished\n");
}

TEST_F(RunsCli, WatchEndsWithStatusOneForFailedAndStaleRuns) {
  int64_t failed = 0, stale = 0;
  RunStart killed = sample_run_start("killed", "full");
  killed.pid = testing::dead_pid();
  {
    RunLog log = RunLog::open(db());
    failed = log.start_run(sample_run_start("broken", "lora"));
    log.finish_run(failed, "failed", "disk full");
    stale = log.start_run(killed);
    log.log_metrics(stale, sample_run_metrics(1));
  }
  CommandResult r = tunedeck({"runs", "watch", std::to_string(failed), "--json", "--db", db()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out,
            "{\"error\":\"disk full\",\"event\":\"end\",\"run_id\":1,\"status\":\"failed\"}\n");
  r = tunedeck({"runs", "watch", std::to_string(stale), "--db", db()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("run 2 is stale: it is recorded as running, but its process " +
                       std::to_string(killed.pid)),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("       1    2.7500"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace tunedeck
