#include "session/chat_commands.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <functional>
#include <map>
#include <sstream>
#include <stdexcept>

#include "core/atomic_file.h"

namespace tunedeck {
namespace {

using nlohmann::json;

const char kHelp[] =
    "Type a question to ask the agent, or a command:\n"
    "  /help                 this list\n"
    "  /tools                the tools the model may call\n"
    "  /tool NAME [JSON]     call a tool by hand: /tool add_days {\"date\": \"2026-02-20\", "
    "\"days\": 100}\n"
    "  /raw                  the last answer's raw model text, step by step\n"
    "  /session              the current session\n"
    "  /session list         all sessions\n"
    "  /session new NAME     start a new session\n"
    "  /session open NAME    switch to a session (created when missing)\n"
    "  /sessions             all sessions (as /session list)\n"
    "  /system [TEXT]        show the system prompt, or replace it for this chat\n"
    "  /save FILE            write this session to FILE: .json (messages) or Markdown\n"
    "  /memory search TEXT   past messages of every session containing TEXT\n"
    "  /set                  the sampling settings\n"
    "  /set KEY VALUE        change one: temperature, top_k, top_p, min_p, repeat_penalty,\n"
    "                        max_new_tokens, seed, max_steps\n"
    "  /quit                 leave (Ctrl-D too); Ctrl-C stops an answer being written\n";

ChatCommandOutput shown(std::string text) {
  return ChatCommandOutput{std::move(text), true, false};
}
ChatCommandOutput failed(std::string text) {
  return ChatCommandOutput{std::move(text) + "\n", false, false};
}

std::string trimmed(const std::string& text) {
  const size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

// "word rest of line" -> {"word", "rest of line"}
std::pair<std::string, std::string> split_first_word(const std::string& text) {
  const std::string line = trimmed(text);
  const size_t space = line.find_first_of(" \t");
  if (space == std::string::npos) return {line, ""};
  return {line.substr(0, space), trimmed(line.substr(space))};
}

double parse_number(const std::string& key, const std::string& text) {
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno != 0)
    throw std::invalid_argument(key + " expects a number, got '" + text + "'");
  return value;
}

int parse_whole(const std::string& key, const std::string& text) {
  const double value = parse_number(key, text);
  if (value != static_cast<double>(static_cast<long long>(value)) || value < 0 || value > 1e9)
    throw std::invalid_argument(key + " expects a whole number >= 0, got '" + text + "'");
  return static_cast<int>(value);
}

// 0.5 -> "0.5", 40 -> "40" (std::to_string would write "0.500000").
std::string shown_number(double value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

// "add_days(date, days)": the argument names, optional ones with "?".
std::string tool_signature(const json& function) {
  const json parameters = function.value("parameters", json::object());
  const json properties = parameters.value("properties", json::object());
  const json required = parameters.value("required", json::array());
  std::string signature = function["name"].get<std::string>() + "(";
  bool first = true;
  for (const auto& [name, schema] : properties.items()) {
    const bool is_required = std::find(required.begin(), required.end(), name) != required.end();
    signature += (first ? "" : ", ") + name + (is_required ? "" : "?");
    first = false;
  }
  return signature + ")";
}

}  // namespace

ChatCommands::ChatCommands(AgentLoop& loop, Memory& memory, const ToolRegistry& tools,
                           std::string session_name)
    : loop_(loop), memory_(memory), tools_(tools), session_name_(std::move(session_name)) {}

bool ChatCommands::is_command(const std::string& line) {
  const std::string text = trimmed(line);
  return !text.empty() && text[0] == '/';
}

ChatCommandOutput ChatCommands::run(const std::string& line) {
  const auto [command, arguments] = split_first_word(line);
  // The edge of the command layer: the database and bad values throw; show the message.
  try {
    const bool takes_none = command == "/help" || command == "/?" || command == "/tools" ||
                            command == "/raw" || command == "/quit" || command == "/exit" ||
                            command == "/sessions";
    if (takes_none && !trimmed(arguments).empty())
      return failed(command + " takes no arguments (got '" + trimmed(arguments) + "')");
    if (command == "/help" || command == "/?") return help();
    if (command == "/tools") return tools();
    if (command == "/tool") return tool(arguments);
    if (command == "/raw") return raw();
    if (command == "/session") return session(arguments);
    if (command == "/sessions") return session("list");
    if (command == "/system") return system(arguments);
    if (command == "/save") return save(arguments);
    if (command == "/memory") return memory_search(arguments);
    if (command == "/set") return set(arguments);
    if (command == "/quit" || command == "/exit") return ChatCommandOutput{"", true, true};
  } catch (const std::exception& e) {
    return failed("error: " + std::string(e.what()));
  }
  return failed("unknown command '" + command + "' (try /help)");
}

ChatCommandOutput ChatCommands::help() const { return shown(kHelp); }

ChatCommandOutput ChatCommands::tools() const {
  std::string text;
  for (const json& entry : tools_.list_json()) {
    const json& function = entry["function"];
    text += tool_signature(function) + "  " + function.value("description", "") + "\n";
  }
  return shown(text);
}

ChatCommandOutput ChatCommands::tool(const std::string& arguments) const {
  const auto [name, json_text] = split_first_word(arguments);
  if (name.empty()) return failed("usage: /tool NAME [JSON]   (see /tools)");
  ToolCall call;
  call.name = name;
  if (!json_text.empty()) {
    try {
      call.arguments = json::parse(json_text);
    } catch (const json::parse_error& e) {
      const std::string message = e.what();  // "[json.exception.parse_error.101] parse error..."
      return failed("error: the arguments are not valid JSON: " +
                    message.substr(message.find(']') + 2));
    }
  }
  const ToolResult result = tools_.run(call);
  if (!result.ok()) return failed("error: " + result.error);
  return shown(result.result.dump(2) + "\n");
}

ChatCommandOutput ChatCommands::raw() const {
  if (last_turn_.steps.empty()) return shown("(no model output yet)\n");
  std::string text;
  for (size_t i = 0; i < last_turn_.steps.size(); i++) {
    const AgentStep& step = last_turn_.steps[i];
    text += "--- step " + std::to_string(i + 1) + " (" +
            stop_reason_name(step.generation.stop_reason) + ", " +
            std::to_string(step.generation.completion_tokens) + " tokens) ---\n" + step.raw + "\n";
  }
  return shown(text);
}

ChatCommandOutput ChatCommands::session(const std::string& arguments) {
  const auto [action, name] = split_first_word(arguments);
  if (action.empty()) return shown("session: " + session_name_ + "\n");
  if (action == "list") {
    std::string text;
    for (const SessionInfo& info : memory_.list_sessions()) {
      text += (info.name == session_name_ ? "* " : "  ") + info.name + "  " +
              std::to_string(info.message_count) + " messages, last " + info.last_activity + "\n";
    }
    return shown(text);
  }
  if ((action == "new" || action == "open") && !name.empty()) {
    const int64_t id = action == "new" ? memory_.create_session(name) : memory_.open_session(name);
    loop_.set_session(id);
    session_name_ = name;
    return shown("session: " + name + "\n");
  }
  return failed("usage: /session [list | new NAME | open NAME]");
}

ChatCommandOutput ChatCommands::system(const std::string& arguments) {
  AgentLoopOptions options = loop_.options();
  if (trimmed(arguments).empty())
    return shown(options.system_prompt.empty() ? "no system prompt (/system TEXT sets one)\n"
                                               : "system: " + options.system_prompt + "\n");
  options.system_prompt = trimmed(arguments);
  loop_.set_options(options);
  return shown(
      "system prompt set for this chat (the config's [agent] system_prompt is unchanged)\n");
}

ChatCommandOutput ChatCommands::save(const std::string& arguments) {
  const std::string path = trimmed(arguments);
  if (path.empty())
    return failed("usage: /save FILE  (FILE.json: the messages as JSON; else Markdown)");
  const std::vector<StoredMessage> stored = memory_.load_messages(loop_.session_id());
  const bool as_json = path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0;
  std::string text;
  if (as_json) {
    json messages = json::array();
    for (const StoredMessage& m : stored) {
      json message = {{"role", m.message.role}, {"content", m.message.content}};
      if (!m.message.name.empty()) message["name"] = m.message.name;
      message["created_at"] = m.created_at;
      messages.push_back(std::move(message));
    }
    text = json{{"session", session_name_},
                {"system_prompt", loop_.options().system_prompt},
                {"messages", messages}}
               .dump(2, ' ', false, json::error_handler_t::replace) +
           "\n";
  } else {
    text = "# " + session_name_ + "\n";
    for (const StoredMessage& m : stored)
      text += "\n**" + m.message.role +
              (m.message.name.empty() ? "" : " (" + m.message.name + ")") + "** · " + m.created_at +
              "\n\n" + m.message.content + "\n";
  }
  atomic_file_write_string(path, text);
  return shown("saved " + std::to_string(stored.size()) + " messages of session " + session_name_ +
               " to " + path + "\n");
}

ChatCommandOutput ChatCommands::memory_search(const std::string& arguments) {
  const auto [action, text] = split_first_word(arguments);
  if (action != "search" || text.empty()) return failed("usage: /memory search TEXT");
  const std::vector<MemorySearchHit> hits = memory_.search(text);
  if (hits.empty()) return shown("no messages contain '" + text + "'\n");
  std::string shown_hits;
  for (const MemorySearchHit& hit : hits) {
    shown_hits += "[" + hit.session_name + "] " + hit.role + ": " + hit.snippet + "\n";
  }
  return shown(shown_hits);
}

ChatCommandOutput ChatCommands::set(const std::string& arguments) {
  const auto [key, value] = split_first_word(arguments);
  AgentLoopOptions options = loop_.options();
  SamplingParams& s = options.sampling;
  const std::map<std::string, std::function<std::string()>> show = {
      {"temperature", [&] { return shown_number(s.temperature); }},
      {"top_k", [&] { return std::to_string(s.top_k); }},
      {"top_p", [&] { return shown_number(s.top_p); }},
      {"min_p", [&] { return shown_number(s.min_p); }},
      {"repeat_penalty", [&] { return shown_number(s.repeat_penalty); }},
      {"max_new_tokens", [&] { return std::to_string(options.max_new_tokens); }},
      {"seed", [&] { return std::to_string(s.seed); }},
      {"max_steps", [&] { return std::to_string(options.max_steps); }},
  };
  if (key.empty()) {
    std::string text;
    for (const auto& [name, value_of] : show) text += name + " = " + value_of() + "\n";
    return shown(text);
  }
  if (show.count(key) == 0) {
    return failed("unknown setting '" + key +
                  "' (temperature, top_k, top_p, min_p, repeat_penalty, max_new_tokens, seed, "
                  "max_steps)");
  }
  if (value.empty()) return failed("usage: /set " + key + " VALUE");
  if (key == "temperature") s.temperature = static_cast<float>(parse_number(key, value));
  if (key == "top_k") s.top_k = parse_whole(key, value);
  if (key == "top_p") s.top_p = static_cast<float>(parse_number(key, value));
  if (key == "min_p") s.min_p = static_cast<float>(parse_number(key, value));
  if (key == "repeat_penalty") s.repeat_penalty = static_cast<float>(parse_number(key, value));
  if (key == "max_new_tokens") options.max_new_tokens = parse_whole(key, value);
  if (key == "seed") s.seed = static_cast<uint64_t>(parse_whole(key, value));
  if (key == "max_steps") options.max_steps = parse_whole(key, value);
  loop_.set_options(options);
  return shown(key + " = " + show.at(key)() + "\n");
}

}  // namespace tunedeck
