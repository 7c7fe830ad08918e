// chatml as Qwen2.5-Instruct's published chat template writes it (tokenizer_config.json of
// Qwen/Qwen2.5-7B-Instruct), for conversations whose assistant turns hold raw text:
//   <|im_start|>system\nSYSTEM\n\n# Tools ... </tool_call><|im_end|>\n
//   <|im_start|>user\nUSER<|im_end|>\n
//   <|im_start|>assistant\nANSWER<|im_end|>\n          (loss on "ANSWER<|im_end|>")
//   <|im_start|>user\n<tool_response>\nRESULT\n</tool_response><|im_end|>\n
// Deviation: Qwen invents "You are Qwen, created by Alibaba Cloud..." when there is no system
// message; generic chatml does not (with tools the system turn starts at "# Tools").
#include "agent/chat_template.h"
#include "agent/chat_template_writer.h"

namespace tunedeck {

std::vector<std::string> ChatmlTemplate::stop_strings() const {
  return {"<|im_end|>", "<|endoftext|>"};
}

std::vector<std::string> ChatmlTemplate::special_texts() const {
  return {"<|im_start|>", "<|im_end|>", "<|endoftext|>"};
}

namespace {

std::string chatml_open(const std::string& role) { return "<|im_start|>" + role + "\n"; }

// A run of results, as one user turn.
std::string chatml_tool_turn(const ChatMessages& messages, size_t& i) {
  return chatml_open("user") + hermes_tool_responses(take_tool_results(messages, i)) +
         "<|im_end|>\n";
}

}  // namespace

void ChatmlTemplate::write(const ChatMessages& messages, const nlohmann::json& tools,
                           bool add_generation_prompt, SegmentWriter& out) const {
  std::string system;
  const size_t first = take_leading_system(messages, system);
  if (!tools.empty()) system += (system.empty() ? "" : "\n\n") + hermes_tools_block(tools);
  write_marked_turns(messages, first, system, first == 1 || !tools.empty(),
                     {chatml_open, "<|im_end|>", chatml_tool_turn}, add_generation_prompt, out);
}

}  // namespace tunedeck
