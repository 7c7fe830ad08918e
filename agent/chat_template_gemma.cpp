// Gemma-2-it as its published chat template writes it (tokenizer_config.json of
// google/gemma-2-9b-it), less the leading "<bos>" (see the BOS policy in chat_template.h):
//   <start_of_turn>user\nSYSTEM\n\nTOOLS\n\nUSER<end_of_turn>\n
//   <start_of_turn>model\nANSWER<end_of_turn>\n
//   <start_of_turn>user\n<tool_response>\nRESULT\n</tool_response><end_of_turn>\n
// Loss on "ANSWER<end_of_turn>". Gemma-2 refuses a system message; like Gemma-3's template we
// put its text, then "\n\n", in front of the first user turn. Gemma publishes no tool format;
// ours adds the Qwen-style tool list to that prefix and returns results as a user turn.
#include "agent/chat_template.h"
#include "agent/chat_template_writer.h"

namespace tunedeck {

std::vector<std::string> GemmaTemplate::stop_strings() const { return {"<end_of_turn>", "<eos>"}; }

std::vector<std::string> GemmaTemplate::special_texts() const {
  return {"<bos>", "<eos>", "<start_of_turn>", "<end_of_turn>"};
}

void GemmaTemplate::write(const ChatMessages& messages, const nlohmann::json& tools,
                          bool add_generation_prompt, SegmentWriter& out) const {
  require_system_first(name(), messages);
  std::string prefix;  // goes in front of the first user turn
  const size_t first = take_leading_system(messages, prefix);
  if (first == 1) prefix += "\n\n";
  if (!tools.empty()) prefix += hermes_tools_block(tools) + "\n\n";

  for (size_t i = first; i < messages.size(); i++) {
    const ChatMessage& message = messages[i];
    if (message.role == "assistant") {
      out.prompt("<start_of_turn>model\n");
      out.output(trim_whitespace(message.content) + "<end_of_turn>");
      out.prompt("\n");
      continue;
    }
    const std::string content = message.role == "tool"
                                    ? hermes_tool_responses(take_tool_results(messages, i))
                                    : trim_whitespace(message.content);
    out.prompt("<start_of_turn>user\n" + prefix + content + "<end_of_turn>\n");
    prefix.clear();
  }
  if (add_generation_prompt) out.prompt("<start_of_turn>model\n");
}

}  // namespace tunedeck
