#include "agent/chat_message.h"

namespace tunedeck {

bool chat_role_is_valid(const std::string& role) {
  return role == "system" || role == "user" || role == "assistant" || role == "tool";
}

}  // namespace tunedeck
