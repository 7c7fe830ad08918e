#include "agent/chat_template.h"

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <stdexcept>

#include "agent/chat_template_writer.h"

namespace tunedeck {

namespace {

void check_roles(const std::string& template_name, const ChatMessages& messages) {
  for (size_t i = 0; i < messages.size(); i++) {
    if (chat_role_is_valid(messages[i].role)) continue;
    throw std::invalid_argument("chat template '" + template_name + "': message " +
                                std::to_string(i) + " has unknown role '" + messages[i].role +
                                "' (expected system, user, assistant or tool)");
  }
}

// Returns the tool list as an array (empty for null), or throws naming the bad entry.
nlohmann::json checked_tools(const std::string& template_name, const nlohmann::json& tools) {
  if (tools.is_null()) return nlohmann::json::array();
  const std::string where = "chat template '" + template_name + "': tools";
  if (!tools.is_array()) throw std::invalid_argument(where + " must be a JSON array");
  for (size_t i = 0; i < tools.size(); i++) {
    const nlohmann::json& tool = tools[i];
    const std::string entry = where + "[" + std::to_string(i) + "]";
    if (!tool.is_object() || !tool.contains("function") || !tool["function"].is_object()) {
      throw std::invalid_argument(entry + " must be {\"type\": \"function\", \"function\": {...}}");
    }
    if (tool.contains("type") && tool["type"] != "function") {
      throw std::invalid_argument(entry + ".type must be \"function\"");
    }
    const nlohmann::json& function = tool["function"];
    if (!function.contains("name") || !function["name"].is_string()) {
      throw std::invalid_argument(entry + ".function.name must be a string");
    }
  }
  return tools;
}

}  // namespace

ChatMessages chat_template_canonical_conversation() {
  return {
      {"system", "You are a date assistant.", ""},
      {"user", "What day of the week is 2027-01-04?", ""},
      {"assistant",
       "<tool_call>\n{\"name\": \"weekday\", \"arguments\": {\"date\": \"2027-01-04\"}}\n"
       "</tool_call>",
       ""},
      {"tool", "{\"date\": \"2027-01-04\", \"weekday\": \"Monday\"}", "weekday"},
      {"assistant", "2027-01-04 is a Monday.", ""},
      {"user", "Thanks!", ""},
  };
}

nlohmann::json chat_template_canonical_tools() {
  return nlohmann::json::parse(R"([{"type": "function", "function": {
      "name": "weekday", "description": "The weekday of a date.",
      "parameters": {"type": "object", "properties": {"date": {"type": "string"}},
                     "required": ["date"]}}}])");
}

namespace {

std::string fnv1a64_hex(const std::string& text) {
  uint64_t hash = 0xcbf29ce484222325ull;  // FNV-1a 64 offset basis
  for (unsigned char byte : text) {
    hash ^= byte;
    hash *= 0x100000001b3ull;  // FNV-1a 64 prime
  }
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

// The template text of a tokenizer_config.json "chat_template" (string or [{name, template}]).
std::string chat_template_text(const nlohmann::json& config) {
  if (!config.is_object() || !config.contains("chat_template")) return "";
  const nlohmann::json& entry = config["chat_template"];
  if (entry.is_string()) return entry.get<std::string>();
  if (!entry.is_array()) return "";
  std::string first;
  for (const auto& named : entry) {
    if (!named.is_object() || !named.contains("template") || !named["template"].is_string()) {
      continue;
    }
    if (named.value("name", "") == "default") return named["template"].get<std::string>();
    if (first.empty()) first = named["template"].get<std::string>();
  }
  return first;
}

bool contains(const std::string& text, const char* marker) {
  return text.find(marker) != std::string::npos;
}

}  // namespace

std::vector<TemplateSegment> ChatTemplate::render_segments(const ChatMessages& messages,
                                                           const nlohmann::json& tools,
                                                           bool add_generation_prompt) const {
  check_roles(name(), messages);
  SegmentWriter out;
  write(messages, checked_tools(name(), tools), add_generation_prompt, out);
  return out.take();
}

std::string ChatTemplate::render(const ChatMessages& messages, const nlohmann::json& tools,
                                 bool add_generation_prompt) const {
  std::string text;
  for (const TemplateSegment& segment : render_segments(messages, tools, add_generation_prompt)) {
    text += segment.text;
  }
  return text;
}

std::string ChatTemplate::template_hash() const { return fnv1a64_hex(fingerprint_text()); }

std::string ChatTemplate::fingerprint_text() const {
  return render(chat_template_canonical_conversation(), chat_template_canonical_tools(), true);
}

std::vector<std::string> chat_template_names() {
  return {"chatml", "llama2", "llama3", "mistral", "gemma", "tunedeck"};
}

// The one list of families. Add a family here and in chat_template_names().
std::unique_ptr<ChatTemplate> chat_template_by_name(const std::string& name) {
  if (name == "chatml") return std::make_unique<ChatmlTemplate>();
  if (name == "llama2") return std::make_unique<Llama2Template>();
  if (name == "llama3") return std::make_unique<Llama3Template>();
  if (name == "mistral") return std::make_unique<MistralTemplate>();
  if (name == "gemma") return std::make_unique<GemmaTemplate>();
  if (name == "tunedeck") return std::make_unique<TunedeckTemplate>();
  std::string known;
  for (const std::string& each : chat_template_names()) known += (known.empty() ? "" : ", ") + each;
  throw std::invalid_argument("unknown chat template '" + name + "' (known: " + known + ")");
}

namespace {

nlohmann::json parse_tokenizer_config(const std::string& tokenizer_config_json_text) {
  try {
    return nlohmann::json::parse(tokenizer_config_json_text);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::invalid_argument(std::string("tokenizer_config.json is not valid JSON: ") +
                                e.what());
  }
}

// The family a template tunedeck wrote names, or "".
std::string builtin_family_of(const std::string& text) {
  // "tunedeck built-in template: chatml" (tunedeck tokenizer train --template chatml) names one.
  const std::string marker = chat_template_builtin_marker("");
  const size_t at = text.find(marker);
  if (at != std::string::npos) {
    size_t end = at + marker.size();
    while (end < text.size() &&
           (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_'))
      end++;
    const std::string name = text.substr(at + marker.size(), end - at - marker.size());
    for (const auto& known : chat_template_names())
      if (known == name) return name;
  }
  return contains(text, "tunedeck chat template") ? "tunedeck" : "";
}

}  // namespace

std::string chat_template_builtin_family(const std::string& tokenizer_config_json_text) {
  return builtin_family_of(chat_template_text(parse_tokenizer_config(tokenizer_config_json_text)));
}

std::string chat_template_detect(const std::string& tokenizer_config_json_text) {
  const std::string text = chat_template_text(parse_tokenizer_config(tokenizer_config_json_text));
  if (text.empty()) return "";
  const std::string builtin = builtin_family_of(text);
  if (!builtin.empty()) return builtin;
  if (contains(text, "<|im_start|>")) return "chatml";
  if (contains(text, "<|start_header_id|>")) return "llama3";
  if (contains(text, "<start_of_turn>")) return "gemma";
  if (contains(text, "[INST]")) return contains(text, "<<SYS>>") ? "llama2" : "mistral";
  if (contains(text, "tunedeck")) return "tunedeck";
  return "";
}

std::string chat_template_builtin_marker(const std::string& name) {
  return "tunedeck built-in template: " + name;
}

std::string chat_template_for_tokenizer_config(const std::string& name) {
  chat_template_by_name(name);  // throws for an unknown name
  if (name == "tunedeck") return TunedeckTemplate::jinja();
  return "{#- " + chat_template_builtin_marker(name) + " (rendered by tunedeck) -#}";
}

}  // namespace tunedeck
