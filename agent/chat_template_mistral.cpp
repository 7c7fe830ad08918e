// Mistral-7B-Instruct-v0.3 as its published chat template writes it (tokenizer_config.json of
// mistralai/Mistral-7B-Instruct-v0.3), less the leading "<s>" (see the BOS policy in
// chat_template.h):
//   [INST] USER[/INST] ANSWER</s>
//   [AVAILABLE_TOOLS] [TOOLS][/AVAILABLE_TOOLS][INST] SYSTEM\n\nUSER[/INST] CALL</s>
//   [TOOL_RESULTS] {"content": RESULT}[/TOOL_RESULTS] ANSWER</s>      (no newlines in between)
// Loss on " ANSWER</s>". No generation marker: the model answers right after "[/INST]" or
// "[/TOOL_RESULTS]". Deviations, each where the published template cannot serve us:
// - the system message goes into the last *user* message (mistral-common's rule); the Jinja
//   only adds it when that user message is the conversation's last message and drops it
//   otherwise (e.g. after a tool result);
// - results carry no "call_id": our messages have no call ids;
// - string values in the tool list are JSON-escaped (the Jinja pastes them raw).
// A native Mistral call is "[TOOL_CALLS] [...]"; assistant turns are written back as their raw
// text, trimmed, like any answer.
#include "agent/chat_template.h"
#include "agent/chat_template_writer.h"

namespace tunedeck {

std::vector<std::string> MistralTemplate::stop_strings() const { return {"</s>"}; }

std::vector<std::string> MistralTemplate::special_texts() const {
  return {"<s>",
          "</s>",
          "[INST]",
          "[/INST]",
          "[AVAILABLE_TOOLS]",
          "[/AVAILABLE_TOOLS]",
          "[TOOL_RESULTS]",
          "[/TOOL_RESULTS]",
          "[TOOL_CALLS]"};
}

namespace {

// [AVAILABLE_TOOLS] [{"type": "function", "function": {"name": ..., ...}}, ...][/AVAILABLE_TOOLS]
std::string available_tools(const nlohmann::json& tools) {
  std::string text = "[AVAILABLE_TOOLS] [";
  for (size_t t = 0; t < tools.size(); t++) {
    nlohmann::json function = tools[t]["function"];
    function.erase("return");                        // the published template skips it
    std::string body = json_dumps_python(function);  // {"name": ..., "description": ...}
    text +=
        (t == 0 ? "" : ", ") + std::string("{\"type\": \"function\", \"function\": ") + body + "}";
  }
  return text + "][/AVAILABLE_TOOLS]";
}

size_t last_user_index(const ChatMessages& messages) {
  size_t last = messages.size();
  for (size_t i = 0; i < messages.size(); i++) {
    if (messages[i].role == "user") last = i;
  }
  return last;
}

}  // namespace

void MistralTemplate::write(const ChatMessages& messages, const nlohmann::json& tools,
                            bool add_generation_prompt, SegmentWriter& out) const {
  require_system_first(name(), messages);
  std::string system;
  const size_t first = take_leading_system(messages, system);
  const size_t last_user = last_user_index(messages);

  for (size_t i = first; i < messages.size(); i++) {
    const ChatMessage& message = messages[i];
    if (message.role == "user") {
      if (i == last_user && !tools.empty()) out.prompt(available_tools(tools));
      const bool with_system = i == last_user && first == 1;
      out.prompt("[INST] " + (with_system ? system + "\n\n" : std::string()) + message.content +
                 "[/INST]");
    } else if (message.role == "assistant") {
      out.output(" " + trim_whitespace(message.content) + "</s>");
    } else {  // tool
      out.prompt("[TOOL_RESULTS] {\"content\": " + message.content + "}[/TOOL_RESULTS]");
    }
  }
  (void)add_generation_prompt;  // the published template has no generation marker
}

}  // namespace tunedeck
