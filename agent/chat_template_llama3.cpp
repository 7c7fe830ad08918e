// Llama-3.1-Instruct as its published chat template writes it (tokenizer_config.json of
// meta-llama/Llama-3.1-8B-Instruct, custom tools in the first user message, the default), less
// the leading "<|begin_of_text|>" (see the BOS policy in chat_template.h):
//   <|start_header_id|>system<|end_header_id|>\n\nEnvironment: ipython\n
//   Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\nSYSTEM<|eot_id|>
//   <|start_header_id|>user<|end_header_id|>\n\nGiven the following functions, ... TOOLS
//   USER<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nANSWER<|eot_id|>
//   <|start_header_id|>ipython<|end_header_id|>\n\nRESULT<|eot_id|>
// Loss on "ANSWER<|eot_id|>". The model's native call is {"name": ..., "parameters": {...}}
// (the instruction says so); assistant turns are written back as the raw text they hold.
// Deviation: the published template prints a string tool result through `tojson` (Jinja finds
// strings "iterable"), quoting it; we write the result text as is, as Meta's own format does.
#include <stdexcept>

#include "agent/chat_template.h"
#include "agent/chat_template_writer.h"

namespace tunedeck {

Llama3Template::Llama3Template(std::string date_string) : date_string_(std::move(date_string)) {}

std::vector<std::string> Llama3Template::stop_strings() const {
  return {"<|eot_id|>", "<|eom_id|>", "<|end_of_text|>"};
}

std::vector<std::string> Llama3Template::special_texts() const {
  return {"<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>",
          "<|eom_id|>",        "<|end_of_text|>",     "<|python_tag|>"};
}

namespace {

std::string header(const std::string& role) {
  return "<|start_header_id|>" + role + "<|end_header_id|>\n\n";
}

std::string tools_instruction(const nlohmann::json& tools) {
  std::string text =
      "Given the following functions, please respond with a JSON for a function call "
      "with its proper arguments that best answers the given prompt.\n\n"
      "Respond in the format {\"name\": function name, \"parameters\": dictionary of argument "
      "name and its value}.Do not use variables.\n\n";
  for (const auto& tool : tools) text += json_dumps_python(tool, 4) + "\n\n";
  return text;
}

}  // namespace

void Llama3Template::write(const ChatMessages& messages, const nlohmann::json& tools,
                           bool add_generation_prompt, SegmentWriter& out) const {
  std::string system;
  size_t next = take_leading_system(messages, system);
  system = trim_whitespace(system);
  out.prompt(header("system") + (tools.empty() ? "" : "Environment: ipython\n") +
             "Cutting Knowledge Date: December 2023\nToday Date: " + date_string_ + "\n\n" +
             system + "<|eot_id|>");

  if (!tools.empty()) {  // the tools ride in the first message after the system turn
    if (next >= messages.size()) {
      throw std::invalid_argument(
          "chat template 'llama3': the tool list goes in the first user "
          "message, but the conversation has none");
    }
    out.prompt(header("user") + tools_instruction(tools) + trim_whitespace(messages[next].content) +
               "<|eot_id|>");
    next++;
  }

  for (size_t i = next; i < messages.size(); i++) {
    const ChatMessage& message = messages[i];
    if (message.role == "assistant") {
      out.prompt(header("assistant"));
      out.output(trim_whitespace(message.content) + "<|eot_id|>");
    } else if (message.role == "tool") {
      out.prompt(header("ipython") + message.content + "<|eot_id|>");
    } else {
      out.prompt(header(message.role) + trim_whitespace(message.content) + "<|eot_id|>");
    }
  }
  if (add_generation_prompt) out.prompt(header("assistant"));
}

}  // namespace tunedeck
