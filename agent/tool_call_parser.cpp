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

// Fills `call` from one parsed JSON value; sets call.error on anything malformed, naming the call
// by `where` (its open tag).
void read_call_object(const json& object, const std::string& where, ParsedCall& call) {
  if (!object.is_object()) {
    call.error = where + " holds " + kind_of(object) + "; " + kExpectedShape;
    return;
  }
  if (!object.contains("name") || !object["name"].is_string() ||
      object["name"].get<std::string>().empty()) {
    call.error = where + " has no \"name\" string naming the tool; " + kExpectedShape;
    return;
  }
  call.name = object["name"].get<std::string>();
  call.error = read_arguments(object, call);
}

// Reads call.raw as one JSON call.
void read_call_body(ParsedCall& call, const std::string& where) {
  const std::string body = trimmed(call.raw);
  if (body.empty()) {
    call.error = "empty " + where + "; " + kExpectedShape;
    return;
  }
  json object;
  try {
    object = json::parse(body);
  } catch (const json::parse_error& e) {
    call.error = "invalid JSON in " + where + ": " + without_exception_id(e.what());
    return;
  }
  read_call_object(object, where, call);
}

ParsedReply parse_hermes(const std::string& text, const ToolCallSyntax& syntax) {
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

// The end of the JSON object that starts at text[begin] == '{' (one past its '}'), or npos when
// it never closes. Braces inside strings do not count.
size_t json_object_end(const std::string& text, size_t begin) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = begin; i < text.size(); i++) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        i++;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{') {
      depth++;
    } else if (c == '}' && --depth == 0) {
      return i + 1;
    }
  }
  return std::string::npos;
}

ParsedReply parse_llama3_json(const std::string& text, const ToolCallSyntax& syntax) {
  ParsedReply reply;
  const std::string where = "the JSON tool call";
  const size_t tag = text.find(syntax.open);
  std::string body;
  if (tag != std::string::npos) {
    reply.content = trimmed(text.substr(0, tag));
    body = trimmed(text.substr(tag + syntax.open.size()));
    if (body.empty() || body[0] != '{') {
      ParsedCall call;
      call.raw = body;
      call.error = syntax.open + " is not followed by a JSON object (python calls to built-in " +
                   "tools are not supported); " + kExpectedShape;
      reply.calls.push_back(std::move(call));
      return reply;
    }
  } else {
    body = trimmed(text);
    if (body.empty() || body[0] != '{') return ParsedReply{body, {}};  // an answer
  }
  size_t pos = 0;
  while (pos < body.size()) {
    const size_t begin = body.find_first_not_of(" \t\r\n;,", pos);
    if (begin == std::string::npos) break;
    if (body[begin] != '{') {  // text after the calls
      reply.content += (reply.content.empty() ? "" : "\n") + trimmed(body.substr(begin));
      break;
    }
    const size_t end = json_object_end(body, begin);
    ParsedCall call;
    call.raw = body.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
    read_call_body(call, where);
    if (end == std::string::npos)
      call.error = "unclosed JSON object: no } before the end of the reply; " + call.error;
    reply.calls.push_back(std::move(call));
    pos = end;
  }
  return reply;
}

ParsedReply parse_mistral(const std::string& text, const ToolCallSyntax& syntax) {
  const size_t tag = text.find(syntax.open);
  if (tag == std::string::npos) return ParsedReply{trimmed(text), {}};
  ParsedReply reply;
  reply.content = trimmed(text.substr(0, tag));
  const std::string body = trimmed(text.substr(tag + syntax.open.size()));
  json calls;
  try {
    calls = json::parse(body);
  } catch (const json::parse_error& e) {
    ParsedCall call;
    call.raw = body;
    call.error = "invalid JSON after " + syntax.open + ": " + without_exception_id(e.what()) +
                 "; expected [{\"name\": \"...\", \"arguments\": {...}}]";
    reply.calls.push_back(std::move(call));
    return reply;
  }
  if (!calls.is_array()) calls = json::array({calls});
  for (const json& element : calls) {
    ParsedCall call;
    call.raw = element.dump(-1, ' ', false, json::error_handler_t::replace);
    read_call_object(element, syntax.open, call);
    reply.calls.push_back(std::move(call));
  }
  return reply;
}

}  // namespace

ToolCallSyntax tool_call_syntax_llama3() {
  return ToolCallSyntax{"<|python_tag|>", "", ToolCallFormat::kLlama3Json, false};
}

ToolCallSyntax tool_call_syntax_mistral() {
  return ToolCallSyntax{"[TOOL_CALLS]", "", ToolCallFormat::kMistral, false};
}

std::string tool_call_syntax_description(const ToolCallSyntax& syntax) {
  switch (syntax.format) {
    case ToolCallFormat::kLlama3Json:
      return "llama3-json ({\"name\", \"parameters\"}, " + syntax.open + ")";
    case ToolCallFormat::kMistral:
      return "mistral (" + syntax.open + ")";
    case ToolCallFormat::kHermes:
      break;
  }
  return syntax.injected ? "hermes, injected (" + syntax.open + "; the template has no tool format)"
                         : "hermes (" + syntax.open + ")";
}

ParsedReply parse_tool_calls(const std::string& text, const ToolCallSyntax& syntax) {
  switch (syntax.format) {
    case ToolCallFormat::kLlama3Json:
      return parse_llama3_json(text, syntax);
    case ToolCallFormat::kMistral:
      return parse_mistral(text, syntax);
    case ToolCallFormat::kHermes:
      break;
  }
  return parse_hermes(text, syntax);
}

}  // namespace tunedeck
