#include "session/model_sampling.h"

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

namespace tunedeck {
namespace {

using nlohmann::json;

// True when a user layer (not the shipped file) or a flag set `key`.
bool user_chose(const AppConfig& config, const std::string& key) {
  const auto origin = config.origins.find(key);
  return origin != config.origins.end() &&
         (config.files.empty() || origin->second != config.files.front());
}

std::string number_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

class Overlay {
 public:
  Overlay(const AppConfig& config, const json& file, SamplingSettings& out)
      : config_(config), file_(file), out_(out) {}

  template <typename T>
  void apply(const char* file_key, const std::string& setting_key, T& setting) {
    if (!file_.contains(file_key) || file_[file_key].is_null() ||
        user_chose(config_, "sampling." + setting_key))
      return;
    if (!file_[file_key].is_number()) {
      skipped_ += std::string(skipped_.empty() ? "" : ", ") + file_key;
      return;
    }
    setting = file_[file_key].get<T>();
    applied_ += std::string(applied_.empty() ? "" : ", ") + setting_key + " " +
                number_text(static_cast<double>(setting));
  }
  void greedy() {
    if (user_chose(config_, "sampling.temperature") || out_.temperature == 0) return;
    out_.temperature = 0;
    applied_ += std::string(applied_.empty() ? "" : ", ") + "greedy (do_sample false)";
  }
  const std::string& applied() const { return applied_; }
  const std::string& skipped() const { return skipped_; }

 private:
  const AppConfig& config_;
  const json& file_;
  SamplingSettings& out_;
  std::string applied_, skipped_;
};

}  // namespace

ModelSampling model_sampling(const AppConfig& config, const std::string& model_dir) {
  ModelSampling result{config.sampling, ""};
  const std::string path = model_dir + "/generation_config.json";
  std::ifstream in(path);
  if (!in) return result;
  const json file = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (!file.is_object()) {
    result.note = path + " is not a JSON object; its sampling settings were not used";
    return result;
  }
  Overlay overlay(config, file, result.settings);
  // transformers samples only with do_sample true; otherwise its generate() is greedy.
  if (file.value("do_sample", false) == true) {
    overlay.apply("temperature", "temperature", result.settings.temperature);
    overlay.apply("top_k", "top_k", result.settings.top_k);
    overlay.apply("top_p", "top_p", result.settings.top_p);
    overlay.apply("min_p", "min_p", result.settings.min_p);
  } else {
    overlay.greedy();
  }
  overlay.apply("repetition_penalty", "repeat_penalty", result.settings.repeat_penalty);
  if (!overlay.applied().empty()) result.note = "sampling " + overlay.applied() + " from " + path;
  if (!overlay.skipped().empty())
    result.note += std::string(result.note.empty() ? "" : "; ") + path +
                   ": not numbers, ignored: " + overlay.skipped();
  return result;
}

}  // namespace tunedeck
