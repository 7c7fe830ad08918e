// What the chat template families share while writing a conversation. Defines: SegmentWriter
// (keeps prompt text apart from assistant output), json_dumps_python (JSON printed the way
// Hugging Face's `tojson` filter prints it), trim_whitespace (Jinja's `trim`), and
// hermes_tools_block / hermes_tool_responses (the Qwen/Hermes tool list with its <tool_call>
// instruction, and tool results), take_tool_results (a run of tool messages),
// take_leading_system and write_marked_turns (the shape chatml and tunedeck share),
// require_system_first (for families whose format has no place for a later system message).
// Only for agent/chat_template*.cpp. No shared state; everything is safe from any thread.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "agent/chat_template.h"

namespace tunedeck {

// Collects segments; adjacent text of the same kind is merged into one segment.
class SegmentWriter {
 public:
  void prompt(const std::string& text) { append(text, false); }
  void output(const std::string& text) { append(text, true); }
  std::vector<TemplateSegment> take() { return std::move(segments_); }

 private:
  void append(const std::string& text, bool is_assistant_output);
  std::vector<TemplateSegment> segments_;
};

// Python's json.dumps(value, ensure_ascii=False) as transformers' `tojson` calls it: ", " and
// ": " separators on one line (indent < 0), or indent spaces per level with "," and ": ".
// Object keys: "type", "function", "name", "description", "parameters", "properties",
// "required" first in that order (the order OpenAI tool objects are written in), the rest
// sorted (nlohmann::json does not keep insertion order).
std::string json_dumps_python(const nlohmann::json& value, int indent = -1);

// `value` with its object keys in json_dumps_python's order, for a Jinja template's tojson.
nlohmann::ordered_json json_ordered_python(const nlohmann::json& value);

// Removes leading and trailing ASCII whitespace, like Jinja's `trim` and Python's str.strip().
std::string trim_whitespace(const std::string& text);

// The tool list and instruction as Qwen2.5 writes them (also used for llama2 and gemma, which
// publish no tool format):
//   # Tools\n\nYou may call one or more functions ... <tools>\n{tool}\n...</tools>\n\n
//   For each function call, ... <tool_call>\n{"name": ..., "arguments": ...}\n</tool_call>
// REQUIRES: tools is a non-empty array.
std::string hermes_tools_block(const nlohmann::json& tools);

// Tool results as Qwen2.5 writes them in a user turn, one block each, joined by "\n":
//   <tool_response>\nRESULT\n</tool_response>
std::string hermes_tool_responses(const std::vector<std::string>& results);

// The contents of the run of consecutive tool messages that starts at messages[index]; leaves
// `index` on the last of them. REQUIRES: messages[index].role == "tool".
std::vector<std::string> take_tool_results(const ChatMessages& messages, size_t& index);

// The text of a leading system message ("" when there is none) in `system`; returns the index of
// the first message after it (0 or 1).
size_t take_leading_system(const ChatMessages& messages, std::string& system);

// The turns of a family whose every turn is OPEN(role) CONTENT END "\n" (chatml, tunedeck):
// a system turn when write_system (with `system`), then messages[first...], each assistant turn
// as output (its content and END; the "\n" after it is prompt), a run of tool messages as
// `tool_turn` writes it (it takes the run from messages[i] and leaves i on its last message), and
// the generation prompt OPEN("assistant").
struct MarkedTurnFormat {
  std::string (*open)(const std::string& role);
  std::string end;
  std::string (*tool_turn)(const ChatMessages& messages, size_t& i);
};
void write_marked_turns(const ChatMessages& messages, size_t first, const std::string& system,
                        bool write_system, const MarkedTurnFormat& format,
                        bool add_generation_prompt, SegmentWriter& out);

// Throws std::invalid_argument naming the template and the index of a system message that is
// not the first message.
void require_system_first(const std::string& template_name, const ChatMessages& messages);

}  // namespace tunedeck
