// `tunedeck eval toolcalls`: runs the agent on each row's user_input of a seed-001 CSV and scores
// the first tool call (name + arguments as JSON) and the final answer (contains the expected date
// or weekday). Prints both accuracies and the failures (question, expected, got).
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "agent/toolcall_eval.h"
#include "train/dataset.h"
#include "tui/agent_setup.h"
#include "tui/commands.h"

namespace tunedeck {
namespace {

namespace fs = std::filesystem;

const char kUsage[] =
    "usage: tunedeck eval toolcalls --data FILE.csv [--model DIR] [--adapter DIR] [--json] [--limit N]\n"
    "\n"
    "For each row (user_input, tool_call_output, tool_call_result, final_output) runs the agent on\n"
    "user_input in a fresh session and scores:\n"
    "  call accuracy    the first tool call's name and arguments equal tool_call_output's (as JSON)\n"
    "  answer accuracy  the final answer contains the expected date (2027-01-04, 2027년 1월 4일,\n"
    "                   January 4, 2027) or weekday (월요일, Monday)\n"
    "then prints the failures. Sessions go to a scratch database, not your memory.\n"
    "\n"
    "  --data FILE     seed-001 CSV (required)\n"
    "  --limit N       score only the first N rows\n"
    "  --json          one JSON object: counts, accuracies, failures\n";

struct RowScore {
  std::string question, expected_call, got_call, expected_answer, answer;
  bool call_ok = false, answer_ok = false;
};

std::string call_text(const std::string& name, const nlohmann::json& arguments) {
  return nlohmann::json{{"name", name}, {"arguments", arguments}}.dump();
}

int run_eval(CliArgs& args) {
  AgentFlags flags = agent_flags_read(args);
  const auto data = args.value("data");
  const int limit = args.int_or("limit", 0);
  const bool json_output = args.flag("json");
  const auto positionals = args.positionals();
  args.finish();
  if (positionals.size() != 1 || positionals[0] != "toolcalls") throw UsageError("expected: eval toolcalls");
  if (!data) throw UsageError("--data FILE.csv is required");

  DatasetOptions options;
  options.format = DatasetFormat::kToolCallCsv;
  DatasetLoadReport report;
  std::vector<DatasetRow> rows = dataset_load(*data, options, report);
  if (limit > 0 && static_cast<int>(rows.size()) > limit) rows.resize(limit);

  const fs::path scratch = fs::temp_directory_path() / ("tunedeck-eval-" + std::to_string(getpid()) + ".db");
  flags.db = scratch.string();
  std::ostringstream warnings;
  AgentSetup setup(flags, "eval-0", warnings);
  if (!warnings.str().empty()) std::cerr << warnings.str();

  std::vector<RowScore> scores;
  int calls_ok = 0, answers_ok = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const ChatMessages& m = rows[i].messages;
    RowScore s;
    s.question = m[0].content;
    const ToolCallExpectation expected = toolcall_expectation(m[1].content, m[2].content);
    s.expected_call = expected.call.dump();
    s.expected_answer = m.size() > 3 ? m[3].content : "";
    setup.loop().set_session(setup.memory().create_session("eval-" + std::to_string(i + 1)));
    const AgentTurnResult turn = setup.loop().run_turn(s.question, nullptr, nullptr);
    if (!turn.steps.empty() && !turn.steps[0].calls.empty()) {
      const ToolResult& first = turn.steps[0].calls[0];
      s.got_call = call_text(first.name, first.arguments);
      s.call_ok = toolcall_call_matches(expected, first.name, first.arguments);
    } else {
      s.got_call = turn.steps.empty() ? "(no output)" : "(no call) " + turn.steps[0].raw;
    }
    s.answer = turn.outcome == AgentOutcome::kAnswered ? turn.answer : std::string("(") + agent_outcome_name(turn.outcome) + ") " + turn.error;
    s.answer_ok = turn.outcome == AgentOutcome::kAnswered && toolcall_answer_matches(expected, turn.answer);
    calls_ok += s.call_ok;
    answers_ok += s.answer_ok;
    scores.push_back(std::move(s));
    if (!json_output && isatty(STDERR_FILENO))
      std::cerr << "\r" << (i + 1) << "/" << rows.size() << " scored" << std::flush;
  }
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(scratch.string() + suffix, ignored);

  const double n = rows.empty() ? 1.0 : static_cast<double>(rows.size());
  if (json_output) {
    nlohmann::json failures = nlohmann::json::array();
    for (const auto& s : scores)
      if (!s.call_ok || !s.answer_ok)
        failures.push_back({{"question", s.question}, {"expected_call", s.expected_call}, {"got_call", s.got_call},
                            {"call_ok", s.call_ok}, {"expected_answer", s.expected_answer}, {"answer", s.answer},
                            {"answer_ok", s.answer_ok}});
    std::cout << nlohmann::json{{"rows", rows.size()}, {"skipped", report.rows_skipped},
                                {"call_accuracy", calls_ok / n}, {"answer_accuracy", answers_ok / n},
                                {"calls_correct", calls_ok}, {"answers_correct", answers_ok}, {"failures", failures}}
                     .dump(2)
              << "\n";
    return 0;
  }
  if (isatty(STDERR_FILENO)) std::cerr << "\n";
  for (const auto& s : scores) {
    if (s.call_ok && s.answer_ok) continue;
    std::cout << "FAIL  " << s.question << "\n";
    if (!s.call_ok) std::cout << "  call     expected " << s.expected_call << "\n           got      " << s.got_call << "\n";
    if (!s.answer_ok) std::cout << "  answer   expected " << s.expected_answer << "\n           got      " << s.answer << "\n";
  }
  std::cout << "rows " << rows.size() << " (skipped " << report.rows_skipped << ")\n"
            << "call accuracy   " << calls_ok << "/" << rows.size() << " = " << 100.0 * calls_ok / n << "%\n"
            << "answer accuracy " << answers_ok << "/" << rows.size() << " = " << 100.0 * answers_ok / n << "%\n";
  return 0;
}

}  // namespace

extern const Command kEvalCommand = {"eval", "score the agent's tool calls and answers on a CSV of examples", kUsage,
                                     run_eval};

}  // namespace tunedeck
