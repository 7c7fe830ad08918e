#include "agent/chat_template_writer.h"

#include <algorithm>
#include <stdexcept>

namespace tunedeck {

void SegmentWriter::append(const std::string& text, bool is_assistant_output) {
  if (text.empty()) return;
  if (!segments_.empty() && segments_.back().is_assistant_output == is_assistant_output) {
    segments_.back().text += text;
    return;
  }
  segments_.push_back(TemplateSegment{text, is_assistant_output});
}

namespace {

// Where a key goes in json_dumps_python's output: the OpenAI tool keys first, then the rest.
int preferred_key_rank(const std::string& key) {
  static const char* const kOrder[] = {"type",       "function",   "name",    "description",
                                       "parameters", "properties", "required"};
  for (int i = 0; i < static_cast<int>(std::size(kOrder)); i++) {
    if (key == kOrder[i]) return i;
  }
  return static_cast<int>(std::size(kOrder));
}

std::vector<std::string> ordered_keys(const nlohmann::json& object) {
  std::vector<std::string> keys;
  for (auto it = object.begin(); it != object.end(); ++it) keys.push_back(it.key());
  std::stable_sort(keys.begin(), keys.end(), [](const std::string& a, const std::string& b) {
    return preferred_key_rank(a) < preferred_key_rank(b);  // the rest keep nlohmann's sorted order
  });
  return keys;
}

// One scalar as JSON text; invalid UTF-8 is replaced rather than thrown.
std::string dump_scalar(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void dump_value(const nlohmann::json& value, int indent, int depth, std::string& out) {
  const bool pretty = indent >= 0;
  const std::string item_separator = pretty ? "," : ", ";
  auto newline = [&](int level) {
    if (pretty) out += "\n" + std::string(static_cast<size_t>(indent * level), ' ');
  };
  if (value.is_object()) {
    if (value.empty()) {
      out += "{}";
      return;
    }
    out += "{";
    bool first = true;
    for (const std::string& key : ordered_keys(value)) {
      if (!first) out += item_separator;
      first = false;
      newline(depth + 1);
      out += dump_scalar(nlohmann::json(key)) + ": ";
      dump_value(value.at(key), indent, depth + 1, out);
    }
    newline(depth);
    out += "}";
  } else if (value.is_array()) {
    if (value.empty()) {
      out += "[]";
      return;
    }
    out += "[";
    bool first = true;
    for (const auto& item : value) {
      if (!first) out += item_separator;
      first = false;
      newline(depth + 1);
      dump_value(item, indent, depth + 1, out);
    }
    newline(depth);
    out += "]";
  } else {
    out += dump_scalar(value);  // strings, numbers, true/false/null: the same text as Python's
  }
}

}  // namespace

std::string json_dumps_python(const nlohmann::json& value, int indent) {
  std::string out;
  dump_value(value, indent, 0, out);
  return out;
}

nlohmann::ordered_json json_ordered_python(const nlohmann::json& value) {
  if (value.is_object()) {
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    for (const std::string& key : ordered_keys(value))
      object[key] = json_ordered_python(value.at(key));
    return object;
  }
  if (value.is_array()) {
    nlohmann::ordered_json array = nlohmann::ordered_json::array();
    for (const auto& item : value) array.push_back(json_ordered_python(item));
    return array;
  }
  return nlohmann::ordered_json::parse(value.dump());
}

std::string trim_whitespace(const std::string& text) {
  const char* const kWhitespace = " \t\n\r\f\v";
  const size_t begin = text.find_first_not_of(kWhitespace);
  if (begin == std::string::npos) return "";
  const size_t end = text.find_last_not_of(kWhitespace);
  return text.substr(begin, end - begin + 1);
}

std::string hermes_tools_block(const nlohmann::json& tools) {
  std::string text =
      "# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
      "You are provided with function signatures within <tools></tools> XML tags:\n<tools>";
  for (const auto& tool : tools) text += "\n" + json_dumps_python(tool);
  text +=
      "\n</tools>\n\nFor each function call, return a json object with function name and "
      "arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n"
      "{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call>";
  return text;
}

std::string hermes_tool_responses(const std::vector<std::string>& results) {
  std::string text;
  for (const std::string& result : results) {
    if (!text.empty()) text += "\n";
    text += "<tool_response>\n" + result + "\n</tool_response>";
  }
  return text;
}

std::vector<std::string> take_tool_results(const ChatMessages& messages, size_t& index) {
  std::vector<std::string> results{messages[index].content};
  while (index + 1 < messages.size() && messages[index + 1].role == "tool") {
    index++;
    results.push_back(messages[index].content);
  }
  return results;
}

size_t take_leading_system(const ChatMessages& messages, std::string& system) {
  const bool has_system = !messages.empty() && messages[0].role == "system";
  system = has_system ? messages[0].content : "";
  return has_system ? 1 : 0;
}

void write_marked_turns(const ChatMessages& messages, size_t first, const std::string& system,
                        bool write_system, const MarkedTurnFormat& format,
                        bool add_generation_prompt, SegmentWriter& out) {
  if (write_system) out.prompt(format.open("system") + system + format.end + "\n");
  for (size_t i = first; i < messages.size(); i++) {
    const ChatMessage& message = messages[i];
    if (message.role == "assistant") {
      out.prompt(format.open("assistant"));
      out.output(message.content + format.end);
      out.prompt("\n");
    } else if (message.role == "tool") {
      out.prompt(format.tool_turn(messages, i));
    } else {  // user, or a later system message
      out.prompt(format.open(message.role) + message.content + format.end + "\n");
    }
  }
  if (add_generation_prompt) out.prompt(format.open("assistant"));
}

void require_system_first(const std::string& template_name, const ChatMessages& messages) {
  for (size_t i = 1; i < messages.size(); i++) {
    if (messages[i].role != "system") continue;
    throw std::invalid_argument("chat template '" + template_name + "': message " +
                                std::to_string(i) +
                                " is a system message; this format allows one, first");
  }
}

}  // namespace tunedeck
