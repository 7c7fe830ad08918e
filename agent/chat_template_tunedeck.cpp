// tunedeck's own chat format, for small models trained from scratch (the demo date agent) with
// a small sentencepiece vocabulary. Every turn is a marker line, the content as is (no trimming,
// no default text), and <|end|>:
//   <|system|>\n
//   You are a date assistant.\n
//   \n
//   Tools:\n
//   - add_days(date: string, days: integer): The date `days` after `date`.\n
//   - weekday(date: string): The weekday of a date.\n
//   Call a tool with <tool_call>{"name": TOOL, "arguments": {ARGS}}</tool_call><|end|>\n
//   <|user|>\nWhat day is 2027-01-04?<|end|>\n
//   <|assistant|>\n<tool_call>{"name": "weekday", "arguments": {"date": "2027-01-04"}}</tool_call>
//   <|end|>\n                                    (one line with the one above)
//   <|tool|>\n{"weekday": "Monday"}<|end|>\n
//   <|assistant|>\nIt is a Monday.<|end|>\n
// Loss on the assistant content and its <|end|>; "\n" after <|end|> and the next marker are
// prompt. The generation prompt is "<|assistant|>\n"; generation stops at <|end|>.
// Why this shape: each marker is meant to be one token (train the tokenizer with
// user_defined_symbols=<|system|>,<|user|>,<|assistant|>,<|tool|>,<|end|>,<tool_call>,
// </tool_call>; sentencepiece matches user-defined symbols inside text, so plain encode() finds
// them); one end marker for every role, so the model learns a single stop; tools as one short
// signature line each (required arguments first, optional ones marked "?") rather than full JSON
// schemas, because a small model's context is short. A system turn is written only when there
// is a system message or a tool list.
#include <algorithm>

#include "agent/chat_template.h"
#include "agent/chat_template_writer.h"

namespace tunedeck {

std::vector<std::string> TunedeckTemplate::stop_strings() const { return {"<|end|>"}; }

std::vector<std::string> TunedeckTemplate::special_texts() const {
  const ToolCallSyntax calls = tool_call_syntax();
  return {"<|system|>", "<|user|>", "<|assistant|>", "<|tool|>",
          "<|end|>",    calls.open, calls.close};
}

namespace {

std::string argument_type(const nlohmann::json& schema) {
  if (schema.is_object() && schema.contains("type") && schema["type"].is_string()) {
    return schema["type"].get<std::string>();
  }
  return "any";
}

// "name(a: string, b?: integer)": required arguments in their listed order, then the others.
std::string tool_signature(const nlohmann::json& function) {
  const nlohmann::json parameters = function.value("parameters", nlohmann::json::object());
  const nlohmann::json properties = parameters.value("properties", nlohmann::json::object());
  const nlohmann::json required = parameters.value("required", nlohmann::json::array());
  std::vector<std::string> arguments;
  for (const auto& name : required) {
    if (!name.is_string() || !properties.contains(name.get<std::string>())) continue;
    arguments.push_back(name.get<std::string>() + ": " +
                        argument_type(properties[name.get<std::string>()]));
  }
  for (auto it = properties.begin(); it != properties.end(); ++it) {
    const bool is_required =
        std::find(required.begin(), required.end(), it.key()) != required.end();
    if (!is_required) arguments.push_back(it.key() + "?: " + argument_type(it.value()));
  }
  std::string signature = function["name"].get<std::string>() + "(";
  for (size_t i = 0; i < arguments.size(); i++) signature += (i ? ", " : "") + arguments[i];
  return signature + ")";
}

std::string tools_block(const nlohmann::json& tools) {
  std::string text = "Tools:\n";
  for (const auto& tool : tools) {
    const nlohmann::json& function = tool["function"];
    const std::string description = function.value("description", "");
    text +=
        "- " + tool_signature(function) + (description.empty() ? "" : ": " + description) + "\n";
  }
  return text + "Call a tool with <tool_call>{\"name\": TOOL, \"arguments\": {ARGS}}</tool_call>";
}

// Mirrors write() below line by line; tests render both and compare (Python's jinja2).
const char kJinja[] =
    R"JINJA({#- tunedeck chat template: the text of tunedeck's built-in "tunedeck" format -#}
{%- set ns = namespace(system='', first=0) -%}
{%- if messages and messages[0]['role'] == 'system' -%}
  {%- set ns.system = messages[0]['content'] -%}
  {%- set ns.first = 1 -%}
{%- endif -%}
{%- if tools -%}
  {%- set block = namespace(text='Tools:\n') -%}
  {%- for tool in tools -%}
    {%- set f = tool['function'] if 'function' in tool else tool -%}
    {%- set params = f['parameters'] if 'parameters' in f else {} -%}
    {%- set props = params['properties'] if 'properties' in params else {} -%}
    {%- set req = params['required'] if 'required' in params else [] -%}
    {%- set sig = namespace(args=[]) -%}
    {%- for name in req -%}
      {%- if name in props -%}
        {%- set sig.args = sig.args + [name ~ ': ' ~ (props[name]['type'] if props[name]['type'] is string else 'any')] -%}
      {%- endif -%}
    {%- endfor -%}
    {%- for name, schema in props|dictsort -%}
      {%- if name not in req -%}
        {%- set sig.args = sig.args + [name ~ '?: ' ~ (schema['type'] if schema['type'] is string else 'any')] -%}
      {%- endif -%}
    {%- endfor -%}
    {%- set description = f['description'] if 'description' in f else '' -%}
    {%- set block.text = block.text ~ '- ' ~ f['name'] ~ '(' ~ sig.args|join(', ') ~ ')' ~ (': ' ~ description if description else '') ~ '\n' -%}
  {%- endfor -%}
  {%- set ns.system = ns.system ~ ('\n\n' if ns.system else '') ~ block.text ~ 'Call a tool with <tool_call>{"name": TOOL, "arguments": {ARGS}}</tool_call>' -%}
{%- endif -%}
{%- if ns.first == 1 or tools -%}{{ '<|system|>\n' ~ ns.system ~ '<|end|>\n' }}{%- endif -%}
{%- for message in messages[ns.first:] -%}{{ '<|' ~ message['role'] ~ '|>\n' ~ message['content'] ~ '<|end|>\n' }}{%- endfor -%}
{%- if add_generation_prompt -%}{{ '<|assistant|>\n' }}{%- endif -%})JINJA";

}  // namespace

std::string TunedeckTemplate::jinja() { return kJinja; }

namespace {

std::string tunedeck_open(const std::string& role) { return "<|" + role + "|>\n"; }

std::string tunedeck_tool_turn(const ChatMessages& messages, size_t& i) {
  return tunedeck_open("tool") + messages[i].content + "<|end|>\n";
}

}  // namespace

void TunedeckTemplate::write(const ChatMessages& messages, const nlohmann::json& tools,
                             bool add_generation_prompt, SegmentWriter& out) const {
  std::string system;
  const size_t first = take_leading_system(messages, system);
  if (!tools.empty()) system += (system.empty() ? "" : "\n\n") + tools_block(tools);
  write_marked_turns(messages, first, system, first == 1 || !tools.empty(),
                     {tunedeck_open, "<|end|>", tunedeck_tool_turn}, add_generation_prompt, out);
}

}  // namespace tunedeck
