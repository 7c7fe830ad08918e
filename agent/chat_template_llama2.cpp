// Llama-2-chat as its published chat template writes it (tokenizer_config.json of
// meta-llama/Llama-2-7b-chat-hf), less the leading "<s>" (see the BOS policy in chat_template.h):
//   [INST] <<SYS>>\nSYSTEM\n<</SYS>>\n\nUSER [/INST] ANSWER </s><s>[INST] USER [/INST]
// Loss on " ANSWER </s>" (the space after [/INST] is the answer's first token). There is no
// generation marker: the model answers right after " [/INST]".
// Llama-2 publishes no tool format; ours puts the Qwen-style tool list into the <<SYS>> block
// and returns results as a user turn of <tool_response> blocks, so turns still alternate.
#include "agent/chat_template.h"
#include "agent/chat_template_writer.h"

namespace tunedeck {

std::vector<std::string> Llama2Template::stop_strings() const { return {"</s>"}; }

std::vector<std::string> Llama2Template::special_texts() const { return {"<s>", "</s>"}; }

void Llama2Template::write(const ChatMessages& messages, const nlohmann::json& tools,
                           bool add_generation_prompt, SegmentWriter& out) const {
  require_system_first(name(), messages);
  std::string system;
  const size_t first = take_leading_system(messages, system);
  if (!tools.empty()) system += (system.empty() ? "" : "\n\n") + hermes_tools_block(tools);

  bool system_placed = system.empty();
  bool wrote_a_turn = false;
  for (size_t i = first; i < messages.size(); i++) {
    const ChatMessage& message = messages[i];
    if (message.role == "assistant") {
      out.output(" " + trim_whitespace(message.content) + " </s>");
      wrote_a_turn = true;
      continue;
    }
    std::string content = message.role == "tool"
                              ? hermes_tool_responses(take_tool_results(messages, i))
                              : message.content;
    if (!system_placed) {
      content = "<<SYS>>\n" + system + "\n<</SYS>>\n\n" + content;
      system_placed = true;
    }
    out.prompt(std::string(wrote_a_turn ? "<s>" : "") + "[INST] " + trim_whitespace(content) +
               " [/INST]");
    wrote_a_turn = true;
  }
  (void)add_generation_prompt;  // the published template has no generation marker
}

}  // namespace tunedeck
