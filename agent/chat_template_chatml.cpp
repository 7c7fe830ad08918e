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

void ChatmlTemplate::write(const ChatMessages& messages, const nlohmann::json& tools,
                           bool add_generation_prompt, SegmentWriter& out) const {
  size_t first = 0;
  std::string system;
  if (!messages.empty() && messages[0].role == "system") {
    system = messages[0].content;
    first = 1;
  }
  if (!tools.empty()) system += (system.empty() ? "" : "\n\n") + hermes_tools_block(tools);
  if (first == 1 || !tools.empty()) out.prompt("<|im_start|>system\n" + system + "<|im_end|>\n");

  for (size_t i = first; i < messages.size(); i++) {
    const ChatMessage& message = messages[i];
    if (message.role == "assistant") {
      out.prompt("<|im_start|>assistant\n");
      out.output(message.content + "<|im_end|>");
      out.prompt("\n");
    } else if (message.role == "tool") {
      const std::vector<std::string> results = take_tool_results(messages, i);  // one user turn
      out.prompt("<|im_start|>user\n" + hermes_tool_responses(results) + "<|im_end|>\n");
    } else {  // user, or a later system message
      out.prompt("<|im_start|>" + message.role + "\n" + message.content + "<|im_end|>\n");
    }
  }
  if (add_generation_prompt) out.prompt("<|im_start|>assistant\n");
}

}  // namespace tunedeck
