#include "core/tokenizer.h"

#include <dlfcn.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "core/json_file.h"
#include "core/tokenizer_json/hf_tokenizer.h"

namespace tunedeck {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using OpenFn = TokenizerBackend* (*)(const std::string*, std::string*);
using TrainFn = bool (*)(const std::vector<std::string>*, const std::map<std::string, std::string>*,
                         const std::string*, std::string*);

// The module stays loaded for the life of the process: backends' code lives in it.
struct SentencepieceModule {
  OpenFn open = nullptr;
  TrainFn train = nullptr;
};

const SentencepieceModule& sentencepiece_module() {
  static std::once_flag once;
  static SentencepieceModule module;
  static std::string load_error;
  std::call_once(once, [] {
    const std::string path = tokenizer_module_path();
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
    if (!handle) {
      load_error = "cannot load the tokenizer module " + path + ": " + dlerror() +
                   " (set TUNEDECK_SP_MODULE to its path)";
      return;
    }
    module.open = reinterpret_cast<OpenFn>(dlsym(handle, "tunedeck_sp_open"));
    module.train = reinterpret_cast<TrainFn>(dlsym(handle, "tunedeck_sp_train"));
    if (!module.open || !module.train) load_error = path + ": not a tunedeck tokenizer module";
  });
  if (!load_error.empty()) throw std::runtime_error(load_error);
  return module;
}

std::string executable_dir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(".") : exe.parent_path().string();
}

json read_json_if_present(const fs::path& path) {
  return fs::exists(path) ? json_file_read(path) : json();
}

// tokenizer_config.json writes special tokens as "<s>" or {"content": "<s>", ...}.
int special_token_id(const json& config, const char* key, const TokenizerBackend& backend,
                     int fallback) {
  auto it = config.find(key);
  if (it == config.end() || it->is_null()) return fallback;
  std::string piece;
  if (it->is_string())
    piece = it->get<std::string>();
  else if (it->is_object() && it->contains("content"))
    piece = (*it)["content"].get<std::string>();
  else
    return fallback;
  int id = backend.piece_to_id(piece);
  return (id == backend.unk_id() && piece != backend.id_to_piece(backend.unk_id())) ? fallback : id;
}

std::vector<int> token_id_list(const json& value) {
  if (value.is_number_integer()) return {value.get<int>()};
  std::vector<int> ids;
  if (value.is_array())
    for (const auto& v : value)
      if (v.is_number_integer()) ids.push_back(v.get<int>());
  return ids;
}

}  // namespace

Tokenizer::Tokenizer(std::unique_ptr<TokenizerBackend> backend, SpecialTokens special)
    : backend_(std::move(backend)), special_(std::move(special)) {}

std::vector<int> Tokenizer::encode_prompt(const std::string& text, bool add_bos) const {
  std::vector<int> ids;
  if (add_bos && special_.add_bos && special_.bos_id >= 0) ids.push_back(special_.bos_id);
  std::vector<int> body = backend_->encode(text);
  ids.insert(ids.end(), body.begin(), body.end());
  return ids;
}

std::string tokenizer_module_path() {
  if (const char* env = std::getenv("TUNEDECK_SP_MODULE"); env && *env) return env;
  const std::string name = "libtunedeck_sentencepiece.so";
  const std::string dir = executable_dir();
  for (const std::string& candidate : {dir + "/" + name, dir + "/../lib/tunedeck/" + name})
    if (fs::exists(candidate)) return candidate;
  return dir + "/" + name;
}

SpecialTokens tokenizer_read_special_tokens(const std::string& model_dir,
                                            const TokenizerBackend& backend) {
  const fs::path dir(model_dir);
  SpecialTokens s;
  s.bos_id = backend.bos_id();
  s.eos_id = backend.eos_id();
  s.pad_id = backend.pad_id();
  s.unk_id = backend.unk_id();

  json tokenizer_config = read_json_if_present(dir / "tokenizer_config.json");
  if (tokenizer_config.is_object()) {
    s.bos_id = special_token_id(tokenizer_config, "bos_token", backend, s.bos_id);
    s.eos_id = special_token_id(tokenizer_config, "eos_token", backend, s.eos_id);
    s.pad_id = special_token_id(tokenizer_config, "pad_token", backend, s.pad_id);
    s.unk_id = special_token_id(tokenizer_config, "unk_token", backend, s.unk_id);
    if (tokenizer_config.contains("add_bos_token") &&
        tokenizer_config["add_bos_token"].is_boolean())
      s.add_bos = tokenizer_config["add_bos_token"];
    if (tokenizer_config.contains("add_eos_token") &&
        tokenizer_config["add_eos_token"].is_boolean())
      s.add_eos = tokenizer_config["add_eos_token"];
  }
  json model_config = read_json_if_present(dir / "config.json");
  json generation_config = read_json_if_present(dir / "generation_config.json");
  if (generation_config.is_object() && generation_config.contains("eos_token_id"))
    s.stop_ids = token_id_list(generation_config["eos_token_id"]);
  else if (model_config.is_object() && model_config.contains("eos_token_id"))
    s.stop_ids = token_id_list(model_config["eos_token_id"]);
  if (generation_config.is_object() && generation_config.contains("pad_token_id") &&
      generation_config["pad_token_id"].is_number_integer())
    s.pad_id = generation_config["pad_token_id"];
  if (s.stop_ids.empty() && s.eos_id >= 0) s.stop_ids.push_back(s.eos_id);
  return s;
}

std::unique_ptr<Tokenizer> tokenizer_load_file(const std::string& model_path) {
  if (!fs::exists(model_path))
    throw std::runtime_error(model_path +
                             ": tokenizer model not found (expected a sentencepiece "
                             "tokenizer.model beside config.json)");
  std::string error;
  TokenizerBackend* raw = sentencepiece_module().open(&model_path, &error);
  if (!raw) throw std::runtime_error(model_path + ": cannot load sentencepiece model: " + error);
  std::unique_ptr<TokenizerBackend> backend(raw);
  SpecialTokens s;
  s.bos_id = backend->bos_id();
  s.eos_id = backend->eos_id();
  s.pad_id = backend->pad_id();
  s.unk_id = backend->unk_id();
  if (s.eos_id >= 0) s.stop_ids.push_back(s.eos_id);
  return std::make_unique<Tokenizer>(std::move(backend), s);
}

// tokenizer.json: the post-processor says whether BOS goes first, unless tokenizer_config.json
// sets add_bos_token itself.
std::unique_ptr<Tokenizer> load_tokenizer_json(const std::string& model_dir,
                                               const std::string& path) {
  std::unique_ptr<tokenizer_json::HfTokenizer> backend = tokenizer_json::HfTokenizer::load(path);
  SpecialTokens special = tokenizer_read_special_tokens(model_dir, *backend);
  const json config = read_json_if_present(fs::path(model_dir) / "tokenizer_config.json");
  if (!(config.is_object() && config.contains("add_bos_token") &&
        config["add_bos_token"].is_boolean()))
    special.add_bos = !backend->prefix_ids().empty();
  if (!(config.is_object() && config.contains("add_eos_token") &&
        config["add_eos_token"].is_boolean()))
    special.add_eos = !backend->suffix_ids().empty();
  if (special.bos_id < 0 && !backend->prefix_ids().empty())
    special.bos_id = backend->prefix_ids().front();
  return std::make_unique<Tokenizer>(std::move(backend), special);
}

std::unique_ptr<Tokenizer> tokenizer_load_dir(const std::string& model_dir) {
  const std::string path = (fs::path(model_dir) / "tokenizer.model").string();
  const std::string json_path = (fs::path(model_dir) / "tokenizer.json").string();
  if (!fs::exists(path) && fs::exists(json_path)) return load_tokenizer_json(model_dir, json_path);
  if (!fs::exists(path))
    throw std::runtime_error(path + " not found, nor " + json_path +
                             " (tunedeck reads a sentencepiece tokenizer.model or a Hugging Face "
                             "tokenizer.json)");
  std::string error;
  TokenizerBackend* raw = sentencepiece_module().open(&path, &error);
  if (!raw) throw std::runtime_error(path + ": cannot load sentencepiece model: " + error);
  std::unique_ptr<TokenizerBackend> backend(raw);
  SpecialTokens special = tokenizer_read_special_tokens(model_dir, *backend);
  return std::make_unique<Tokenizer>(std::move(backend), special);
}

void tokenizer_train_sentencepiece(const std::vector<std::string>& sentences,
                                   const std::map<std::string, std::string>& options,
                                   const std::string& model_prefix) {
  std::string error;
  if (!sentencepiece_module().train(&sentences, &options, &model_prefix, &error))
    throw std::runtime_error("sentencepiece training failed: " + error);
}

std::vector<int> tokenizer_encode_with_markers(const Tokenizer& tokenizer, const std::string& text,
                                               const std::vector<std::string>& markers) {
  std::vector<std::pair<std::string, int>> pieces;  // the markers the vocabulary has, with ids
  for (const std::string& marker : markers) {
    if (marker.empty()) continue;
    const int id = tokenizer.piece_to_id(marker);
    if (id >= 0 && id != tokenizer.special().unk_id && tokenizer.id_to_piece(id) == marker)
      pieces.emplace_back(marker, id);
  }
  std::vector<int> ids;
  auto encode_text = [&](size_t begin, size_t end) {
    if (begin >= end) return;
    const std::vector<int> chunk = tokenizer.encode(text.substr(begin, end - begin));
    ids.insert(ids.end(), chunk.begin(), chunk.end());
  };
  size_t chunk_begin = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    const std::pair<std::string, int>* match = nullptr;
    for (const auto& piece : pieces)
      if (text.compare(pos, piece.first.size(), piece.first) == 0 &&
          (!match || piece.first.size() > match->first.size()))
        match = &piece;
    if (!match) {
      ++pos;
      continue;
    }
    encode_text(chunk_begin, pos);
    ids.push_back(match->second);
    pos += match->first.size();
    chunk_begin = pos;
  }
  encode_text(chunk_begin, text.size());
  return ids;
}

}  // namespace tunedeck
