// Training datasets: reads the seed-001 tool-call CSV, chat JSONL and Alpaca JSON/JSONL into
// conversations (ChatMessages), reporting each malformed row with file:line; deterministic
// shuffling and the eval split. Not for tokenising or masks (train/example_encoder.h).
// Pure functions over files and values; thread-safe.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "agent/chat_message.h"

namespace tunedeck {

enum class DatasetFormat { kAuto, kToolCallCsv, kChatJsonl, kAlpaca };

// "auto", "toolcall_csv", "chat_jsonl", "alpaca". Throws std::invalid_argument naming the known
// names for anything else.
DatasetFormat dataset_format_from_name(const std::string& name);
std::string dataset_format_name(DatasetFormat format);

struct DatasetOptions {
  // kAuto: ".csv" is the tool-call CSV; ".json"/".jsonl" are chat when the first row has
  // "messages", Alpaca when it has "instruction".
  DatasetFormat format = DatasetFormat::kAuto;
  bool strict = false;        // the first malformed row throws instead of being skipped
  std::string system_prompt;  // when non-empty: prepended to every conversation without one
};

struct DatasetRow {
  ChatMessages messages;
  std::string source;  // "file:line" where the row starts
};

struct DatasetLoadReport {
  int rows_read = 0;  // rows_used + rows_skipped
  int rows_used = 0;
  int rows_skipped = 0;
  std::vector<std::string> problems;  // "file:line: what is wrong", one per skipped row
};

// Reads a dataset file. Formats:
//  - tool-call CSV: header user_input,tool_call_output,tool_call_result,final_output (any order,
//    other columns ignored); a row becomes user(user_input) -> assistant(tool_call_output) ->
//    tool(tool_call_result, name = the called tool) -> assistant(final_output). The call cell
//    holds <tool_call>{"name": .., "arguments": {..}}</tool_call> (text around it allowed) or the
//    bare JSON object, which is wrapped in the tags. Exactly one call per row. Cells are trimmed
//    of surrounding whitespace; source lines count physical lines (quoted cells may span some).
//  - chat JSONL: {"messages": [{"role", "content", "name"?}, ...]}; roles system/user/assistant/
//    tool, at least one assistant turn. OpenAI-style assistant "tool_calls" become <tool_call>
//    text; a tool message without "name" takes it from the call its "tool_call_id" answers.
//  - Alpaca: a JSON array or JSONL of {instruction, input?, output} -> user(instruction, plus
//    "\n\n" + input when input is non-empty) -> assistant(output).
// A malformed row (wrong column count, empty required cell, unparseable call, bad quoting,
// invalid UTF-8, bad JSON, unknown role, no assistant turn) is added to report.problems and
// skipped; with options.strict the first one throws std::runtime_error with the same text.
// Throws std::runtime_error naming the file for what makes the whole file unreadable (missing,
// a CSV header without the four columns, a JSON array that does not parse, a format that cannot
// be told).
std::vector<DatasetRow> dataset_load(const std::string& path, const DatasetOptions& options,
                                     DatasetLoadReport& report);

// splitmix64 (Steele, Lea, Flood 2014): a fixed generator, so a seed gives the same order with
// every compiler and standard library (std::shuffle's algorithm is implementation-defined).
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, bound) up to a bias of bound / 2^64. REQUIRES: bound > 0.
  uint64_t below(uint64_t bound) { return next() % bound; }

 private:
  uint64_t state_;
};

// Fisher-Yates with SplitMix64(seed): the same seed gives the same order everywhere.
template <typename T>
void dataset_shuffle(std::vector<T>& items, uint64_t seed) {
  SplitMix64 rng(seed);
  for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[rng.below(i)]);
}

// Splits rows into {train, eval}: eval takes round(size * eval_fraction) rows picked by
// dataset_shuffle(seed), at least 1 when the fraction is > 0, but always leaves one row for
// training; both parts keep the file order. Throws std::invalid_argument when eval_fraction is
// outside [0, 1).
std::pair<std::vector<DatasetRow>, std::vector<DatasetRow>> dataset_split(
    std::vector<DatasetRow> rows, double eval_fraction, uint64_t seed);

}  // namespace tunedeck
