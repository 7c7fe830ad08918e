#include "train/dataset.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "agent/tool_call_parser.h"
#include "train/csv_reader.h"

namespace tunedeck {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// What is wrong with one row; the loader prefixes file:line and decides skip or stop.
struct RowError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const char kUtf8Bom[] = "\xEF\xBB\xBF";

std::string read_dataset_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open dataset file: " + std::strerror(errno));
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  if (text.compare(0, 3, kUtf8Bom) == 0) text.erase(0, 3);
  return text;
}

std::string trim(const std::string& text) {
  const char* space = " \t\r\n\f\v";
  const size_t begin = text.find_first_not_of(space);
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(space) - begin + 1);
}

// Bytes in the UTF-8 sequence that `lead` starts (0 for a byte that cannot start one).
size_t utf8_sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 0;
}

// Well-formed UTF-8: no stray continuation bytes, no overlong forms, no surrogates.
bool is_valid_utf8(const std::string& text) {
  const uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};  // by sequence length
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const size_t length = utf8_sequence_length(lead);
    if (length == 0 || i + length > text.size()) return false;
    uint32_t code = length == 1 ? lead : lead & (0x7F >> length);
    for (size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    if (code < smallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
      return false;
    i += length;
  }
  return true;
}

// Collects the usable rows and the report; with strict, the first problem throws.
class RowCollector {
 public:
  RowCollector(const std::string& path, const DatasetOptions& options, DatasetLoadReport& report)
      : path_(path), options_(options), report_(report) {}

  void add(int line, ChatMessages messages) {
    if (!options_.system_prompt.empty() && (messages.empty() || messages[0].role != "system"))
      messages.insert(messages.begin(), ChatMessage{"system", options_.system_prompt, ""});
    rows_.push_back(DatasetRow{std::move(messages), source(line)});
    ++report_.rows_read;
    ++report_.rows_used;
  }

  void reject(int line, const std::string& what) {
    const std::string problem = source(line) + ": " + what;
    ++report_.rows_read;
    ++report_.rows_skipped;
    report_.problems.push_back(problem);
    if (options_.strict)
      throw std::runtime_error(problem + " (strict: stopping at the first bad row)");
  }

  std::vector<DatasetRow> take() { return std::move(rows_); }

 private:
  std::string source(int line) const { return path_ + ":" + std::to_string(line); }

  std::string path_;
  const DatasetOptions& options_;
  DatasetLoadReport& report_;
  std::vector<DatasetRow> rows_;
};

// ---- the seed-001 tool-call CSV -------------------------------------------------------------

const char* const kCsvColumns[] = {"user_input", "tool_call_output", "tool_call_result",
                                   "final_output"};

struct CsvLayout {
  size_t fields = 0;      // columns in the header
  size_t column[4] = {};  // index of each of kCsvColumns
};

CsvLayout csv_layout(const CsvRecord& header, const std::string& path) {
  const std::string where = path + ":" + std::to_string(header.line) + ": ";
  if (!header.error.empty()) throw std::runtime_error(where + "CSV header: " + header.error);
  CsvLayout layout;
  layout.fields = header.fields.size();
  std::string missing;
  for (size_t c = 0; c < 4; ++c) {
    auto it = std::find_if(header.fields.begin(), header.fields.end(),
                           [&](const std::string& f) { return trim(f) == kCsvColumns[c]; });
    if (it == header.fields.end())
      missing += std::string(missing.empty() ? "" : ", ") + kCsvColumns[c];
    else
      layout.column[c] = static_cast<size_t>(it - header.fields.begin());
  }
  if (!missing.empty())
    throw std::runtime_error(
        where + "the CSV header lacks the column(s) " + missing +
        " (expected user_input,tool_call_output,tool_call_result,final_output)");
  return layout;
}

// The assistant's call text, always with the data's tool-call tags (ToolCallSyntax's); `tool_name`
// gets the called tool.
std::string tool_call_text(const std::string& cell, std::string& tool_name) {
  const ToolCallSyntax tags;
  std::string text = cell;
  if (text.find(tags.open) == std::string::npos) {
    if (text.empty() || text[0] != '{')
      throw RowError("tool_call_output is not a tool call: expected " + tags.open +
                     "{\"name\": ..., \"arguments\": {...}}" + tags.close +
                     " or the bare JSON object");
    text = tags.open + text + tags.close;
  }
  const ParsedReply reply = parse_tool_calls(text, tags);
  if (reply.calls.size() != 1)
    throw RowError("tool_call_output holds " + std::to_string(reply.calls.size()) +
                   " tool calls; a CSV row has exactly one call and one result");
  if (!reply.calls[0].ok()) throw RowError("tool_call_output: " + reply.calls[0].error);
  tool_name = reply.calls[0].name;
  return text;
}

ChatMessages tool_call_row_messages(const CsvRecord& record, const CsvLayout& layout) {
  if (!record.error.empty()) throw RowError(record.error);
  if (record.fields.size() != layout.fields)
    throw RowError("has " + std::to_string(record.fields.size()) + " fields, the header has " +
                   std::to_string(layout.fields) + " (is a comma inside an unquoted cell?)");
  std::string cell[4];
  for (size_t c = 0; c < 4; ++c) {
    cell[c] = trim(record.fields[layout.column[c]]);
    if (cell[c].empty()) throw RowError(std::string("empty ") + kCsvColumns[c]);
    if (!is_valid_utf8(cell[c]))
      throw RowError(std::string(kCsvColumns[c]) +
                     " is not valid UTF-8 (save the file as UTF-8, e.g. Excel's \"CSV UTF-8\")");
  }
  std::string tool_name;
  const std::string call = tool_call_text(cell[1], tool_name);
  return {ChatMessage{"user", cell[0], ""}, ChatMessage{"assistant", call, ""},
          ChatMessage{"tool", cell[2], tool_name}, ChatMessage{"assistant", cell[3], ""}};
}

void load_tool_call_csv(const std::string& text, const std::string& path, RowCollector& rows) {
  const std::vector<CsvRecord> records = csv_parse(text);
  if (records.empty()) throw std::runtime_error(path + ": empty CSV (expected a header line)");
  const CsvLayout layout = csv_layout(records[0], path);
  for (size_t r = 1; r < records.size(); ++r) {
    try {
      rows.add(records[r].line, tool_call_row_messages(records[r], layout));
    } catch (const RowError& e) {
      rows.reject(records[r].line, e.what());
    }
  }
}

// ---- JSON rows: chat and Alpaca -----------------------------------------------------------

struct JsonRow {
  int line = 0;
  json value;
  std::string error;  // the row is not valid JSON
};

// nlohmann's messages start with "[json.exception.parse_error.101] "; the rest is the useful part.
std::string json_error_text(const json::exception& e) {
  const std::string what = e.what();
  const size_t end = what.find("] ");
  return end == std::string::npos ? what : what.substr(end + 2);
}

// The 1-based line of each top-level element of a JSON array (strings and nesting skipped).
std::vector<int> array_element_lines(const std::string& text) {
  std::vector<int> lines;
  int line = 1, depth = 0;
  bool in_string = false, escaped = false, expect_element = false;
  for (const char c : text) {
    if (c == '\n') ++line;
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    const bool space = c == ' ' || c == '\t' || c == '\r' || c == '\n';
    if (depth == 1 && expect_element && !space && c != ']') {
      lines.push_back(line);
      expect_element = false;
    }
    if (c == '"')
      in_string = true;
    else if (c == '[' || c == '{')
      expect_element = ++depth == 1;
    else if (c == ']' || c == '}')
      --depth;
    else if (c == ',' && depth == 1)
      expect_element = true;
  }
  return lines;
}

std::vector<JsonRow> json_array_rows(const std::string& text, const std::string& path) {
  json array;
  try {
    array = json::parse(text);
  } catch (const json::parse_error& e) {
    throw std::runtime_error(path + ": not valid JSON: " + json_error_text(e));
  }
  if (!array.is_array()) throw std::runtime_error(path + ": expected a JSON array of rows");
  const std::vector<int> lines = array_element_lines(text);
  std::vector<JsonRow> rows;
  for (size_t i = 0; i < array.size(); ++i)
    rows.push_back(JsonRow{i < lines.size() ? lines[i] : 0, std::move(array[i]), ""});
  return rows;
}

std::vector<JsonRow> jsonl_rows(const std::string& text) {
  std::vector<JsonRow> rows;
  std::istringstream in(text);
  int line = 0;
  for (std::string text_line; std::getline(in, text_line);) {
    ++line;
    if (trim(text_line).empty()) continue;
    JsonRow row;
    row.line = line;
    try {
      row.value = json::parse(text_line);
    } catch (const json::parse_error& e) {
      row.error = "not valid JSON: " + json_error_text(e);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

// Chat when the first JSON object has "messages", Alpaca when it has "instruction".
DatasetFormat detect_json_format(const std::vector<JsonRow>& rows, const std::string& path) {
  for (const JsonRow& row : rows) {
    if (!row.error.empty() || !row.value.is_object()) continue;
    if (row.value.contains("messages")) return DatasetFormat::kChatJsonl;
    if (row.value.contains("instruction")) return DatasetFormat::kAlpaca;
    throw std::runtime_error(path + ":" + std::to_string(row.line) +
                             ": cannot tell the dataset format: the row has neither \"messages\" "
                             "(chat_jsonl) nor \"instruction\" (alpaca); set the format");
  }
  return DatasetFormat::kAuto;  // no readable row: each will be reported
}

std::string string_field(const json& object, const char* key, const std::string& what) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return "";
  if (!it->is_string()) throw RowError(what + "\"" + key + "\" must be a string");
  return it->get<std::string>();
}

// OpenAI-style "tool_calls" as our tool-call text (ToolCallSyntax's tags); records id -> name for
// the tool messages.
std::string openai_tool_calls_text(const json& calls, const std::string& what,
                                   std::map<std::string, std::string>& call_names) {
  if (!calls.is_array()) throw RowError(what + "\"tool_calls\" must be an array");
  std::string text;
  for (const json& call : calls) {
    const json function = call.is_object() ? call.value("function", json()) : json();
    if (!function.is_object() || !function.contains("name") || !function["name"].is_string())
      throw RowError(what + "a tool call without {\"function\": {\"name\": ...}}");
    json arguments = function.value("arguments", json::object());
    try {
      if (arguments.is_string()) arguments = json::parse(arguments.get<std::string>());
    } catch (const json::parse_error& e) {
      throw RowError(what + "tool call arguments are not JSON: " + json_error_text(e));
    }
    const std::string name = function["name"].get<std::string>();
    if (call.contains("id") && call["id"].is_string())
      call_names[call["id"].get<std::string>()] = name;
    const ToolCallSyntax tags;
    text += std::string(text.empty() ? "" : "\n") + tags.open + "{\"name\": " + json(name).dump() +
            ", \"arguments\": " + arguments.dump() + "}" + tags.close;
  }
  return text;
}

ChatMessages chat_row_messages(const json& row) {
  if (!row.is_object() || !row.contains("messages") || !row["messages"].is_array())
    throw RowError("expected {\"messages\": [{\"role\": ..., \"content\": ...}, ...]}");
  const json& list = row["messages"];
  ChatMessages messages;
  std::map<std::string, std::string> call_names;  // tool_call_id -> tool name
  bool has_assistant = false;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string what = "message " + std::to_string(i) + ": ";
    const json& m = list[i];
    if (!m.is_object()) throw RowError(what + "not an object");
    const std::string role = string_field(m, "role", what);
    if (!chat_role_is_valid(role))
      throw RowError(what + "unknown role '" + role +
                     "' (expected system, user, assistant or tool)");
    ChatMessage message{role, string_field(m, "content", what), string_field(m, "name", what)};
    if (role == "assistant" && m.contains("tool_calls") && !m["tool_calls"].is_null()) {
      const std::string calls = openai_tool_calls_text(m["tool_calls"], what, call_names);
      message.content += (message.content.empty() ? "" : "\n") + calls;
    } else if (!m.contains("content") || !m["content"].is_string()) {
      throw RowError(what + "\"content\" must be a string");
    }
    if (role == "tool" && message.name.empty()) {
      auto it = call_names.find(string_field(m, "tool_call_id", what));
      if (it != call_names.end()) message.name = it->second;
    }
    has_assistant = has_assistant || role == "assistant";
    messages.push_back(std::move(message));
  }
  if (!has_assistant) throw RowError("no assistant message (nothing to learn from this row)");
  return messages;
}

ChatMessages alpaca_row_messages(const json& row) {
  if (!row.is_object())
    throw RowError("expected {\"instruction\": ..., \"input\": ..., \"output\": ...}");
  const std::string instruction = string_field(row, "instruction", "");
  const std::string input = string_field(row, "input", "");
  const std::string output = string_field(row, "output", "");
  if (trim(instruction).empty()) throw RowError("empty or missing \"instruction\"");
  if (trim(output).empty()) throw RowError("empty or missing \"output\"");
  const std::string user = trim(input).empty() ? instruction : instruction + "\n\n" + input;
  return {ChatMessage{"user", user, ""}, ChatMessage{"assistant", output, ""}};
}

void load_json_rows(const std::string& text, const std::string& path, DatasetFormat format,
                    RowCollector& rows) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  const std::vector<JsonRow> json_rows = first != std::string::npos && text[first] == '['
                                             ? json_array_rows(text, path)
                                             : jsonl_rows(text);
  if (format == DatasetFormat::kAuto) format = detect_json_format(json_rows, path);
  for (const JsonRow& row : json_rows) {
    try {
      if (!row.error.empty()) throw RowError(row.error);
      rows.add(row.line, format == DatasetFormat::kAlpaca ? alpaca_row_messages(row.value)
                                                          : chat_row_messages(row.value));
    } catch (const RowError& e) {
      rows.reject(row.line, e.what());
    }
  }
}

DatasetFormat format_from_extension(const std::string& path) {
  std::string extension = fs::path(path).extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (extension == ".csv") return DatasetFormat::kToolCallCsv;
  if (extension == ".json" || extension == ".jsonl") return DatasetFormat::kAuto;  // by content
  throw std::runtime_error(
      path + ": cannot tell the dataset format from the extension '" + extension +
      "' (use .csv, .json or .jsonl, or set the format: " + "toolcall_csv, chat_jsonl, alpaca)");
}

}  // namespace

DatasetFormat dataset_format_from_name(const std::string& name) {
  for (DatasetFormat f : {DatasetFormat::kAuto, DatasetFormat::kToolCallCsv,
                          DatasetFormat::kChatJsonl, DatasetFormat::kAlpaca})
    if (dataset_format_name(f) == name) return f;
  throw std::invalid_argument("unknown dataset format '" + name +
                              "' (known: auto, toolcall_csv, chat_jsonl, alpaca)");
}

std::string dataset_format_name(DatasetFormat format) {
  switch (format) {
    case DatasetFormat::kAuto:
      return "auto";
    case DatasetFormat::kToolCallCsv:
      return "toolcall_csv";
    case DatasetFormat::kChatJsonl:
      return "chat_jsonl";
    case DatasetFormat::kAlpaca:
      return "alpaca";
  }
  return "auto";
}

std::vector<DatasetRow> dataset_load(const std::string& path, const DatasetOptions& options,
                                     DatasetLoadReport& report) {
  const std::string text = read_dataset_file(path);
  DatasetFormat format = options.format;
  if (format == DatasetFormat::kAuto) format = format_from_extension(path);
  RowCollector rows(path, options, report);
  if (format == DatasetFormat::kToolCallCsv)
    load_tool_call_csv(text, path, rows);
  else
    load_json_rows(text, path, format, rows);
  return rows.take();
}

std::pair<std::vector<DatasetRow>, std::vector<DatasetRow>> dataset_split(
    std::vector<DatasetRow> rows, double eval_fraction, uint64_t seed) {
  if (!(eval_fraction >= 0.0 && eval_fraction < 1.0))
    throw std::invalid_argument("eval_fraction " + std::to_string(eval_fraction) +
                                " is outside [0, 1)");
  const size_t n = rows.size();
  size_t eval_count = static_cast<size_t>(static_cast<double>(n) * eval_fraction + 0.5);
  if (eval_fraction > 0 && eval_count == 0) eval_count = 1;
  if (n > 0)
    eval_count = std::min(eval_count, n - 1);
  else
    eval_count = 0;
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  dataset_shuffle(order, seed);
  std::vector<bool> is_eval(n, false);
  for (size_t i = 0; i < eval_count; ++i) is_eval[order[i]] = true;
  std::pair<std::vector<DatasetRow>, std::vector<DatasetRow>> parts;
  for (size_t i = 0; i < n; ++i)
    (is_eval[i] ? parts.second : parts.first).push_back(std::move(rows[i]));
  return parts;
}

}  // namespace tunedeck
