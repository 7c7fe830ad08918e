// `tunedeck tokenizer train`: trains a sentencepiece model on a dataset rendered through a chat
// template (so the template's markers become single pieces), and writes a tokenizer folder
// (tokenizer.model, tokenizer_config.json, generation_config.json) that a training config can
// point [model] path at. The training itself runs in the dlopen'd sentencepiece module.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "agent/builtin_tools.h"
#include "agent/chat_template.h"
#include "agent/tool_registry.h"
#include "cli/commands.h"
#include "core/atomic_file.h"
#include "core/tokenizer.h"
#include "train/dataset.h"

namespace tunedeck {
namespace {

namespace fs = std::filesystem;

const char kUsage[] =
    "usage: tunedeck tokenizer train --data FILE [--data FILE ...] --out DIR [options]\n"
    "\n"
    "Trains a sentencepiece tokenizer (byte fallback on, digits split) on conversations rendered\n"
    "through a chat template; the template's markers (<|user|>, <|end|>, <tool_call>, ...) become\n"
    "single pieces. Writes DIR/tokenizer.model, tokenizer_config.json, generation_config.json.\n"
    "\n"
    "  --data FILE         dataset (seed-001 CSV, chat JSONL, Alpaca), repeatable\n"
    "  --out DIR           output folder\n"
    "  --vocab-size N      pieces (default 1024); fewer if the corpus cannot support them\n"
    "  --template NAME     chat template (default tunedeck)\n"
    "  --include-tools     render the built-in tool list too (as the agent's prompt does)\n"
    "  --model-type T      bpe or unigram (default bpe)\n"
    "";

std::vector<std::string> corpus_lines(const std::vector<std::string>& files,
                                      const ChatTemplate& tmpl, const nlohmann::json& tools) {
  std::vector<std::string> lines;
  for (const auto& file : files) {
    DatasetOptions options;
    DatasetLoadReport report;
    for (const auto& row : dataset_load(file, options, report)) {
      std::istringstream text(tmpl.render(row.messages, tools, false));
      for (std::string line; std::getline(text, line);)
        if (!line.empty()) lines.push_back(line);
    }
    for (const auto& p : report.problems) std::cerr << "skipped: " << p << "\n";
  }
  return lines;
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? sep : "") + items[i];
  return out;
}

int run_tokenizer(CliArgs& args) {
  const std::vector<std::string> data = args.values("data");
  const auto out = args.value("out");
  const int vocab_size = args.int_or("vocab-size", 1024);
  const std::string template_name = args.value_or("template", "tunedeck");
  const bool include_tools = args.flag("include-tools");
  const std::string model_type = args.value_or("model-type", "bpe");
  const auto positionals = args.positionals();
  args.finish();
  if (positionals.size() != 1 || positionals[0] != "train")
    throw UsageError("expected: tokenizer train");
  if (data.empty()) throw UsageError("--data FILE is required");
  if (!out) throw UsageError("--out DIR is required");

  auto tmpl = chat_template_by_name(template_name);
  nlohmann::json tools = nlohmann::json::array();
  if (include_tools) {
    ToolRegistry registry;
    register_builtin_tools(registry);
    tools = registry.list_json();
  }
  const std::vector<std::string> lines = corpus_lines(data, *tmpl, tools);
  if (lines.empty()) throw std::runtime_error("the data gave no text to train on");
  fs::create_directories(*out);
  const std::vector<std::string> markers = tmpl->special_texts();
  std::map<std::string, std::string> options = {
      {"vocab_size", std::to_string(vocab_size)},
      {"model_type", model_type},
      {"byte_fallback", "true"},
      {"split_digits", "true"},
      {"character_coverage", "1.0"},
      {"hard_vocab_limit", "false"},
      {"user_defined_symbols", join(markers, ",")},
      {"unk_id", "0"},
      {"bos_id", "1"},
      {"eos_id", "2"},
      {"pad_id", "-1"},
      {"add_dummy_prefix", "false"},
      {"remove_extra_whitespaces", "false"},
      {"normalization_rule_name", "identity"},
      {"max_sentence_length", "16384"},
      {"num_threads", "2"},
  };
  tokenizer_train_sentencepiece(lines, options, *out + "/tokenizer");
  fs::rename(*out + "/tokenizer.model", *out + "/tokenizer.model.tmp");
  fs::rename(*out + "/tokenizer.model.tmp", *out + "/tokenizer.model");
  std::error_code ignored;
  fs::remove(*out + "/tokenizer.vocab", ignored);

  auto tokenizer = tokenizer_load_file(*out + "/tokenizer.model");
  std::vector<int> stop_ids = {tokenizer->special().eos_id};
  for (const auto& s : tmpl->stop_strings()) {
    const int id = tokenizer->piece_to_id(s);
    if (id != tokenizer->special().unk_id) stop_ids.push_back(id);
  }
  nlohmann::json tokenizer_config = {
      {"tokenizer_class", "LlamaTokenizer"},
      {"bos_token", "<s>"},
      {"eos_token", "</s>"},
      {"unk_token", "<unk>"},
      {"pad_token", nullptr},
      {"add_bos_token", true},
      {"add_eos_token", false},
      {"legacy", false},
      {"chat_template", chat_template_for_tokenizer_config(template_name)}};
  nlohmann::json generation_config = {{"bos_token_id", tokenizer->special().bos_id},
                                      {"eos_token_id", stop_ids}};
  atomic_file_write_string(*out + "/tokenizer_config.json", tokenizer_config.dump(2) + "\n");
  atomic_file_write_string(*out + "/generation_config.json", generation_config.dump(2) + "\n");
  std::cout << *out << "/tokenizer.model: " << tokenizer->vocab_size() << " pieces from "
            << lines.size() << " lines; markers as single pieces: " << join(markers, " ") << "\n";
  return 0;
}

}  // namespace

extern const Command kTokenizerCommand = {
    "tokenizer", "train a sentencepiece tokenizer on a dataset", kUsage, run_tokenizer};

}  // namespace tunedeck
