// The models already on this machine: Hugging Face hub caches (models--org--name/snapshots/...)
// and a models folder of plain model directories, described from their files alone (config.json,
// safetensors headers, tokenizer_config.json) without loading weights. Also turns a model
// reference ("org/name" or a folder) into a folder. Never downloads. Not for loading models.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace tunedeck {

struct LocalModel {
  std::string name;    // "org/name" for a cache entry; the folder's path below a models folder
  std::string dir;     // the folder to load (a cache entry's current snapshot)
  std::string source;  // "hf-cache" or "models-dir"
  std::string family;  // config.json model_type ("qwen3", "llama", ...); "" when absent
  long long parameters = -1;     // elements in the safetensors files; -1 when unreadable
  std::string dtype;             // quantization method and bits ("gptq-4bit") when quantized, else
                                 // torch_dtype / the tensors' dtype ("bfloat16", "F32")
  std::uint64_t disk_bytes = 0;  // every file of the folder (links followed)
  bool has_template = false;     // a chat template ships with it
  bool template_has_tools = false;  // that template reads a `tools` list
  std::string problem;              // what could not be read (the entry is still listed)
};

struct ModelSearch {
  std::vector<std::string> hub_dirs;     // Hugging Face caches (core/paths: huggingface_hub_dirs)
  std::vector<std::string> models_dirs;  // folders of model folders ([model] models_dir)
};

// The hub caches from the environment and `models_dir` ("" = none).
ModelSearch model_search_default(const std::string& models_dir);

// Every model below the search folders (missing folders are skipped), sorted by name. A folder
// is a model when it holds config.json; the models folder is searched two levels deep
// (name or org/name).
std::vector<LocalModel> model_catalog_scan(const ModelSearch& search);

// The same models with only name, dir and source set: the folder walk without reading any
// file (what a name lookup or a completion needs).
std::vector<LocalModel> model_catalog_find(const ModelSearch& search);

// Describes one model folder (what model_catalog_scan lists for it).
LocalModel model_catalog_describe(const std::string& dir, const std::string& name,
                                  const std::string& source);

// `reference` as a folder: an existing directory as given; else the model of that name in the
// catalog ("Qwen/Qwen3-0.6B"). Throws std::runtime_error saying where it looked and that
// tunedeck never downloads.
std::string model_catalog_resolve(const std::string& reference, const ModelSearch& search);

// "0.6B", "260K", "1.2M"; "?" for -1.
std::string model_catalog_parameters_text(long long parameters);

// The models as a table: a header line (NAME FAMILY PARAMS DTYPE SIZE TOOLS), one line per model
// and its problem, if any, on the next; with none, where it looked and how to get one.
std::string model_catalog_table(const std::vector<LocalModel>& models, const ModelSearch& search);

}  // namespace tunedeck
