#include "train/checkpoint.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "core/atomic_file.h"
#include "core/model_config.h"
#include "core/safetensors.h"

namespace tunedeck {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string step_folder_name(int step) {
  char name[32];
  std::snprintf(name, sizeof name, "step-%06d", step);
  return name;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path.string() + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::pair<std::string, at::Tensor>> optimizer_tensors(const AdamW& optimizer) {
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (size_t i = 0; i < optimizer.exp_avg().size(); ++i) {
    out.emplace_back("exp_avg." + std::to_string(i), optimizer.exp_avg()[i]);
    out.emplace_back("exp_avg_sq." + std::to_string(i), optimizer.exp_avg_sq()[i]);
  }
  return out;
}

void write_folder(const std::string& dir, const TrainerState& state, const AdamW& optimizer,
                  const LoraAdapter* adapter, const LlamaModel* full_model) {
  fs::create_directories(dir);
  if (adapter) lora_save_peft(*adapter, dir);
  if (full_model) {
    safetensors_write(dir + "/model.safetensors", full_model->weights().named(),
                      {{"format", "pt"}});
    atomic_file_write_string(dir + "/config.json", model_config_to_json(full_model->config()));
  }
  safetensors_write(dir + "/optimizer.safetensors", optimizer_tensors(optimizer));
  json j = {{"step", state.step},
            {"epoch", state.epoch},
            {"batch_in_epoch", state.batch_in_epoch},
            {"rng_state", state.rng_state},
            {"last_loss", state.last_loss},
            {"optimizer_steps", optimizer.steps_taken()}};
  atomic_file_write_string(dir + "/trainer_state.json", j.dump(2) + "\n");
}

}  // namespace

std::string rng_state_capture() {
  at::Tensor state = at::detail::getDefaultCPUGenerator().get_state();
  const uint8_t* p = state.data_ptr<uint8_t>();
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(state.numel() * 2);
  for (int64_t i = 0; i < state.numel(); ++i) {
    out.push_back(hex[p[i] >> 4]);
    out.push_back(hex[p[i] & 15]);
  }
  return out;
}

void rng_state_restore(const std::string& hexstate) {
  if (hexstate.empty() || hexstate.size() % 2)
    throw std::runtime_error("checkpoint RNG state is malformed");
  at::Tensor state = at::empty({static_cast<int64_t>(hexstate.size() / 2)}, at::kByte);
  uint8_t* p = state.data_ptr<uint8_t>();
  for (size_t i = 0; i < hexstate.size() / 2; ++i)
    p[i] = static_cast<uint8_t>(std::stoi(hexstate.substr(2 * i, 2), nullptr, 16));
  at::Generator generator = at::detail::getDefaultCPUGenerator();  // a handle to the shared one
  std::lock_guard<std::mutex> lock(generator.mutex());
  generator.set_state(state);
}

void checkpoint_save(const std::string& run_dir, const TrainerState& state, const AdamW& optimizer,
                     const LoraAdapter* adapter, const LlamaModel* full_model) {
  const fs::path root = fs::path(run_dir) / "checkpoints";
  const fs::path final_dir = root / step_folder_name(state.step);
  const fs::path tmp_dir =
      root / (step_folder_name(state.step) + ".tmp-" + std::to_string(getpid()));
  std::error_code ec;
  fs::remove_all(tmp_dir, ec);
  try {
    write_folder(tmp_dir.string(), state, optimizer, adapter, full_model);
    fs::remove_all(final_dir, ec);  // a re-save of the same step (resume) replaces it
    fs::rename(tmp_dir, final_dir);
    atomic_file_write_string((root / "latest").string(), final_dir.filename().string() + "\n");
  } catch (const std::exception& e) {
    fs::remove_all(tmp_dir, ec);
    throw std::runtime_error("checkpoint at step " + std::to_string(state.step) +
                             " failed, the previous one is kept: " + e.what());
  }
}

std::optional<std::string> checkpoint_latest(const std::string& run_dir) {
  const fs::path pointer = fs::path(run_dir) / "checkpoints" / "latest";
  if (!fs::exists(pointer)) return std::nullopt;
  std::string name = read_text(pointer);
  while (!name.empty() && (name.back() == '\n' || name.back() == ' ')) name.pop_back();
  const fs::path dir = fs::path(run_dir) / "checkpoints" / name;
  if (!fs::is_directory(dir))
    throw std::runtime_error(pointer.string() + " names '" + name + "', which does not exist");
  return dir.string();
}

CheckpointData checkpoint_load(const std::string& dir, LoraAdapter* adapter,
                               LlamaWeights* full_weights) {
  CheckpointData data;
  data.dir = dir;
  const json j = json::parse(read_text(fs::path(dir) / "trainer_state.json"));
  data.state.step = j.at("step");
  data.state.epoch = j.at("epoch");
  data.state.batch_in_epoch = j.at("batch_in_epoch");
  data.state.rng_state = j.at("rng_state");
  data.state.last_loss = j.at("last_loss");
  data.optimizer_steps = j.at("optimizer_steps");
  at::NoGradGuard no_grad;
  if (adapter) {
    auto file = SafetensorsFile::open(dir + "/adapter_model.safetensors");
    for (size_t i = 0; i < adapter->layers.size(); ++i)
      for (int t = 0; t < kLoraTargetCount; ++t) {
        LoraPair& p = adapter->layers[i][t];
        if (!p.defined()) continue;
        const auto target = static_cast<LoraTarget>(t);
        const int layer = static_cast<int>(i);
        p.a.copy_(file->tensor(lora_peft_tensor_name(adapter->family, layer, target, "A")));
        p.b.copy_(file->tensor(lora_peft_tensor_name(adapter->family, layer, target, "B")));
      }
  }
  if (full_weights) {
    auto file = SafetensorsFile::open(dir + "/model.safetensors");
    LlamaWeights& w = *full_weights;
    for (auto& [name, tensor] : w.named()) tensor.copy_(file->tensor(name));
  }
  auto optimizer = SafetensorsFile::open(dir + "/optimizer.safetensors");
  for (size_t i = 0; optimizer->contains("exp_avg." + std::to_string(i)); ++i) {
    data.exp_avg.push_back(optimizer->tensor("exp_avg." + std::to_string(i)).clone());
    data.exp_avg_sq.push_back(optimizer->tensor("exp_avg_sq." + std::to_string(i)).clone());
  }
  return data;
}

}  // namespace tunedeck
