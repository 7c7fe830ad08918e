// The tool_calls rows of one session in a memory database, oldest first, read through a
// connection of the test's own: what Memory::append_tool_call (and so the agent loop) committed.
// Not for production code.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "agent/memory.h"
#include "core/sqlite_db.h"

namespace tunedeck::testing {

inline std::vector<ToolCallRecord> stored_tool_calls(const std::string& db_path,
                                                     int64_t session_id) {
  SqliteDb db(db_path);
  SqliteStatement query = db.prepare(
      "SELECT session_id, message_id, name, arguments_json, result_json, error, latency_ms, "
      "raw_text FROM tool_calls WHERE session_id = ? ORDER BY id");
  query.bind_int64(1, session_id);
  std::vector<ToolCallRecord> calls;
  while (query.step()) {
    ToolCallRecord call;
    call.session_id = query.column_int64(0);
    call.message_id = query.column_is_null(1) ? 0 : query.column_int64(1);
    call.name = query.column_text(2);
    call.arguments_json = query.column_text(3);
    call.result_json = query.column_text(4);
    call.error = query.column_text(5);
    call.latency_ms = query.column_double(6);
    call.raw_text = query.column_text(7);
    calls.push_back(std::move(call));
  }
  return calls;
}

}  // namespace tunedeck::testing
