// `tunedeck models`: the models already on this machine (Hugging Face caches and [model]
// models_dir), one line each, described from their files without loading weights. Thin:
// core/model_catalog.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "core/model_catalog.h"
#include "session/app_config.h"

namespace tunedeck {
namespace {

using nlohmann::json;

const char kUsage[] =
    "usage: tunedeck models [--json] [--config FILE] [--models-dir DIR]\n"
    "\n"
    "Lists the models on this machine, without loading them: the Hugging Face caches\n"
    "($HF_HUB_CACHE, $HF_HOME/hub, ~/.cache/huggingface/hub) and the folder [model] models_dir\n"
    "names. Each line: the name to pass as --model (org/name for a cache entry), the family\n"
    "(config.json model_type), parameters, dtype or quantization, size on disk, and whether its\n"
    "chat template takes tools. tunedeck never downloads: fetch models with huggingface-cli.\n"
    "\n"
    "  --json             a JSON array, one object per model (with its folder)\n"
    "  --config FILE      read FILE over the shipped and per-user config\n"
    "  --models-dir DIR   list DIR instead of [model] models_dir\n"
    "\n"
    "Then: tunedeck app --model Qwen/Qwen3-0.6B   (or /model Qwen/Qwen3-0.6B in the app)\n";

json model_json(const LocalModel& model) {
  return {{"name", model.name},
          {"dir", model.dir},
          {"source", model.source},
          {"family", model.family},
          {"parameters", model.parameters},
          {"dtype", model.dtype},
          {"disk_bytes", model.disk_bytes},
          {"has_template", model.has_template},
          {"template_has_tools", model.template_has_tools},
          {"problem", model.problem}};
}

int run_models(CliArgs& args) {
  const bool as_json = args.flag("json");
  const std::string config_file = args.value_or("config", "");
  const auto models_dir = args.value("models-dir");
  args.finish();
  const AppConfig config = app_config_load(config_file);
  const ModelSearch search =
      model_search_default(models_dir ? *models_dir : config.model.models_dir);
  const std::vector<LocalModel> models = model_catalog_scan(search);
  if (as_json) {
    json list = json::array();
    for (const LocalModel& m : models) list.push_back(model_json(m));
    std::cout << list.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    return 0;
  }
  std::cout << model_catalog_table(models, search);
  return 0;
}

}  // namespace

extern const Command kModelsCommand = {
    "models", "list the models on this machine (Hugging Face cache, models folder)", kUsage,
    run_models};

}  // namespace tunedeck
