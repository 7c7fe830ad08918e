#include "train/dataset.h"

#include <gtest/gtest.h>

#include <numeric>
#include <stdexcept>

#include "tests/test_support.h"

namespace tunedeck {
namespace {

using tunedeck::testing::ScratchDir;
using tunedeck::testing::write_file;

const char kCsvHeader[] = "user_input,tool_call_output,tool_call_result,final_output\n";

// Loads `content` written to `name` in a scratch folder; `path` gets the file's path.
std::vector<DatasetRow> load_text(const ScratchDir& dir, const std::string& name,
                                  const std::string& content, DatasetLoadReport& report,
                                  DatasetOptions options = {}) {
  write_file(dir.file(name), content);
  return dataset_load(dir.file(name), options, report);
}

void expect_message(const ChatMessage& m, const std::string& role, const std::string& content,
                    const std::string& name = "") {
  EXPECT_EQ(m.role, role);
  EXPECT_EQ(m.content, content);
  EXPECT_EQ(m.name, name);
}

// ---- tool-call CSV (seed 001) ---------------------------------------------------------------

TEST(DatasetCsv, ReadsSeedRowsWithBomQuotesCommasAndLineBreaks) {
  ScratchDir dir;
  const std::string csv =
      std::string("\xEF\xBB\xBF") + kCsvHeader +
      "2026년 2월 20일이 무슨 요일이야?,"
      "\"<tool_call>{\"\"name\"\": \"\"weekday\"\", \"\"arguments\"\": {\"\"date\"\": "
      "\"\"2026-02-20\"\"}}</tool_call>\",금요일,\"2026년 2월 20일은 금요일입니다.\n혹시 추가 "
      "질문 있으신가요?\"\n"
      "\"From 2026-12-25, what is 10 days later, please?\","
      "\"{\"\"name\"\": \"\"add_days\"\", \"\"arguments\"\": {\"\"date\"\": \"\"2026-12-25\"\", "
      "\"\"days\"\": 10}}\",2027-01-04,\"It is 2027-01-04, a Monday.\"\n";
  DatasetLoadReport report;
  const auto rows = load_text(dir, "calls.csv", csv, report);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(report.rows_read, 2);
  EXPECT_EQ(report.rows_used, 2);
  EXPECT_EQ(report.rows_skipped, 0);
  EXPECT_TRUE(report.problems.empty());

  ASSERT_EQ(rows[0].messages.size(), 4u);
  EXPECT_EQ(rows[0].source, dir.file("calls.csv") + ":2");
  expect_message(rows[0].messages[0], "user", "2026년 2월 20일이 무슨 요일이야?");
  expect_message(rows[0].messages[1], "assistant",
                 "<tool_call>{\"name\": \"weekday\", \"arguments\": {\"date\": "
                 "\"2026-02-20\"}}</tool_call>");
  expect_message(rows[0].messages[2], "tool", "금요일", "weekday");
  expect_message(rows[0].messages[3], "assistant",
                 "2026년 2월 20일은 금요일입니다.\n혹시 추가 질문 있으신가요?");

  // The second row starts on line 4: the first row's final_output spans lines 2-3.
  EXPECT_EQ(rows[1].source, dir.file("calls.csv") + ":4");
  expect_message(rows[1].messages[0], "user", "From 2026-12-25, what is 10 days later, please?");
  // Bare JSON is wrapped in the tags, verbatim inside.
  expect_message(rows[1].messages[1], "assistant",
                 "<tool_call>{\"name\": \"add_days\", \"arguments\": {\"date\": \"2026-12-25\", "
                 "\"days\": 10}}</tool_call>");
  expect_message(rows[1].messages[2], "tool", "2027-01-04", "add_days");
  expect_message(rows[1].messages[3], "assistant", "It is 2027-01-04, a Monday.");
}

TEST(DatasetCsv, AcceptsColumnsInAnyOrderAndIgnoresExtraOnes) {
  ScratchDir dir;
  DatasetLoadReport report;
  const auto rows = load_text(
      dir, "c.csv",
      "id,final_output,user_input,tool_call_result,tool_call_output\r\n"
      "7,Monday.,What day?,Monday,\"{\"\"name\"\": \"\"weekday\"\", \"\"arguments\"\": {}}\"\r\n",
      report);
  ASSERT_EQ(rows.size(), 1u);
  expect_message(rows[0].messages[0], "user", "What day?");
  expect_message(rows[0].messages[2], "tool", "Monday", "weekday");
  expect_message(rows[0].messages[3], "assistant", "Monday.");
}

TEST(DatasetCsv, ReportsMalformedRowsWithFileAndLineAndSkipsThem) {
  ScratchDir dir;
  const std::string good =
      "q,\"<tool_call>{\"\"name\"\": \"\"weekday\"\", \"\"arguments\"\": {}}</tool_call>\",r,a\n";
  const std::string csv =
      std::string(kCsvHeader) + good +                               // line 2
      "only,three,fields\n" +                                        // line 3
      "q,\"{\"\"name\"\": \"\"weekday\"\"}\",  ,a\n" +               // line 4: empty result
      "\n" +                                                         // line 5: blank
      "q,\"{\"\"name\"\": \"\"weekday\"\", broken\",r,a\n" +         // line 6
      "q,I will check the calendar.,r,a\n" +                         // line 7
      "\"multi\nline\",\"{\"\"name\"\": \"\"weekday\"\"}\",r,a\n" +  // 8-9 ok
      "q,\"<tool_call>{\"\"name\"\": \"\"a\"\"}</tool_call><tool_call>{\"\"name\"\": "
      "\"\"b\"\"}</tool_call>\",r,a\n" +                                    // line 10: two calls
      "q,\"{\"\"name\"\": \"\"x\"\"}\",\"\xB1\xDD\xBF\xE4\xC0\xCF\",a\n" +  // 11: CP949
      "\"never closed,x,r,a\nq,x,r,a\n";                                    // line 12 to the end
  DatasetLoadReport report;
  const auto rows = load_text(dir, "bad.csv", csv, report);
  const std::string f = dir.file("bad.csv");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].source, f + ":2");
  EXPECT_EQ(rows[1].source, f + ":8");
  EXPECT_EQ(rows[1].messages[0].content, "multi\nline");
  EXPECT_EQ(report.rows_read, 9);
  EXPECT_EQ(report.rows_used, 2);
  EXPECT_EQ(report.rows_skipped, 7);
  const std::vector<std::string> expected = {
      f + ":3: has 3 fields, the header has 4 (is a comma inside an unquoted cell?)",
      f + ":4: empty tool_call_result",
      f + ":6: tool_call_output: invalid JSON in <tool_call>: parse error at line 1, column 21: "
          "syntax error while parsing object key - invalid literal; last read: '\"weekday\", b'; "
          "expected string literal",
      f + ":7: tool_call_output is not a tool call: expected <tool_call>{\"name\": ..., "
          "\"arguments\": {...}}</tool_call> or the bare JSON object",
      f + ":10: tool_call_output holds 2 tool calls; a CSV row has exactly one call and one result",
      f + ":11: tool_call_result is not valid UTF-8 (save the file as UTF-8, e.g. Excel's \"CSV "
          "UTF-8\")",
      f + ":12: unterminated quoted field (opened on line 12, runs to the end of the file)",
  };
  EXPECT_EQ(report.problems, expected);
}

TEST(DatasetCsv, StrictStopsAtTheFirstMalformedRow) {
  ScratchDir dir;
  const std::string csv = std::string(kCsvHeader) + "q,\"{\"\"name\"\": \"\"weekday\"\"}\",r,a\n" +
                          "q,,r,a\n" + "x,y\n";
  DatasetOptions options;
  options.strict = true;
  DatasetLoadReport report;
  write_file(dir.file("s.csv"), csv);
  try {
    dataset_load(dir.file("s.csv"), options, report);
    FAIL() << "expected strict mode to throw";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), dir.file("s.csv") +
                                         ":3: empty tool_call_output (strict: stopping at the "
                                         "first bad row)");
  }
  EXPECT_EQ(report.rows_used, 1);
  EXPECT_EQ(report.rows_skipped, 1);
}

TEST(DatasetCsv, HeaderWithoutTheFourColumnsIsAnError) {
  ScratchDir dir;
  DatasetLoadReport report;
  try {
    load_text(dir, "h.csv", "question,answer\nq,a\n", report);
    FAIL() << "expected a header error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              dir.file("h.csv") +
                  ":1: the CSV header lacks the column(s) user_input, tool_call_output, "
                  "tool_call_result, final_output (expected "
                  "user_input,tool_call_output,tool_call_result,final_output)");
  }
  EXPECT_THROW(load_text(dir, "e.csv", "", report), std::runtime_error);
}

TEST(Dataset, MissingFileNamesThePath) {
  DatasetLoadReport report;
  try {
    dataset_load("/nonexistent/rows.csv", {}, report);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("/nonexistent/rows.csv: cannot open dataset file", 0),
              0u);
  }
}

// ---- chat JSONL -------------------------------------------------------------------------------

TEST(DatasetChatJsonl, ReadsMessagesWithToolTurns) {
  ScratchDir dir;
  const std::string jsonl =
      R"({"messages": [{"role": "user", "content": "What day is 2027-01-04?"},)"
      R"( {"role": "assistant", "content": "<tool_call>{\"name\": \"weekday\", )"
      R"(\"arguments\": {\"date\": \"2027-01-04\"}}</tool_call>"},)"
      R"( {"role": "tool", "name": "weekday", "content": "Monday"},)"
      R"( {"role": "assistant", "content": "A Monday."}]})"
      "\n\n"
      R"({"messages": [{"role": "system", "content": "Be brief."},)"
      R"( {"role": "user", "content": "Hi"},)"
      R"( {"role": "assistant", "content": "Hello"}]})"
      "\n";
  DatasetLoadReport report;
  const auto rows = load_text(dir, "chat.jsonl", jsonl, report);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].source, dir.file("chat.jsonl") + ":1");
  EXPECT_EQ(rows[1].source, dir.file("chat.jsonl") + ":3");  // the blank line 2 still counts
  ASSERT_EQ(rows[0].messages.size(), 4u);
  expect_message(rows[0].messages[2], "tool", "Monday", "weekday");
  expect_message(rows[0].messages[3], "assistant", "A Monday.");
  expect_message(rows[1].messages[0], "system", "Be brief.");
}

TEST(DatasetChatJsonl, ConvertsOpenAiToolCallsAndNamesToolMessagesByCallId) {
  ScratchDir dir;
  const std::string jsonl =
      R"({"messages": [{"role": "user", "content": "Weekday of 2027-01-04?"},)"
      R"( {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function",)"
      R"( "function": {"name": "weekday", "arguments": "{\"date\": \"2027-01-04\"}"}}]},)"
      R"( {"role": "tool", "tool_call_id": "c1", "content": "Monday"},)"
      R"( {"role": "assistant", "content": "Monday."}]})"
      "\n";
  DatasetLoadReport report;
  const auto rows = load_text(dir, "oa.jsonl", jsonl, report);
  ASSERT_EQ(rows.size(), 1u) << (report.problems.empty() ? "" : report.problems[0]);
  expect_message(rows[0].messages[1], "assistant",
                 "<tool_call>{\"name\": \"weekday\", \"arguments\": "
                 "{\"date\":\"2027-01-04\"}}</tool_call>");
  expect_message(rows[0].messages[2], "tool", "Monday", "weekday");
}

TEST(DatasetChatJsonl, ReportsBadRowsWithTheirLines) {
  ScratchDir dir;
  const std::string jsonl =
      R"({"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]})"
      "\n"
      R"({"messages": [{"role": "bot", "content": "a"}]})"
      "\n"
      R"({"messages": [{"role": "user", "content": "only a question"}]})"
      "\n"
      "{not json\n"
      R"({"messages": [{"role": "user", "content": 5}, {"role": "assistant", "content": "b"}]})"
      "\n"
      R"({"messages": "nope"})"
      "\n";
  DatasetLoadReport report;
  const auto rows = load_text(dir, "bad.jsonl", jsonl, report);
  const std::string f = dir.file("bad.jsonl");
  EXPECT_EQ(rows.size(), 1u);
  EXPECT_EQ(report.rows_read, 6);
  EXPECT_EQ(report.rows_skipped, 5);
  ASSERT_EQ(report.problems.size(), 5u);
  EXPECT_EQ(report.problems[0],
            f + ":2: message 0: unknown role 'bot' (expected system, user, assistant or tool)");
  EXPECT_EQ(report.problems[1], f + ":3: no assistant message (nothing to learn from this row)");
  EXPECT_EQ(report.problems[2].rfind(f + ":4: not valid JSON: ", 0), 0u);
  EXPECT_EQ(report.problems[3], f + ":5: message 0: \"content\" must be a string");
  EXPECT_EQ(report.problems[4],
            f + ":6: expected {\"messages\": [{\"role\": ..., \"content\": ...}, ...]}");
}

// ---- Alpaca -----------------------------------------------------------------------------------

TEST(DatasetAlpaca, ReadsJsonArrayWithElementLines) {
  ScratchDir dir;
  const std::string json =
      "[\n"
      "  {\"instruction\": \"Add 10 days to 2026-12-25.\", \"input\": \"\",\n"
      "   \"output\": \"2027-01-04\"},\n"
      "  {\"instruction\": \"Translate\", \"input\": \"[안녕]\", \"output\": "
      "\"Hello\"},\n"
      "  {\"instruction\": \"No answer\"}\n"
      "]\n";
  DatasetLoadReport report;
  const auto rows = load_text(dir, "a.json", json, report);
  const std::string f = dir.file("a.json");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].source, f + ":2");
  ASSERT_EQ(rows[0].messages.size(), 2u);
  expect_message(rows[0].messages[0], "user", "Add 10 days to 2026-12-25.");
  expect_message(rows[0].messages[1], "assistant", "2027-01-04");
  EXPECT_EQ(rows[1].source, f + ":4");
  expect_message(rows[1].messages[0], "user", "Translate\n\n[안녕]");
  EXPECT_EQ(report.problems, std::vector<std::string>{f + ":5: empty or missing \"output\""});
}

TEST(DatasetAlpaca, ReadsJsonlAndExplicitFormat) {
  ScratchDir dir;
  const std::string jsonl = R"({"instruction": "Say hi", "output": "hi"})"
                            "\n";
  DatasetLoadReport report;
  DatasetOptions options;
  options.format = DatasetFormat::kAlpaca;
  const auto rows = load_text(dir, "a.txt", jsonl, report, options);  // extension not consulted
  ASSERT_EQ(rows.size(), 1u);
  expect_message(rows[0].messages[0], "user", "Say hi");
  expect_message(rows[0].messages[1], "assistant", "hi");
}

TEST(DatasetAlpaca, BrokenJsonArrayIsAnErrorForTheWholeFile) {
  ScratchDir dir;
  DatasetLoadReport report;
  EXPECT_THROW(load_text(dir, "b.json", "[{\"instruction\": \"x\",]", report), std::runtime_error);
}

// ---- formats and options ----------------------------------------------------------------------

TEST(Dataset, FormatNamesRoundTripAndUnknownNamesAreListed) {
  for (const char* name : {"auto", "toolcall_csv", "chat_jsonl", "alpaca"})
    EXPECT_EQ(dataset_format_name(dataset_format_from_name(name)), name);
  try {
    dataset_format_from_name("parquet");
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()),
              "unknown dataset format 'parquet' (known: auto, toolcall_csv, chat_jsonl, alpaca)");
  }
}

TEST(Dataset, AutoFormatNeedsAKnownExtensionOrARecognisableRow) {
  ScratchDir dir;
  DatasetLoadReport report;
  EXPECT_THROW(load_text(dir, "rows.txt", "a,b\n", report), std::runtime_error);
  try {
    load_text(dir, "rows.jsonl", "{\"prompt\": \"x\"}\n", report);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              dir.file("rows.jsonl") +
                  ":1: cannot tell the dataset format: the row has neither \"messages\" "
                  "(chat_jsonl) nor \"instruction\" (alpaca); set the format");
  }
}

TEST(Dataset, SystemPromptIsPrependedOnlyWhereThereIsNone) {
  ScratchDir dir;
  const std::string jsonl =
      R"({"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}]})"
      "\n"
      R"({"messages": [{"role": "system", "content": "own"}, {"role": "user", "content": "a"},)"
      R"( {"role": "assistant", "content": "b"}]})"
      "\n";
  DatasetOptions options;
  options.system_prompt = "You are a date assistant.";
  DatasetLoadReport report;
  const auto rows = load_text(dir, "s.jsonl", jsonl, report, options);
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_EQ(rows[0].messages.size(), 3u);
  expect_message(rows[0].messages[0], "system", "You are a date assistant.");
  ASSERT_EQ(rows[1].messages.size(), 3u);
  expect_message(rows[1].messages[0], "system", "own");
}

// ---- shuffle and split ------------------------------------------------------------------------

TEST(DatasetShuffle, SplitMix64MatchesTheReferenceSequence) {
  SplitMix64 rng(0);
  EXPECT_EQ(rng.next(), 0xE220A8397B1DCDAFULL);  // the published first output for seed 0
}

TEST(DatasetShuffle, SameSeedSameOrderAndAFixedExpectedOrder) {
  std::vector<int> a(10), b(10), c(10);
  std::iota(a.begin(), a.end(), 0);
  std::iota(b.begin(), b.end(), 0);
  std::iota(c.begin(), c.end(), 0);
  dataset_shuffle(a, 42);
  dataset_shuffle(b, 42);
  dataset_shuffle(c, 7);
  // Expected orders from an independent Python implementation of splitmix64 + Fisher-Yates.
  EXPECT_EQ(a, (std::vector<int>{0, 9, 5, 8, 6, 4, 7, 2, 1, 3}));
  EXPECT_EQ(b, a);
  EXPECT_EQ(c, (std::vector<int>{8, 1, 5, 9, 0, 4, 3, 2, 6, 7}));
  std::vector<int> empty;
  dataset_shuffle(empty, 1);
  EXPECT_TRUE(empty.empty());
}

std::vector<DatasetRow> numbered_rows(int n) {
  std::vector<DatasetRow> rows;
  for (int i = 0; i < n; ++i) rows.push_back(DatasetRow{{}, "f:" + std::to_string(i)});
  return rows;
}

TEST(DatasetSplit, TakesARandomEvalShareAndKeepsFileOrder) {
  const auto [train, eval] = dataset_split(numbered_rows(10), 0.2, 42);
  // shuffle(0..9, 42) starts 0, 9: those two rows are the eval rows.
  ASSERT_EQ(eval.size(), 2u);
  EXPECT_EQ(eval[0].source, "f:0");
  EXPECT_EQ(eval[1].source, "f:9");
  ASSERT_EQ(train.size(), 8u);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(train[i].source, "f:" + std::to_string(i + 1));
  const auto again = dataset_split(numbered_rows(10), 0.2, 42);
  EXPECT_EQ(again.second[1].source, "f:9");
}

TEST(DatasetSplit, EdgeCases) {
  EXPECT_EQ(dataset_split(numbered_rows(10), 0.0, 1).second.size(), 0u);
  EXPECT_EQ(dataset_split(numbered_rows(10), 0.01, 1).second.size(), 1u);  // at least one
  EXPECT_EQ(dataset_split(numbered_rows(2), 0.9, 1).first.size(), 1u);     // one left to train
  EXPECT_EQ(dataset_split(numbered_rows(1), 0.5, 1).first.size(), 1u);
  EXPECT_EQ(dataset_split(numbered_rows(0), 0.5, 1).second.size(), 0u);
  EXPECT_THROW(dataset_split(numbered_rows(3), 1.0, 1), std::invalid_argument);
  EXPECT_THROW(dataset_split(numbered_rows(3), -0.1, 1), std::invalid_argument);
}

}  // namespace
}  // namespace tunedeck
