#include "tui/app_commands.h"

#include <cerrno>
#include <cstdlib>
#include <sstream>

namespace tunedeck {
namespace {

std::vector<std::string> words_of(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

// The text after the command word, trimmed.
std::string rest_after(const std::string& line, const std::string& word) {
  const size_t at = line.find(word);
  std::string rest = line.substr(at + word.size());
  const size_t begin = rest.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  rest = rest.substr(begin);
  return rest.substr(0, rest.find_last_not_of(" \t\r\n") + 1);
}

const std::vector<std::string> kAllCommands = {
    "/help",   "/tools", "/tool",  "/raw",    "/session", "/sessions", "/system", "/save",
    "/memory", "/set",   "/model", "/models", "/adapter", "/train",    "/clear",  "/quit",
};

// /model's argument: the catalog's names that start with the word, else file names.
void complete_model(const std::string& word, const std::vector<std::string>& model_names,
                    InputCompletion& completion) {
  for (const std::string& name : model_names)
    if (name.rfind(word, 0) == 0) completion.words.push_back(name);
  completion.paths = completion.words.empty();
}

}  // namespace

AppCommand app_command_parse(const std::string& line) {
  const std::vector<std::string> words = words_of(line);
  AppCommand command;
  if (words.empty()) return command;
  const std::string& name = words[0];
  if (name == "/quit" || name == "/exit") {
    command.kind = AppCommandKind::kQuit;
  } else if (name == "/clear") {
    command.kind = AppCommandKind::kClear;
  } else if (name == "/models") {
    command.kind = AppCommandKind::kModels;
  } else if (name == "/model") {
    command.kind = AppCommandKind::kModel;
    command.argument = rest_after(line, name);
  } else if (name == "/adapter") {
    command.kind = AppCommandKind::kAdapter;
    command.argument = rest_after(line, name);
  } else if (name == "/train") {
    const std::string action = words.size() > 1 ? words[1] : "";
    const std::string argument = words.size() > 1 ? rest_after(line, words[1]) : "";
    if (action.empty()) {
      command.kind = AppCommandKind::kTrainStatus;
    } else if (action == "start" && !argument.empty()) {
      command.kind = AppCommandKind::kTrainStart;
      command.argument = argument;
    } else if (action == "stop") {
      command.kind = AppCommandKind::kTrainStop;
    } else if (action == "watch" && !argument.empty()) {
      char* end = nullptr;
      errno = 0;
      const long long id = std::strtoll(argument.c_str(), &end, 10);
      if (*end != '\0' || errno != 0 || id <= 0) {
        command.kind = AppCommandKind::kUsageError;
        command.argument =
            "/train watch ID: the run id is a number (tunedeck runs lists them), got '" + argument +
            "'";
      } else {
        command.kind = AppCommandKind::kTrainWatch;
        command.run_id = id;
      }
    } else {
      command.kind = AppCommandKind::kUsageError;
      command.argument = "usage: /train [start CONFIG.toml | stop | watch ID]";
    }
  }
  return command;
}

const std::string& app_command_help() {
  static const std::string help =
      "App commands:\n"
      "  /model PATH|ORG/NAME  load another model: a folder, or a name /models lists (/model\n"
      "                        alone: the one in use)\n"
      "  /models               the models on this machine (Hugging Face cache, models_dir)\n"
      "  /clear                start a new session with empty panes (the old one stays saved)\n"
      "  /adapter PATH|off     put a LoRA adapter on the model, or take it off (no reload)\n"
      "  /train start CONFIG   train in the background (e.g. etc/train/stories260k_lora.toml)\n"
      "  /train stop           stop that run after its current step\n"
      "  /train watch ID       follow a run from the run log (one started elsewhere too)\n"
      "Keys: Tab/F2 move the focus from the input to the trace, conversation, GPU and training\n"
      "panes and back (Tab completes when the line has text); arrows, PgUp/PgDn, Home/End scroll\n"
      "the focused pane (PgUp/PgDn scroll the conversation from the input); Enter opens a trace\n"
      "entry; F5 zooms the focused pane (the zoom follows the focus; F5 again: all panes);\n"
      "Esc or Ctrl-C stops an answer; F10, Ctrl-D on an empty line or /quit leave.\n";
  return help;
}

InputCompletion app_command_complete(const std::string& before, const std::string& word,
                                     const std::vector<std::string>& tool_names,
                                     const std::vector<std::string>& model_names) {
  const std::vector<std::string> previous = words_of(before);
  InputCompletion completion;
  if (previous.empty()) {
    if (!word.empty() && word[0] == '/') completion.words = kAllCommands;
    return completion;
  }
  const std::string& command = previous[0];
  const size_t position = previous.size();  // index of the word being completed
  if (command == "/tool" && position == 1)
    completion.words = tool_names;
  else if (command == "/train" && position == 1)
    completion.words = {"start", "stop", "watch"};
  else if (command == "/train" && position == 2 && previous[1] == "start")
    completion.paths = true;
  else if (command == "/model" && position == 1)
    complete_model(word, model_names, completion);
  else if (command == "/adapter" && position == 1) {
    if (!word.empty() && std::string("off").rfind(word, 0) == 0)
      completion.words = {"off"};
    else
      completion.paths = true;
  } else if (command == "/session" && position == 1)
    completion.words = {"list", "new", "open"};
  else if (command == "/memory" && position == 1)
    completion.words = {"search"};
  else if (command == "/set" && position == 1)
    completion.words = {"temperature",    "top_k",          "top_p", "min_p",
                        "repeat_penalty", "max_new_tokens", "seed",  "max_steps"};
  return completion;
}

}  // namespace tunedeck
