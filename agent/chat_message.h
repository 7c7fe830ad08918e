// One message of a conversation, as chat templates, the agent loop, memory and datasets share it.
// Plain value type plus the list of valid roles.
#pragma once
#include <string>
#include <vector>

namespace tunedeck {

struct ChatMessage {
  std::string role;  // "system", "user", "assistant" or "tool"
  std::string
      content;  // for an assistant turn that called tools: the raw text, <tool_call> tags included
  std::string name;  // for "tool": the tool's name; empty otherwise
};

using ChatMessages = std::vector<ChatMessage>;

// True for the four roles above; datasets and memory reject anything else by name.
bool chat_role_is_valid(const std::string& role);

}  // namespace tunedeck
