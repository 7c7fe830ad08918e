#include "train/csv_reader.h"

namespace tunedeck {
namespace {

// "\n", "\r\n", or a lone "\r" that ends the text.
bool at_line_end(const std::string& text, size_t pos) {
  if (text[pos] == '\n') return true;
  return text[pos] == '\r' && (pos + 1 == text.size() || text[pos + 1] == '\n');
}

void skip_line_end(const std::string& text, size_t& pos, int& line) {
  pos += text[pos] == '\r' && pos + 1 < text.size() ? 2 : 1;
  ++line;
}

// Reads a quoted field's content; `pos` is just after the opening quote. Returns false when the
// text ends before the closing quote. Leaves `pos` after the closing quote.
bool read_quoted(const std::string& text, size_t& pos, int& line, std::string& field) {
  while (pos < text.size()) {
    const char c = text[pos];
    if (c == '"') {
      if (pos + 1 < text.size() && text[pos + 1] == '"') {
        field += '"';
        pos += 2;
        continue;
      }
      ++pos;
      return true;
    }
    if (c == '\n' || (c == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n')) {
      field += '\n';
      skip_line_end(text, pos, line);
      continue;
    }
    field += c;
    ++pos;
  }
  return false;
}

// Reads one record from `pos` through its line end (or the end of the text).
CsvRecord read_record(const std::string& text, size_t& pos, int& line) {
  CsvRecord record;
  record.line = line;
  for (;;) {
    std::string field;
    if (pos < text.size() && text[pos] == '"') {
      const int opened_on = line;
      ++pos;
      if (!read_quoted(text, pos, line, field)) {
        record.error = "unterminated quoted field (opened on line " + std::to_string(opened_on) +
                       ", runs to the end of the file)";
        record.fields.push_back(field);
        return record;
      }
      if (pos < text.size() && text[pos] != ',' && !at_line_end(text, pos) && record.error.empty())
        record.error =
            "text after the closing quote of field " + std::to_string(record.fields.size() + 1);
    }
    while (pos < text.size() && text[pos] != ',' && !at_line_end(text, pos)) field += text[pos++];
    record.fields.push_back(field);
    if (pos >= text.size()) return record;
    if (text[pos] == ',') {
      ++pos;
      continue;
    }
    skip_line_end(text, pos, line);
    return record;
  }
}

bool is_blank(const CsvRecord& record) {
  return record.error.empty() && record.fields.size() == 1 && record.fields[0].empty();
}

}  // namespace

std::vector<CsvRecord> csv_parse(const std::string& text) {
  size_t pos = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  int line = 1;
  std::vector<CsvRecord> records;
  while (pos < text.size()) {
    CsvRecord record = read_record(text, pos, line);
    if (!is_blank(record)) records.push_back(std::move(record));
  }
  return records;
}

}  // namespace tunedeck
