#include "agent/tool_call_parser.h"

#include <algorithm>

namespace tunedeck {
namespace {

using nlohmann::json;

const char kExpectedShape[] = R"(expected {"name": "...", "arguments": {...}})";

std::string trimmed(const std::string& text) {
  const char* space = " \t\r\n";
  const size_t first = text.find_first_not_of(space);
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(space) - first + 1);
}

// nlohmann's messages start with "[json.exception.parse_error.101] "; the model needs the rest.
std::string without_exception_id(const std::string& message) {
  const size_t end = message.find("] ");
  return message.rfind("[json.exception.", 0) == 0 && end != std::string::npos
             ? message.substr(end + 2)
             : message;
}

std::string kind_of(const json& value) {
  if (value.is_string()) return "a string";
  if (value.is_number()) return "a number";
  if (value.is_boolean()) return "a boolean";
  if (value.is_null()) return "null";
  if (value.is_array()) return "an array";
  return "an object";
}

// Fills call.arguments from the "arguments" (or "parameters") member; returns an error or "".
std::string read_arguments(const json& object, ParsedCall& call) {
  const char* key = object.contains("arguments") ? "arguments" : "parameters";
  if (!object.contains(key)) return "";  // no arguments: {}
  json arguments = object[key];
  if (arguments.is_string()) {
    // Some models write the arguments as a JSON string holding the object.
    try {
      arguments = json::parse(arguments.get<std::string>());
    } catch (const json::parse_error& e) {
      return std::string("\"") + key +
             "\" is a string that is not valid JSON: " + without_exception_id(e.what());
    }
  }
  if (!arguments.is_object())
    return std::string("\"") + key + "\" must be a JSON object, got " + kind_of(arguments);
  call.arguments = arguments;
  return "";
}

// Reads the text between the tags into `call`; sets call.error on anything malformed, naming
// the call by its open tag.
void read_call_body(ParsedCall& call, const std::string& open) {
  const std::string body = trimmed(call.raw);
  if (body.empty()) {
    call.error = "empty " + open + "; " + kExpectedShape;
    return;
  }
  json object;
  try {
    object = json::parse(body);
  } catch (const json::parse_error& e) {
    call.error = "invalid JSON in " + open + ": " + without_exception_id(e.what());
    return;
  }
  if (!object.is_object()) {
    call.error = open + " holds " + kind_of(object) + "; " + kExpectedShape;
    return;
  }
  if (!object.contains("name") || !object["name"].is_string() ||
      object["name"].get<std::string>().empty()) {
    call.error = open + " has no \"name\" string naming the tool; " + kExpectedShape;
    return;
  }
  call.name = object["name"].get<std::string>();
  call.error = read_arguments(object, call);
}

}  // namespace

ParsedReply parse_tool_calls(const std::string& text, const ToolCallSyntax& syntax) {
  const std::string& open_tag = syntax.open;
  const std::string& close_tag = syntax.close;
  ParsedReply reply;
  std::string outside;
  size_t pos = 0;
  while (true) {
    const size_t open = text.find(open_tag, pos);
    if (open == std::string::npos) {
      outside += text.substr(pos);
      break;
    }
    outside += text.substr(pos, open - pos);
    const size_t body = open + open_tag.size();
    const size_t close = text.find(close_tag, body);
    const size_t next_open = text.find(open_tag, body);
    const bool unclosed = close == std::string::npos || next_open < close;
    const size_t body_end = unclosed ? std::min(next_open, text.size()) : close;
    ParsedCall call;
    call.raw = text.substr(body, body_end - body);
    read_call_body(call, open_tag);
    if (unclosed) {
      const std::string problem = "unclosed " + open_tag + ": no " + close_tag +
                                  (next_open == std::string::npos ? " before the end of the reply"
                                                                  : " before the next " + open_tag);
      call.error = call.ok() ? problem : problem + "; " + call.error;
    }
    reply.calls.push_back(std::move(call));
    pos = unclosed ? body_end : close + close_tag.size();
  }
  reply.content = trimmed(outside);
  return reply;
}

}  // namespace tunedeck
