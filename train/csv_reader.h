// RFC 4180 CSV records for the dataset loader: commas, "" escapes and line breaks inside quoted
// fields, CRLF or LF line ends, a UTF-8 BOM at the start. Each record says the physical line it
// starts on, so a problem can be reported as file:line. Not a general CSV library (no other
// separators, no type guessing). Pure functions; thread-safe.
#pragma once
#include <string>
#include <vector>

namespace tunedeck {

struct CsvRecord {
  std::vector<std::string> fields;
  int line = 0;       // 1-based physical line the record starts on
  std::string error;  // empty when the record is well formed ("unterminated quoted field", ...)
};

// Splits `text` into records. Blank lines are skipped. A CRLF inside a quoted field is kept as
// "\n". A malformed record comes back with `error` set: a quoted field never closed (it runs to
// the end of the text, so it is the last record) or text after a closing quote (the record
// continues to the end of its line).
std::vector<CsvRecord> csv_parse(const std::string& text);

}  // namespace tunedeck
