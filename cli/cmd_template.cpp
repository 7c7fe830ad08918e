// `tunedeck template render`: renders a conversation through a model's own Jinja chat template
// exactly as Hugging Face transformers' apply_chat_template would, and prints the text.
// Thin: the engine and the transformers context live in agent/jinja/.
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "agent/jinja/jinja_chat_template.h"
#include "cli/commands.h"

namespace tunedeck {
namespace {

using nlohmann::ordered_json;

const char kUsage[] =
    "usage: tunedeck template render (--model DIR | --template FILE.jinja) --conversation "
    "FILE.json\n"
    "                                [--json]\n"
    "\n"
    "Prints the prompt text a chat template makes of a conversation, byte for byte as\n"
    "transformers' apply_chat_template renders it (no newline added). When the template\n"
    "refuses the conversation (raise_exception), prints its message and exits 1.\n"
    "\n"
    "  --model DIR          the model folder: its chat_template.jinja, else the \"chat_template\"\n"
    "                       of tokenizer_config.json; bos_token/eos_token from "
    "tokenizer_config.json\n"
    "  --template FILE      a template file; bos_token is <s>, eos_token </s>\n"
    "  --conversation FILE  {\"messages\": [...], \"tools\": [...], \"add_generation_prompt\": "
    "true};\n"
    "                       tools and add_generation_prompt are optional, other keys become\n"
    "                       template variables (\"enable_thinking\": false)\n"
    "  --json               print {\"text\": ...} instead of the bare text\n"
    "\n"
    "strftime_now() reads TUNEDECK_TODAY=YYYY-MM-DD when set, else the clock.\n"
    "Example: tunedeck template render --model ../shared/tokenizers/qwen3 --conversation "
    "chat.json\n";

std::string read_file_text(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read the " + std::string(what) + " " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The conversation file: messages, optional tools and add_generation_prompt, extra variables.
JinjaChatInputs read_conversation(const std::string& path) {
  ordered_json file;
  try {
    file = ordered_json::parse(read_file_text(path, "conversation"));
  } catch (const ordered_json::parse_error& e) {
    throw std::runtime_error(path + " is not valid JSON: " + e.what());
  }
  if (!file.is_object() || !file.contains("messages") || !file["messages"].is_array())
    throw std::runtime_error(path + ": expected {\"messages\": [...], ...}");
  JinjaChatInputs inputs;
  for (const auto& [key, value] : file.items()) {
    if (key == "messages") {
      inputs.messages = value;
    } else if (key == "tools") {
      if (!value.is_null() && !value.is_array())
        throw std::runtime_error(path + ": \"tools\" must be a list");
      inputs.tools = value;
    } else if (key == "add_generation_prompt") {
      if (!value.is_boolean())
        throw std::runtime_error(path + ": \"add_generation_prompt\" must be true or false");
      inputs.add_generation_prompt = value.get<bool>();
    } else {
      inputs.extra[key] = value;
    }
  }
  return inputs;
}

int run_template(CliArgs& args) {
  const std::optional<std::string> model = args.value("model");
  const std::optional<std::string> template_file = args.value("template");
  const std::optional<std::string> conversation = args.value("conversation");
  const bool as_json = args.flag("json");
  const std::vector<std::string> positionals = args.positionals();
  args.finish();
  if (positionals.size() != 1 || positionals[0] != "render")
    throw UsageError("expected: template render");
  if (model.has_value() == template_file.has_value())
    throw UsageError("give one of --model DIR or --template FILE");
  if (!conversation) throw UsageError("--conversation FILE is required");

  const JinjaChatInputs inputs = read_conversation(*conversation);
  const JinjaChatTemplate chat_template =
      model ? JinjaChatTemplate::load(*model)
            : JinjaChatTemplate(
                  JinjaTemplate::parse(read_file_text(*template_file, "template"), *template_file),
                  "<s>", "</s>");
  const std::string text = chat_template.render(inputs, jinja_chat_clock());
  if (as_json)
    std::cout << ordered_json{{"text", text}}.dump(-1, ' ', false,
                                                   ordered_json::error_handler_t::replace)
              << "\n";
  else
    std::cout << text;
  return 0;
}

}  // namespace

extern const Command kTemplateCommand = {
    "template", "render a conversation through a model's Jinja chat template", kUsage,
    run_template};

}  // namespace tunedeck
