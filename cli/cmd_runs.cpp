// `tunedeck runs [list|show ID|watch ID]`: reads the training run log (train/run_log.h) that every
// training job writes, whichever process runs it; `watch` follows a live run as metrics land.
// Thin: the run log does the reading, this file parses flags and prints.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>

#include "cli/commands.h"
#include "session/app_config.h"
#include "train/run_log.h"

namespace tunedeck {
namespace {

using nlohmann::json;

const char kUsage[] =
    "usage: tunedeck runs [list] [--json] [--limit N] [--db FILE]\n"
    "       tunedeck runs show ID [--json] [--db FILE]\n"
    "       tunedeck runs watch ID [--interval S] [--json] [--db FILE]\n"
    "\n"
    "Reads the run log that every training job writes (tunedeck train, or /train start in the\n"
    "app), so a run started in another shell shows here too.\n"
    "\n"
    "  list            the newest runs: id, name, method, status, step, loss, start time\n"
    "  show ID         one run's details, pre-flight report and every logged step\n"
    "  watch ID        prints each new step as it is logged, until the run stops running;\n"
    "                  exit 0 when it finished, 1 when it failed, was cancelled or went stale\n"
    "\n"
    "  --json          list/show: one JSON document; watch: one JSON object per line\n"
    "                  ({\"event\": \"metric\", ...} per step, then {\"event\": \"end\", ...})\n"
    "  --limit N       list at most N runs (default 20; 0: all)\n"
    "  --interval S    watch: seconds between looks at the log (default 1)\n"
    "  --db FILE       conversation database (default: [memory] db, else\n"
    "                  $XDG_DATA_HOME/tunedeck/tunedeck.db)\n"
    "\n"
    "A run whose process is gone without finishing (killed) is shown as \"stale\".\n"
    "Example: tunedeck runs watch 3 --json | jq -c 'select(.event == \"metric\") | .loss'\n";

// ---- Formatting -----------------------------------------------------------------------------

json optional_json(const std::optional<double>& value) {
  return value ? json(*value) : json(nullptr);
}

json run_json(const RunInfo& run) {
  return {{"id", run.id},
          {"name", run.name},
          {"method", run.method},
          {"status", run.status},
          {"total_steps", run.total_steps},
          {"last_step", run.last_step >= 0 ? json(run.last_step) : json(nullptr)},
          {"last_loss", optional_json(run.last_loss)},
          {"started_at", run.started_at},
          {"updated_at", run.updated_at},
          {"finished_at", run.finished_at.empty() ? json(nullptr) : json(run.finished_at)},
          {"error", run.error},
          {"output_dir", run.output_dir},
          {"template_hash", run.template_hash},
          {"pid", run.pid},
          {"host", run.host},
          {"config_toml", run.config_toml},
          {"summary", run.summary}};
}

json metric_json(const RunMetrics& m) {
  return {{"step", m.step},
          {"epoch", m.epoch},
          {"loss", m.loss},
          {"lr", m.lr},
          {"grad_norm", m.grad_norm},
          {"tokens_per_s", m.tokens_per_s},
          {"eval_loss", optional_json(m.eval_loss)},
          {"memory_bytes", m.memory_bytes},
          {"elapsed_s", m.elapsed_s},
          {"created_at", m.created_at}};
}

// "2027-01-04T09:30:00.123Z" -> "2027-01-04 09:30:00"
std::string time_text(const std::string& utc) {
  if (utc.size() < 19) return utc;
  std::string text = utc.substr(0, 19);
  text[10] = ' ';
  return text;
}

// "120/500", "-/500" before the first step
std::string steps_text(const RunInfo& run) {
  const std::string done = run.last_step >= 0 ? std::to_string(run.last_step) : "-";
  return done + "/" + std::to_string(run.total_steps);
}

std::string number_text(const char* format, double value) {
  char text[32];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

const char kMetricsHeader[] = "    STEP      LOSS        LR  GRAD NORM     TOK/S  EVAL LOSS\n";

// One row under kMetricsHeader.
std::string metric_line(const RunMetrics& m) {
  char line[160];
  const std::string eval = m.eval_loss ? number_text("%.4f", *m.eval_loss) : "-";
  std::snprintf(line, sizeof line, "%8lld  %8.4f  %8.2e  %9.3f  %8.0f  %9s\n",
                static_cast<long long>(m.step), m.loss, m.lr, m.grad_norm, m.tokens_per_s,
                eval.c_str());
  return line;
}

// ---- Actions --------------------------------------------------------------------------------

int64_t run_id_argument(const std::vector<std::string>& positionals, const std::string& action) {
  if (positionals.size() != 2) throw UsageError("'runs " + action + "' takes one run ID");
  const std::string& text = positionals[1];
  size_t used = 0;
  long long id = 0;
  try {
    id = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || id <= 0) {
    throw UsageError("run ID '" + text + "' is not a positive number (see tunedeck runs list)");
  }
  return id;
}

RunInfo existing_run(RunLog& log, int64_t run_id) {
  std::optional<RunInfo> run = log.get_run(run_id);
  if (!run) {
    throw std::runtime_error("no run " + std::to_string(run_id) + " in " + log.path() +
                             " (see tunedeck runs list)");
  }
  return *run;
}

int list_runs(RunLog& log, int limit, bool as_json) {
  const std::vector<RunInfo> runs = log.list_runs(limit);
  if (as_json) {
    json list = json::array();
    for (const RunInfo& run : runs) list.push_back(run_json(run));
    std::cout << list.dump(2) << "\n";
    return 0;
  }
  if (runs.empty()) {
    std::cout << "no runs in " << log.path()
              << " yet (start one with tunedeck train CONFIG.toml)\n";
    return 0;
  }
  std::printf("%5s  %-24s %-6s  %-9s  %13s  %8s  %s\n", "ID", "NAME", "METHOD", "STATUS", "STEP",
              "LOSS", "STARTED (UTC)");
  for (const RunInfo& run : runs) {
    const std::string loss = run.last_loss ? number_text("%.4f", *run.last_loss) : "-";
    std::printf("%5lld  %-24s %-6s  %-9s  %13s  %8s  %s\n", static_cast<long long>(run.id),
                run.name.c_str(), run.method.c_str(), run.status.c_str(), steps_text(run).c_str(),
                loss.c_str(), time_text(run.started_at).c_str());
  }
  return 0;
}

void print_run_details(const RunInfo& run) {
  std::cout << "run " << run.id << "  " << run.name << "\n"
            << "  method      " << run.method << "\n"
            << "  status      " << run.status << (run.error.empty() ? "" : ": " + run.error) << "\n"
            << "  steps       " << steps_text(run) << "\n"
            << "  started     " << time_text(run.started_at) << " UTC on " << run.host << " (pid "
            << run.pid << ")\n";
  if (!run.finished_at.empty())
    std::cout << "  finished    " << time_text(run.finished_at) << " UTC\n";
  std::cout << "  output      " << run.output_dir << "\n"
            << "  template    " << run.template_hash << "\n";
  if (run.summary.is_object() && run.summary.contains("preflight") &&
      run.summary["preflight"].is_array()) {
    std::cout << "  pre-flight\n";
    for (const json& line : run.summary["preflight"]) {
      std::cout << "    " << (line.is_string() ? line.get<std::string>() : line.dump()) << "\n";
    }
  }
}

int show_run(RunLog& log, int64_t run_id, bool as_json) {
  const RunInfo run = existing_run(log, run_id);
  const std::vector<RunMetrics> rows = log.metrics(run_id);
  if (as_json) {
    json metrics = json::array();
    for (const RunMetrics& m : rows) metrics.push_back(metric_json(m));
    std::cout << json{{"run", run_json(run)}, {"metrics", metrics}}.dump(2) << "\n";
    return 0;
  }
  print_run_details(run);
  std::cout << "\n";
  if (rows.empty()) {
    std::cout << "no steps logged yet\n";
    return 0;
  }
  std::cout << kMetricsHeader;
  for (const RunMetrics& m : rows) std::cout << metric_line(m);
  return 0;
}

void print_watch_end(const RunInfo& run, bool as_json) {
  if (as_json) {
    std::cout << json{{"event", "end"},
                      {"run_id", run.id},
                      {"status", run.status},
                      {"error", run.error}}
                     .dump()
              << std::endl;
    return;
  }
  if (run.status == "stale") {
    std::cout << "run " << run.id << " is stale: it is recorded as running, but its process "
              << run.pid << " on " << run.host << " is gone (killed?)" << std::endl;
    return;
  }
  std::cout << "run " << run.id << " " << run.status << (run.error.empty() ? "" : ": " + run.error)
            << std::endl;
}

// Polls the log: the status first, then the metrics, so every step logged before the run ended
// is printed before watch returns.
int watch_run(RunLog& log, int64_t run_id, double interval_s, bool as_json) {
  RunInfo run = existing_run(log, run_id);
  if (!as_json) {
    std::cout << "run " << run.id << " \"" << run.name << "\" (" << run.method << "), "
              << run.status << ", " << steps_text(run) << " steps" << std::endl
              << kMetricsHeader;
  }
  int64_t last_step = -1;
  int64_t last_id = 0;
  while (true) {
    run = existing_run(log, run_id);
    // From the last step seen, so that a step logged twice (a final eval) is not missed.
    for (const RunMetrics& m : log.metrics(run_id, last_step - 1)) {
      if (m.id <= last_id) continue;
      last_id = m.id;
      last_step = m.step;
      if (as_json) {
        json line = metric_json(m);
        line["event"] = "metric";
        line["run_id"] = run_id;
        std::cout << line.dump() << std::endl;
      } else {
        std::cout << metric_line(m) << std::flush;
      }
    }
    if (run.status != "running") break;
    std::this_thread::sleep_for(std::chrono::duration<double>(interval_s));
  }
  print_watch_end(run, as_json);
  return run.status == "finished" ? 0 : 1;
}

// --db, else the database the config names ([memory] db), the one the chat and the app use.
std::string db_path(const std::string& db_flag) {
  return db_flag.empty() ? app_config_db_path(app_config_load()) : db_flag;
}

int run_runs(CliArgs& args) {
  // Every flag is read before the positionals: an unread "--limit 5" would leave "5" behind.
  const bool as_json = args.flag("json");
  const std::string db = args.value_or("db", "");
  const std::optional<int> limit = args.optional_int("limit");
  const std::optional<double> interval_s = args.optional_double("interval");
  const std::vector<std::string> positionals = args.positionals();
  args.finish();
  const std::string action = positionals.empty() ? "list" : positionals[0];
  if (limit && action != "list") throw UsageError("--limit belongs to 'runs list'");
  if (interval_s && action != "watch") throw UsageError("--interval belongs to 'runs watch'");
  if (action == "list") {
    if (positionals.size() > 1) throw UsageError("'runs list' takes no arguments");
    if (limit && *limit < 0) {
      throw UsageError("--limit must be 0 (all) or more, not " + std::to_string(*limit));
    }
    RunLog log = RunLog::open(db_path(db));
    return list_runs(log, limit.value_or(20), as_json);
  }
  if (action == "show") {
    const int64_t run_id = run_id_argument(positionals, action);
    RunLog log = RunLog::open(db_path(db));
    return show_run(log, run_id, as_json);
  }
  if (action == "watch") {
    const int64_t run_id = run_id_argument(positionals, action);
    const double seconds = interval_s.value_or(1.0);
    if (!(seconds > 0) || seconds > 3600) {
      throw UsageError("--interval must be more than 0 and at most 3600 seconds");
    }
    RunLog log = RunLog::open(db_path(db));
    return watch_run(log, run_id, seconds, as_json);
  }
  throw UsageError("unknown action '" + action + "' (expected list, show ID or watch ID)");
}

}  // namespace

extern const Command kRunsCommand = {"runs", "list, show and follow training runs (the run log)",
                                     kUsage, run_runs};

}  // namespace tunedeck
