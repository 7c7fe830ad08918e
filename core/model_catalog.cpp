#include "core/model_catalog.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/paths.h"

namespace tunedeck {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::uint64_t kMaxSafetensorsHeader = 100ull << 20;  // the format's own limit

// The file as JSON; null when missing or unreadable (the caller records the problem).
json read_json_file(const fs::path& path, std::string& problem) {
  std::ifstream in(path);
  if (!in) return nullptr;
  json parsed = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    problem = path.filename().string() + " is not valid JSON";
    return nullptr;
  }
  return parsed;
}

// A safetensors file's header (name -> {dtype, shape, data_offsets}); throws naming the problem.
json safetensors_header(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char size_bytes[8];
  if (!in.read(reinterpret_cast<char*>(size_bytes), 8))
    throw std::runtime_error(path.filename().string() + " is truncated");
  std::uint64_t header_size = 0;
  for (int i = 7; i >= 0; --i) header_size = (header_size << 8) | size_bytes[i];
  if (header_size > kMaxSafetensorsHeader || header_size + 8 > fs::file_size(path))
    throw std::runtime_error(path.filename().string() + " has a header size past its end");
  std::string header(header_size, '\0');
  in.read(header.data(), static_cast<std::streamsize>(header_size));
  json tensors = json::parse(header, nullptr, /*allow_exceptions=*/false);
  if (!tensors.is_object())
    throw std::runtime_error(path.filename().string() + " has a header that is not JSON");
  tensors.erase("__metadata__");
  return tensors;
}

long long header_elements(const json& header) {
  long long elements = 0;
  for (const auto& [name, info] : header.items()) {
    if (!info.is_object() || !info.contains("shape")) continue;
    long long count = 1;
    for (const json& dim : info["shape"]) count *= dim.get<long long>();
    elements += count;
  }
  return elements;
}

std::string header_first_dtype(const json& header) {
  for (const auto& [name, info] : header.items())
    if (info.is_object() && info.contains("dtype") && info["dtype"].is_string())
      return info["dtype"];
  return "";
}

std::vector<fs::path> safetensors_files(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.path().extension() == ".safetensors") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::uint64_t folder_bytes(const fs::path& dir) {
  std::uint64_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    std::error_code size_ec;
    const auto size = fs::file_size(it->path(), size_ec);  // follows the cache's blob links
    if (!size_ec) total += size;
  }
  return total;
}

std::string config_dtype(const json& config) {
  const json& text = config.contains("text_config") ? config["text_config"] : config;
  if (config.contains("quantization_config") && config["quantization_config"].is_object()) {
    const json& q = config["quantization_config"];
    std::string method = q.value("quant_method", std::string("quantized"));
    if (q.contains("bits") && q["bits"].is_number_integer())
      method += "-" + std::to_string(q["bits"].get<int>()) + "bit";
    else if (q.value("load_in_4bit", false))
      method += "-4bit";
    else if (q.value("load_in_8bit", false))
      method += "-8bit";
    return method;
  }
  for (const char* key : {"torch_dtype", "dtype"}) {
    if (config.contains(key) && config[key].is_string()) return config[key];
    if (text.contains(key) && text[key].is_string()) return text[key];
  }
  return "";
}

std::string config_family(const json& config) {
  if (config.contains("model_type") && config["model_type"].is_string())
    return config["model_type"];
  return "";
}

// The chat template's text: chat_template.jinja, else tokenizer_config.json's chat_template
// (a string, or a list of {name, template} where "default" or the first counts).
std::string template_text(const fs::path& dir) {
  std::ifstream jinja(dir / "chat_template.jinja");
  if (jinja) return std::string(std::istreambuf_iterator<char>(jinja), {});
  std::string ignored;
  const json config = read_json_file(dir / "tokenizer_config.json", ignored);
  if (!config.is_object() || !config.contains("chat_template")) return "";
  const json& value = config["chat_template"];
  if (value.is_string()) return value;
  if (value.is_array()) {
    for (const json& entry : value)
      if (entry.is_object() && entry.value("name", "") == "default")
        return entry.value("template", "");
    if (!value.empty() && value[0].is_object()) return value[0].value("template", "");
  }
  return "";
}

// A model folder as found: named and placed, not yet described.
LocalModel found(const std::string& dir, const std::string& name, const std::string& source) {
  LocalModel model;
  model.name = name;
  model.dir = dir;
  model.source = source;
  return model;
}

// A cache entry's current snapshot: refs/main's commit, else the newest snapshot folder.
fs::path current_snapshot(const fs::path& entry) {
  std::ifstream ref(entry / "refs" / "main");
  std::string commit;
  if (ref && std::getline(ref, commit) && fs::is_directory(entry / "snapshots" / commit))
    return entry / "snapshots" / commit;
  fs::path newest;
  fs::file_time_type newest_time{};
  std::error_code ec;
  for (const auto& snap : fs::directory_iterator(entry / "snapshots", ec)) {
    const auto time = fs::last_write_time(snap.path(), ec);
    if (snap.is_directory() && (newest.empty() || time > newest_time)) {
      newest = snap.path();
      newest_time = time;
    }
  }
  return newest;
}

// "models--Qwen--Qwen3-0.6B" -> "Qwen/Qwen3-0.6B"; "models--gpt2" -> "gpt2".
std::string cache_entry_name(const std::string& folder) {
  std::string rest = folder.substr(std::string("models--").size());
  const size_t split = rest.find("--");
  if (split != std::string::npos) rest = rest.substr(0, split) + "/" + rest.substr(split + 2);
  return rest;
}

void scan_hub(const fs::path& hub, std::vector<LocalModel>& out) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(hub, ec)) {
    const std::string folder = entry.path().filename().string();
    if (!entry.is_directory() || folder.rfind("models--", 0) != 0) continue;
    const fs::path snapshot = current_snapshot(entry.path());
    if (snapshot.empty() || !fs::exists(snapshot / "config.json")) continue;
    out.push_back(found(snapshot.string(), cache_entry_name(folder), "hf-cache"));
  }
}

void scan_models_dir(const fs::path& root, std::vector<LocalModel>& out) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    if (!entry.is_directory()) continue;
    const std::string name = entry.path().filename().string();
    if (fs::exists(entry.path() / "config.json")) {
      out.push_back(found(entry.path().string(), name, "models-dir"));
      continue;
    }
    for (const auto& inner : fs::directory_iterator(entry.path(), ec))
      if (inner.is_directory() && fs::exists(inner.path() / "config.json"))
        out.push_back(found(inner.path().string(), name + "/" + inner.path().filename().string(),
                            "models-dir"));
  }
}

}  // namespace

ModelSearch model_search_default(const std::string& models_dir) {
  ModelSearch search;
  search.hub_dirs = huggingface_hub_dirs();
  if (!models_dir.empty()) search.models_dirs.push_back(models_dir);
  return search;
}

LocalModel model_catalog_describe(const std::string& dir, const std::string& name,
                                  const std::string& source) {
  LocalModel model;
  model.name = name;
  model.dir = dir;
  model.source = source;
  const json config = read_json_file(fs::path(dir) / "config.json", model.problem);
  if (config.is_object()) {
    model.family = config_family(config);
    model.dtype = config_dtype(config);
  } else if (model.problem.empty()) {
    model.problem = "config.json is missing";
  }
  const std::vector<fs::path> weights = safetensors_files(dir);
  try {
    long long elements = 0;
    for (const fs::path& file : weights) {
      const json header = safetensors_header(file);
      elements += header_elements(header);
      if (model.dtype.empty()) model.dtype = header_first_dtype(header);
    }
    if (!weights.empty()) model.parameters = elements;
  } catch (const std::exception& e) {
    if (model.problem.empty()) model.problem = e.what();
  }
  if (weights.empty() && model.problem.empty()) model.problem = "no .safetensors files";
  model.disk_bytes = folder_bytes(dir);
  const std::string text = template_text(dir);
  model.has_template = !text.empty();
  model.template_has_tools = text.find("tools") != std::string::npos;
  return model;
}

std::vector<LocalModel> model_catalog_find(const ModelSearch& search) {
  std::vector<LocalModel> models;
  for (const std::string& hub : search.hub_dirs)
    if (fs::is_directory(hub)) scan_hub(hub, models);
  for (const std::string& root : search.models_dirs)
    if (fs::is_directory(root)) scan_models_dir(root, models);
  std::stable_sort(models.begin(), models.end(),
                   [](const LocalModel& a, const LocalModel& b) { return a.name < b.name; });
  return models;
}

std::vector<LocalModel> model_catalog_scan(const ModelSearch& search) {
  std::vector<LocalModel> models = model_catalog_find(search);
  for (LocalModel& model : models)
    model = model_catalog_describe(model.dir, model.name, model.source);
  return models;
}

std::string model_catalog_resolve(const std::string& reference, const ModelSearch& search) {
  if (fs::is_directory(reference)) return reference;
  for (const LocalModel& model : model_catalog_find(search))
    if (model.name == reference) return model.dir;
  std::string looked;
  for (const auto* dirs : {&search.hub_dirs, &search.models_dirs})
    for (const std::string& dir : *dirs) looked += (looked.empty() ? "" : ", ") + dir;
  throw std::runtime_error(
      "no model folder '" + reference + "' and no local model of that name (looked in " +
      (looked.empty() ? std::string("no cache folders") : looked) +
      "); tunedeck never downloads: fetch it first, e.g. `huggingface-cli download " + reference +
      "`, or pass the folder");
}

std::string model_catalog_parameters_text(long long parameters) {
  if (parameters < 0) return "?";
  char text[32];
  if (parameters >= 1000000000LL)
    std::snprintf(text, sizeof text, "%.1fB", parameters / 1e9);
  else if (parameters >= 1000000LL)
    std::snprintf(text, sizeof text, "%.1fM", parameters / 1e6);
  else if (parameters >= 1000LL)
    std::snprintf(text, sizeof text, "%.0fK", parameters / 1e3);
  else
    std::snprintf(text, sizeof text, "%lld", parameters);
  return text;
}

}  // namespace tunedeck

namespace tunedeck {
namespace {

std::string size_text(std::uint64_t bytes) {
  char text[32];
  if (bytes >= (1ull << 30))
    std::snprintf(text, sizeof text, "%.1f GB", bytes / double(1ull << 30));
  else if (bytes >= (1ull << 20))
    std::snprintf(text, sizeof text, "%.1f MB", bytes / double(1ull << 20));
  else
    std::snprintf(text, sizeof text, "%.0f KB", bytes / 1024.0);
  return text;
}

std::string tools_text(const LocalModel& model) {
  if (!model.has_template) return "no template";
  return model.template_has_tools ? "yes" : "no";
}

std::string table_line(size_t name_width, const std::string& name, const std::string& family,
                       const std::string& parameters, const std::string& dtype,
                       const std::string& size, const std::string& tools) {
  char line[512];
  std::snprintf(line, sizeof line, "%-*s  %-12s %8s  %-12s %9s  %s\n", int(name_width),
                name.c_str(), family.c_str(), parameters.c_str(), dtype.c_str(), size.c_str(),
                tools.c_str());
  return line;
}

}  // namespace

std::string model_catalog_table(const std::vector<LocalModel>& models, const ModelSearch& search) {
  if (models.empty()) {
    std::string text = "no models found; looked in:\n";
    for (const auto* dirs : {&search.hub_dirs, &search.models_dirs})
      for (const std::string& dir : *dirs) text += "  " + dir + "\n";
    return text + "(set [model] models_dir, or fetch one: huggingface-cli download ORG/NAME)\n";
  }
  size_t name_width = 4;
  for (const LocalModel& m : models) name_width = std::max(name_width, m.name.size());
  std::string text = table_line(name_width, "NAME", "FAMILY", "PARAMS", "DTYPE", "SIZE", "TOOLS");
  for (const LocalModel& m : models) {
    text += table_line(name_width, m.name, m.family.empty() ? "?" : m.family,
                       model_catalog_parameters_text(m.parameters), m.dtype.empty() ? "?" : m.dtype,
                       size_text(m.disk_bytes), tools_text(m));
    if (!m.problem.empty()) text += std::string(name_width + 2, ' ') + "(" + m.problem + ")\n";
  }
  return text;
}

}  // namespace tunedeck
