// `tunedeck eval toolcalls`: runs the agent on every conversation of a seed-001 CSV, a chat JSONL
// or a held-out multi-turn JSONL, turn by turn, and prints the scores (datagen/toolcall_eval_run.h
// does the running and the tallies).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/commands.h"
#include "cli/session_flags.h"
#include "datagen/toolcall_eval_run.h"
#include "session/chat_session.h"
#include "train/dataset.h"

namespace tunedeck {
namespace {

namespace fs = std::filesystem;

const char kUsage[] =
    "usage: tunedeck eval toolcalls --data FILE [--model DIR] [--adapter DIR] [--json] [--limit "
    "N]\n"
    "\n"
    "Runs the agent on every conversation of FILE, turn by turn (the model sees its own earlier\n"
    "answers, not the reference's), and scores each turn:\n"
    "  call accuracy    the turn's first tool call has the reference's name and arguments (as\n"
    "                   JSON); a turn the reference answers without a tool must call none\n"
    "  answer accuracy  the final answer carries the expected date (2027-01-04, 2027년 1월 4일,\n"
    "                   January 4, 2027, 1월 4일, January 4), weekday (월요일, Monday) or count\n"
    "A turn is right when both are. Prints the failures, then the accuracies: all turns, first\n"
    "turns, follow-ups, no-tool turns and per kind. The agent's `today` answers the\n"
    "conversation's today (the held-out \"today\", or the date the reference's `today` returned;\n"
    "otherwise TUNEDECK_TODAY or the system date). Sessions go to a scratch database.\n"
    "\n"
    "  --data FILE     seed-001 CSV (one turn a row), chat JSONL (as `tunedeck data toolcalls\n"
    "                  --format jsonl` writes) or the held-out multi-turn JSONL (lines with\n"
    "                  \"today\" and \"turns\": [{\"user\", \"expect\": "
    "{date|weekday|days|no_tool}}])\n"
    "  --limit N       score only the first N conversations\n"
    "  --json          one JSON object: counts, accuracies, failures\n";

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open (does it exist?)");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The file's conversations: JSONL read by the evaluator (held-out or chat), CSV by the dataset
// loader. `skipped`: rows the loader could not use.
std::vector<EvalConversation> load_conversations(const std::string& path, int& skipped) {
  if (fs::path(path).extension() == ".jsonl")
    return toolcall_eval_read_jsonl(file_text(path), path);
  DatasetLoadReport report;
  std::vector<EvalConversation> out;
  for (const DatasetRow& row : dataset_load(path, DatasetOptions{}, report))
    out.push_back(toolcall_eval_reference_conversation(row.messages, {}, row.source));
  skipped = report.rows_skipped;
  return out;
}

int run_eval(CliArgs& args) {
  SessionFlags flags = session_flags_read(args);
  const auto data = args.value("data");
  const int limit = args.int_or("limit", 0);
  const bool json_output = args.flag("json");
  const auto positionals = args.positionals();
  args.finish();
  if (positionals.size() != 1 || positionals[0] != "toolcalls")
    throw UsageError("expected: eval toolcalls");
  if (!data) throw UsageError("--data FILE (CSV, chat JSONL or held-out JSONL) is required");

  int skipped = 0;
  std::vector<EvalConversation> conversations = load_conversations(*data, skipped);
  if (limit > 0 && static_cast<int>(conversations.size()) > limit) conversations.resize(limit);

  const fs::path scratch =
      fs::temp_directory_path() / ("tunedeck-eval-" + std::to_string(getpid()) + ".db");
  flags.db = scratch.string();
  const TodayClock user_today = today_clock_from_environment();
  std::string conversation_today;  // "" = the user's clock
  const TodayClock today = [&]() {
    return conversation_today.empty() ? user_today() : CalendarDate::parse(conversation_today);
  };
  std::ostringstream warnings;
  const std::unique_ptr<ChatSession> session = chat_session_open(flags, "eval-0", warnings, today);
  if (!warnings.str().empty()) std::cerr << warnings.str();

  const bool show_progress = !json_output && isatty(STDERR_FILENO);
  const std::vector<TurnScore> scores = toolcall_eval_run(
      session->loop(), conversations,
      [&](const EvalConversation& c, size_t i) {
        conversation_today = c.today;
        session->loop().set_session(
            session->memory().create_session("eval-" + std::to_string(i + 1)));
      },
      [&](size_t done) {
        if (show_progress)
          std::cerr << "\r" << done << "/" << conversations.size() << " conversations scored"
                    << std::flush;
      });
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(scratch.string() + suffix, ignored);

  const ToolcallEvalReport report = toolcall_eval_report(scores);
  if (json_output) {
    nlohmann::json out = toolcall_eval_json(report, scores);
    out["rows"] = conversations.size();
    out["skipped"] = skipped;
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  if (show_progress) std::cerr << "\n";
  std::cout << "conversations " << conversations.size() << " (skipped " << skipped << ")\n"
            << toolcall_eval_text(report, scores);
  return 0;
}

}  // namespace

extern const Command kEvalCommand = {
    "eval", "score the agent's tool calls and answers on conversations with expected answers",
    kUsage, run_eval};

}  // namespace tunedeck
