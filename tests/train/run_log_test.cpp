// RunLog: runs and metrics in sqlite, seen by other connections and processes as they commit.
#include "train/run_log.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <limits>

#include "agent/memory.h"
#include "tests/test_support.h"
#include "tests/train/run_log_samples.h"

namespace tunedeck {
namespace {

using testing::sample_run_metrics;
using testing::sample_run_start;

std::string this_host() {
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  return name;
}

class RunLogTest : public ::testing::Test {
 protected:
  std::string db_path() const { return dir_.file("state/tunedeck.db"); }
  testing::ScratchDir dir_;
};

TEST_F(RunLogTest, StartsARunAndReadsItBack) {
  RunLog log = RunLog::open(db_path());  // creates state/
  const int64_t id = log.start_run(sample_run_start("first"));
  EXPECT_EQ(id, 1);
  const std::optional<RunInfo> run = log.get_run(id);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->id, 1);
  EXPECT_EQ(run->name, "first");
  EXPECT_EQ(run->method, "lora");
  EXPECT_EQ(run->status, "running");
  EXPECT_EQ(run->config_toml, "[run]\nname = \"first\"\n");
  EXPECT_EQ(run->output_dir, "/tmp/runs/first");
  EXPECT_EQ(run->template_hash, "9f86d081");
  EXPECT_EQ(run->total_steps, 10);
  EXPECT_EQ(run->pid, getpid());
  EXPECT_EQ(run->host, this_host());
  EXPECT_EQ(run->started_at.size(), 24u) << run->started_at;  // 2027-01-04T09:30:00.123Z
  EXPECT_EQ(run->started_at.back(), 'Z');
  EXPECT_EQ(run->finished_at, "");
  EXPECT_EQ(run->error, "");
  EXPECT_TRUE(run->summary.is_null());
  EXPECT_EQ(run->last_step, -1);
  EXPECT_FALSE(run->last_loss);
  EXPECT_FALSE(log.get_run(2));
}

TEST_F(RunLogTest, KeepsTheGivenPidAndHost) {
  RunLog log = RunLog::open(db_path());
  RunStart start = sample_run_start("elsewhere");
  start.pid = 4242;
  start.host = "gpu-box-7";
  const RunInfo run = *log.get_run(log.start_run(start));
  EXPECT_EQ(run.pid, 4242);
  EXPECT_EQ(run.host, "gpu-box-7");
  EXPECT_EQ(run.status, "running");  // another host's process cannot be checked
}

TEST_F(RunLogTest, RejectsAnUnknownMethod) {
  RunLog log = RunLog::open(db_path());
  RunStart start = sample_run_start("bad");
  start.method = "dpo";
  try {
    log.start_run(start);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "run method 'dpo' is not one of \"lora\", \"full\"");
  }
  EXPECT_TRUE(log.list_runs().empty());
}

TEST_F(RunLogTest, LogsMetricsAndReadsThemAfterAStep) {
  RunLog log = RunLog::open(db_path());
  const int64_t id = log.start_run(sample_run_start("metrics"));
  for (int64_t step = 1; step <= 5; step++) {
    RunMetrics m = sample_run_metrics(step);
    if (step == 5) m.eval_loss = 1.75;
    log.log_metrics(id, m);
  }
  const std::vector<RunMetrics> all = log.metrics(id);
  ASSERT_EQ(all.size(), 5u);
  for (size_t i = 0; i < all.size(); i++) {
    const RunMetrics expected = sample_run_metrics(static_cast<int64_t>(i) + 1);
    EXPECT_EQ(all[i].step, expected.step);
    EXPECT_EQ(all[i].epoch, expected.epoch);
    EXPECT_DOUBLE_EQ(all[i].loss, expected.loss);
    EXPECT_DOUBLE_EQ(all[i].lr, expected.lr);
    EXPECT_DOUBLE_EQ(all[i].grad_norm, expected.grad_norm);
    EXPECT_DOUBLE_EQ(all[i].tokens_per_s, expected.tokens_per_s);
    EXPECT_EQ(all[i].memory_bytes, expected.memory_bytes);
    EXPECT_DOUBLE_EQ(all[i].elapsed_s, expected.elapsed_s);
    EXPECT_EQ(all[i].created_at.size(), 24u);
    if (i > 0) {
      EXPECT_GT(all[i].id, all[i - 1].id);
    }
  }
  EXPECT_FALSE(all[3].eval_loss);
  ASSERT_TRUE(all[4].eval_loss);
  EXPECT_DOUBLE_EQ(*all[4].eval_loss, 1.75);

  const std::vector<RunMetrics> after_3 = log.metrics(id, 3);
  ASSERT_EQ(after_3.size(), 2u);
  EXPECT_EQ(after_3[0].step, 4);
  EXPECT_EQ(after_3[1].step, 5);
  EXPECT_TRUE(log.metrics(id, 5).empty());
  EXPECT_TRUE(log.metrics(id + 1).empty());

  const RunInfo run = *log.get_run(id);
  EXPECT_EQ(run.last_step, 5);
  ASSERT_TRUE(run.last_loss);
  EXPECT_DOUBLE_EQ(*run.last_loss, 3.0 - 0.25 * 5);
  EXPECT_GE(run.updated_at, run.started_at);
}

TEST_F(RunLogTest, KeepsAStepLoggedTwice) {
  RunLog log = RunLog::open(db_path());
  const int64_t id = log.start_run(sample_run_start("final eval"));
  log.log_metrics(id, sample_run_metrics(1));
  log.log_metrics(id, sample_run_metrics(2));
  RunMetrics final_eval;
  final_eval.step = 2;
  final_eval.loss = 2.5;
  final_eval.eval_loss = 2.25;
  log.log_metrics(id, final_eval);
  const std::vector<RunMetrics> from_step_2 = log.metrics(id, 1);
  ASSERT_EQ(from_step_2.size(), 2u);
  EXPECT_EQ(from_step_2[0].step, 2);
  EXPECT_FALSE(from_step_2[0].eval_loss);
  EXPECT_EQ(from_step_2[1].step, 2);
  EXPECT_DOUBLE_EQ(*from_step_2[1].eval_loss, 2.25);
  EXPECT_GT(from_step_2[1].id, from_step_2[0].id);
}

TEST_F(RunLogTest, KeepsANanLossOfADivergedRun) {
  RunLog log = RunLog::open(db_path());
  const int64_t id = log.start_run(sample_run_start("diverged"));
  RunMetrics m = sample_run_metrics(7);
  m.loss = std::numeric_limits<double>::quiet_NaN();
  m.grad_norm = std::numeric_limits<double>::infinity();
  m.eval_loss = std::numeric_limits<double>::quiet_NaN();
  log.log_metrics(id, m);
  const std::vector<RunMetrics> rows = log.metrics(id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(std::isnan(rows[0].loss));
  EXPECT_TRUE(std::isinf(rows[0].grad_norm));
  EXPECT_DOUBLE_EQ(rows[0].lr, 7e-4);
  EXPECT_FALSE(rows[0].eval_loss);
  const RunInfo run = *log.get_run(id);
  EXPECT_EQ(run.last_step, 7);
  EXPECT_FALSE(run.last_loss);
}

TEST_F(RunLogTest, RefusesMetricsForAnUnknownRun) {
  RunLog log = RunLog::open(db_path());
  try {
    log.log_metrics(9, sample_run_metrics(1));
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "no run 9 in " + db_path());
  }
  EXPECT_TRUE(log.metrics(9).empty());
  EXPECT_THROW(log.set_summary(9, {{"a", 1}}), std::invalid_argument);
  EXPECT_THROW(log.finish_run(9, "finished"), std::invalid_argument);
}

TEST_F(RunLogTest, StoresAndReplacesTheSummary) {
  RunLog log = RunLog::open(db_path());
  const int64_t id = log.start_run(sample_run_start("summary"));
  log.set_summary(id, {{"preflight", {"rows: 10 used"}}, {"loss_tokens", 40}});
  EXPECT_EQ(log.get_run(id)->summary,
            nlohmann::json({{"preflight", {"rows: 10 used"}}, {"loss_tokens", 40}}));
  log.set_summary(id, {{"tokens", 100}});
  EXPECT_EQ(log.get_run(id)->summary, nlohmann::json({{"tokens", 100}}));
}

TEST_F(RunLogTest, FinishesARunWithItsStatusAndError) {
  RunLog log = RunLog::open(db_path());
  const int64_t done = log.start_run(sample_run_start("done"));
  const int64_t broken = log.start_run(sample_run_start("broken"));
  log.finish_run(done, "finished");
  log.finish_run(broken, "failed", "disk full writing step-20/optimizer.pt");
  const RunInfo a = *log.get_run(done);
  EXPECT_EQ(a.status, "finished");
  EXPECT_EQ(a.error, "");
  EXPECT_EQ(a.finished_at.size(), 24u);
  EXPECT_GE(a.finished_at, a.started_at);
  const RunInfo b = *log.get_run(broken);
  EXPECT_EQ(b.status, "failed");
  EXPECT_EQ(b.error, "disk full writing step-20/optimizer.pt");
}

TEST_F(RunLogTest, RefusesAnUnknownFinalStatus) {
  RunLog log = RunLog::open(db_path());
  const int64_t id = log.start_run(sample_run_start("x"));
  try {
    log.finish_run(id, "running");
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "run 1: final status 'running' is not one of \"finished\", \"failed\", "
                 "\"cancelled\"");
  }
  EXPECT_EQ(log.get_run(id)->status, "running");
}

TEST_F(RunLogTest, ListsNewestFirstUpToTheLimit) {
  RunLog log = RunLog::open(db_path());
  for (const char* name : {"a", "b", "c"}) log.start_run(sample_run_start(name));
  const std::vector<RunInfo> two = log.list_runs(2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].name, "c");
  EXPECT_EQ(two[1].name, "b");
  EXPECT_EQ(log.list_runs(0).size(), 3u);
  EXPECT_EQ(log.list_runs().size(), 3u);
}

TEST_F(RunLogTest, ReportsARunningRunWithADeadPidAsStaleWithoutRewritingIt) {
  RunLog log = RunLog::open(db_path());
  RunStart start = sample_run_start("killed");
  start.pid = testing::dead_pid();
  const int64_t killed = log.start_run(start);
  start.host = "other-host";  // the same pid elsewhere cannot be checked
  const int64_t remote = log.start_run(start);
  start.host = "";
  const int64_t finished = log.start_run(start);
  log.finish_run(finished, "finished");
  const int64_t alive = log.start_run(sample_run_start("alive"));  // this process

  EXPECT_EQ(log.get_run(killed)->status, "stale");
  EXPECT_EQ(log.get_run(remote)->status, "running");
  EXPECT_EQ(log.get_run(finished)->status, "finished");
  EXPECT_EQ(log.get_run(alive)->status, "running");
  EXPECT_EQ(log.list_runs()[3].status, "stale");

  SqliteDb raw(db_path());
  SqliteStatement stored = raw.prepare("SELECT status FROM runs WHERE id = ?");
  stored.bind_int64(1, killed);
  ASSERT_TRUE(stored.step());
  EXPECT_EQ(stored.column_text(0), "running");
}

TEST_F(RunLogTest, ASecondConnectionSeesEachCommittedStep) {
  RunLog writer = RunLog::open(db_path());
  RunLog reader = RunLog::open(db_path());
  const int64_t id = writer.start_run(sample_run_start("live"));
  ASSERT_TRUE(reader.get_run(id));
  for (int64_t step = 1; step <= 3; step++) {
    writer.log_metrics(id, sample_run_metrics(step));
    const std::vector<RunMetrics> seen = reader.metrics(id, step - 1);
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].step, step);
  }
  writer.finish_run(id, "cancelled", "stopped by the user");
  EXPECT_EQ(reader.get_run(id)->status, "cancelled");
  EXPECT_EQ(reader.get_run(id)->error, "stopped by the user");
}

TEST_F(RunLogTest, AnotherProcessSeesWhatThisOneCommits) {
  int64_t id = 0;
  {
    RunLog log = RunLog::open(db_path());
    id = log.start_run(sample_run_start("two processes"));
  }  // no connection crosses the fork
  const pid_t child = fork();
  if (child == 0) {
    int code = 0;
    try {
      RunLog log = RunLog::open(db_path());
      for (int64_t step = 1; step <= 4; step++) log.log_metrics(id, sample_run_metrics(step));
      log.finish_run(id, "finished");
    } catch (const std::exception&) {
      code = 3;
    }
    _exit(code);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  RunLog log = RunLog::open(db_path());
  const std::vector<RunMetrics> rows = log.metrics(id);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[3].step, 4);
  EXPECT_DOUBLE_EQ(rows[3].loss, 2.0);
  EXPECT_EQ(log.get_run(id)->status, "finished");
}

// In WAL mode a reader in the middle of a transaction never blocks the writer (with a rollback
// journal, the commit below would wait out the busy timeout and throw).
TEST_F(RunLogTest, AnOpenReaderDoesNotBlockTheWriter) {
  RunLog writer = RunLog::open(db_path());
  const int64_t id = writer.start_run(sample_run_start("wal"));
  writer.log_metrics(id, sample_run_metrics(1));

  SqliteDb reader(db_path());
  SqliteStatement mode = reader.prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.step());
  EXPECT_EQ(mode.column_text(0), "wal");
  mode.reset();
  reader.exec("BEGIN");
  SqliteStatement count = reader.prepare("SELECT count(*) FROM metrics");
  ASSERT_TRUE(count.step());
  EXPECT_EQ(count.column_int64(0), 1);
  count.reset();

  writer.log_metrics(id, sample_run_metrics(2));  // commits while the reader's snapshot is open
  ASSERT_TRUE(count.step());
  EXPECT_EQ(count.column_int64(0), 1);  // the reader's snapshot
  count.reset();
  reader.exec("COMMIT");
  ASSERT_TRUE(count.step());
  EXPECT_EQ(count.column_int64(0), 2);
}

TEST_F(RunLogTest, SharesTheFileWithMemory) {
  {
    Memory memory(db_path());
    memory.open_session("chat");
  }
  RunLog log = RunLog::open(db_path());
  log.start_run(sample_run_start("beside memory"));
  Memory memory(db_path());
  SqliteDb db(db_path());
  EXPECT_EQ(db.schema_version("memory"), 1);
  EXPECT_EQ(db.schema_version("run_log"), 1);
  EXPECT_TRUE(memory.find_session("chat"));
  EXPECT_EQ(RunLog::open(db_path()).list_runs().size(), 1u);
}

TEST_F(RunLogTest, RefusesASchemaNewerThanItKnows) {
  RunLog::open(db_path());
  {
    SqliteDb db(db_path());
    db.exec("UPDATE schema_versions SET version = 9 WHERE component = 'run_log'");
  }
  try {
    RunLog::open(db_path());
    FAIL() << "expected SqliteError";
  } catch (const SqliteError& e) {
    EXPECT_NE(std::string(e.what()).find("the run_log schema in this database is version 9"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(RunLogTest, RefusesAFileThatIsNotADatabase) {
  testing::write_file(dir_.file("notes.txt"), std::string(4096, 'x'));
  EXPECT_THROW(RunLog::open(dir_.file("notes.txt")), SqliteError);
}

}  // namespace
}  // namespace tunedeck
