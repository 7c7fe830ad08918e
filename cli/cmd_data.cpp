// `tunedeck data toolcalls`: writes synthetic date tool-call conversations
// (datagen/toolcall_data.h) as the seed-001 CSV or chat JSONL, atomically, and prints how many of
// each intent and language. Thin: the generator lives in agent/, this file parses flags, writes the
// file and prints.
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/atomic_file.h"
#include "datagen/toolcall_data.h"

namespace tunedeck {
namespace {

const char kUsage[] =
    "usage: tunedeck data toolcalls --out FILE [--n N] [--seed S] [--format csv|jsonl]\n"
    "                               [--lang ko|en|mix] [--system TEXT] [--hard-counts]\n"
    "                               [--hard-dates] [--stated-dates] [--mix v6|v7]\n"
    "\n"
    "Writes synthetic tool-call conversations for the date agent: Korean and English questions\n"
    "(weekday of a date, N days before/after a date, today and today-relative questions, and\n"
    "follow-ups that need the previous turn), the calls, the results of the real built-in tools,\n"
    "and answers phrased from them. The same flags always write the same bytes.\n"
    "\n"
    "  --out FILE      where to write (replaced atomically)\n"
    "  --n N           conversations (CSV: rows) to write (default 1000)\n"
    "  --seed S        random seed (default 1)\n"
    "  --format F      csv: the seed-001 layout user_input,tool_call_output,tool_call_result,\n"
    "                  final_output, one call per row, so only weekday and add_days questions;\n"
    "                  jsonl: {\"messages\": [...]} per line with every intent, two-call and\n"
    "                  multi-turn conversations included. Default: jsonl when FILE ends in\n"
    "                  .jsonl or .json, else csv\n"
    "  --lang L        ko, en, or mix (about 60% Korean; default)\n"
    "  --system TEXT   jsonl: a system message opening every conversation (default: none)\n"
    "  --hard-counts   a mix for training on the hard cases: day counts in weeks or words\n"
    "                  (\"18 weeks\", \"a fortnight\", \"thirty-two days\", \"열흘\"), follow-ups\n"
    "                  and today-relative questions more often (datebot's stage 3)\n"
    "  --hard-dates    a mix for training on dates spelled the rarer ways: \"2/28/1993\",\n"
    "                  \"jul. 22, 2045\", \"May 2nd, 1920\", \"1993. 2. 28.\" more often, English\n"
    "                  month names now and then in lower case (datebot's stage 5)\n"
    "  --stated-dates  a mix where some questions state the date first and then ask about\n"
    "                  \"that day\" (\"My flight is on Aug 22, 2026. What day is that?\",\n"
    "                  \"결혼식이 2027년 10월 23일인데 그날 무슨 요일이야?\") or say \"add 250 "
    "days to\"\n"
    "  --mix M         v6 (default): the mixes above, as datebot v1-v6 were trained on; v7:\n"
    "                  conversations of 1-5 turns mixing those questions with relative words\n"
    "                  (모레, next Friday, 다음 주 금요일), dates without a year and holidays by\n"
    "                  name, day counts, months and years, follow-ups and topic switches, and\n"
    "                  turns that need no tool (greetings, thanks, who/what, off-topic); jsonl\n"
    "                  only, each line with its \"today\" and per-turn \"kinds\"\n"
    "\n"
    "Example: tunedeck data toolcalls --out train.jsonl --n 30000 --seed 1\n"
    "         tunedeck data toolcalls --out test.csv --n 500 --seed 2\n";

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string format_for(const std::string& given, const std::string& out) {
  if (!given.empty()) {
    if (given != "csv" && given != "jsonl")
      throw UsageError("--format must be csv or jsonl, got '" + given + "'");
    return given;
  }
  return ends_with(out, ".jsonl") || ends_with(out, ".json") ? "jsonl" : "csv";
}

// "intent          ko     en  total" and one row per intent (v7: per turn kind), then the totals.
void print_summary(const std::vector<ToolcallConversation>& conversations) {
  std::map<std::string, std::pair<int, int>> counts;  // intent -> (ko, en)
  int korean = 0;
  int turns = 0;
  for (const ToolcallConversation& c : conversations) {
    const bool korean_row = c.language == ToolcallLanguage::kKorean;
    if (c.today.empty()) {
      auto& row = counts[toolcall_intent_name(c.intent)];
      (korean_row ? row.first : row.second)++;
    } else {
      for (const ToolcallTurn& turn : c.turns) {
        auto& row = counts[turn.kind];
        (korean_row ? row.first : row.second)++;
      }
    }
    if (c.language == ToolcallLanguage::kKorean) korean++;
    turns += static_cast<int>(c.turns.size());
  }
  char line[128];
  std::snprintf(line, sizeof line, "  %-16s %7s %7s %7s\n", "intent", "ko", "en", "total");
  std::cout << line;
  for (const auto& [intent, n] : counts) {
    std::snprintf(line, sizeof line, "  %-16s %7d %7d %7d\n", intent.c_str(), n.first, n.second,
                  n.first + n.second);
    std::cout << line;
  }
  const int total = static_cast<int>(conversations.size());
  std::snprintf(line, sizeof line, "  %-16s %7d %7d %7d\n", "all", korean, total - korean, total);
  std::cout << line << "  (" << turns << " user turns)\n";
}

int run_data(CliArgs& args) {
  // Flags first: positionals() counts whatever no flag has claimed.
  const std::optional<std::string> out = args.value("out");
  ToolcallDataOptions options;
  options.count = args.int_or("n", 1000);
  const long long seed = args.int64_or("seed", 1);
  const std::string format_flag = args.value_or("format", "");
  options.languages = args.value_or("lang", "mix");
  const std::string system_prompt = args.value_or("system", "");
  options.hard_counts = args.flag("hard-counts");
  options.hard_dates = args.flag("hard-dates");
  options.stated_dates = args.flag("stated-dates");
  options.mix = args.value_or("mix", "v6");
  const std::vector<std::string> kinds = args.positionals();
  args.finish();
  if (kinds.size() != 1 || kinds[0] != "toolcalls") {
    throw UsageError(kinds.empty() ? "expected what to write: toolcalls"
                                   : "unknown data kind '" + kinds[0] + "' (known: toolcalls)");
  }
  if (!out || out->empty()) throw UsageError("--out FILE is required");
  if (options.count < 1) throw UsageError("--n must be >= 1, got " + std::to_string(options.count));
  if (seed < 0) throw UsageError("--seed must be >= 0, got " + std::to_string(seed));
  if (options.languages != "ko" && options.languages != "en" && options.languages != "mix")
    throw UsageError("--lang must be ko, en or mix, got '" + options.languages + "'");
  if (options.mix != "v6" && options.mix != "v7")
    throw UsageError("--mix must be v6 or v7, got '" + options.mix + "'");
  const std::string format = format_for(format_flag, *out);
  if (format == "csv" && options.mix == "v7")
    throw UsageError("--mix v7 writes multi-turn conversations: use --format jsonl");
  if (format == "csv" && !system_prompt.empty())
    throw UsageError(
        "--system applies to --format jsonl only (the CSV layout has no system column)");
  options.seed = static_cast<uint64_t>(seed);
  options.single_call_only = format == "csv";

  const std::vector<ToolcallConversation> conversations = toolcall_data_generate(options);
  const std::string text = format == "csv" ? toolcall_data_csv(conversations)
                                           : toolcall_data_jsonl(conversations, system_prompt);
  atomic_file_write_string(*out, text);
  std::cout << "wrote " << conversations.size() << (format == "csv" ? " rows" : " conversations")
            << " (" << format << ", " << text.size() << " bytes, seed " << seed << ") to " << *out
            << "\n";
  print_summary(conversations);
  return 0;
}

}  // namespace

extern const Command kDataCommand = {"data", "write synthetic training data (date tool calls)",
                                     kUsage, run_data};

}  // namespace tunedeck
