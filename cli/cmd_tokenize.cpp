// `tunedeck tokenize`: text to ids (and pieces) with a model folder's own tokenizer, or ids back to
// text: the quick answer to "how does this model see my prompt?". Thin: core/tokenizer.
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/commands.h"
#include "core/tokenizer.h"

namespace tunedeck {
namespace {

using nlohmann::json;

const char kUsage[] =
    "usage: tunedeck tokenize --model DIR [--json] [--add-special] [--] TEXT\n"
    "       tunedeck tokenize --model DIR --decode ID,ID,...\n"
    "\n"
    "Encodes TEXT with the tokenizer of DIR (a model folder, or a folder holding only\n"
    "tokenizer.model or tokenizer.json with its tokenizer_config.json) and prints the ids.\n"
    "Special tokens written in the text (<|im_start|>, <tool_call>) are matched as single ids, as\n"
    "Hugging Face does; none are added unless --add-special (BOS/EOS as the folder says).\n"
    "\n"
    "  --model DIR     the folder\n"
    "  --json          {\"ids\": [...], \"pieces\": [...]} (with --decode: {\"text\": ...})\n"
    "  --add-special   add BOS (and EOS) where the tokenizer's config says\n"
    "  --decode IDS    comma-separated ids to turn back into text\n"
    "\n"
    "Example: tunedeck tokenize --model ../shared/tokenizers/qwen3 --json -- \"Hello world\"\n";

std::vector<int> parse_ids(const std::string& list, int vocab_size) {
  std::vector<int> ids;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');) {
    char* end = nullptr;
    const long id = std::strtol(item.c_str(), &end, 10);
    if (item.empty() || *end != '\0' || id < 0 || id >= vocab_size)
      throw UsageError("--decode: '" + item + "' is not an id of this vocabulary (0.." +
                       std::to_string(vocab_size - 1) + ")");
    ids.push_back(static_cast<int>(id));
  }
  return ids;
}

int run_tokenize(CliArgs& args) {
  const auto model = args.value("model");
  const bool as_json = args.flag("json");
  const bool add_special = args.flag("add-special");
  const auto decode = args.value("decode");
  const std::vector<std::string> positionals = args.positionals();
  args.finish();
  if (!model) throw UsageError("--model DIR is required");
  if (decode ? !positionals.empty() : positionals.size() != 1)
    throw UsageError(decode ? "--decode takes no TEXT" : "expected exactly one TEXT (quote it)");

  const std::unique_ptr<Tokenizer> tokenizer = tokenizer_load_dir(*model);
  if (decode) {
    const std::string text = tokenizer->decode(parse_ids(*decode, tokenizer->vocab_size()));
    if (as_json)
      std::cout << json{{"text", text}}.dump(-1, ' ', false, json::error_handler_t::replace)
                << "\n";
    else
      std::cout << text << "\n";
    return 0;
  }
  std::vector<int> ids =
      add_special ? tokenizer->encode_prompt(positionals[0]) : tokenizer->encode(positionals[0]);
  if (add_special && tokenizer->special().add_eos && tokenizer->special().eos_id >= 0)
    ids.push_back(tokenizer->special().eos_id);
  if (as_json) {
    json pieces = json::array();
    for (int id : ids) pieces.push_back(tokenizer->id_to_piece(id));
    std::cout << json{{"ids", ids}, {"pieces", pieces}}.dump(-1, ' ', false,
                                                             json::error_handler_t::replace)
              << "\n";
    return 0;
  }
  for (size_t i = 0; i < ids.size(); ++i) std::cout << (i ? " " : "") << ids[i];
  std::cout << "\n";
  return 0;
}

}  // namespace

extern const Command kTokenizeCommand = {
    "tokenize", "text to token ids and back with a model's tokenizer", kUsage, run_tokenize};

}  // namespace tunedeck
