// LoRA adapters: low-rank pairs (A, B) beside chosen projections of each layer, applied as
// y = x W^T + (alpha / r) * dropout(x) A^T B^T. The base weights are never modified unless merged
// explicitly. Not for training loops (train/). An adapter in use for generation is read-only;
// a training thread owns its own adapter object.
#pragma once
#include <ATen/core/Tensor.h>

#include <array>
#include <string>
#include <vector>

namespace tunedeck {

enum LoraTarget { kLoraQ, kLoraK, kLoraV, kLoraO, kLoraGate, kLoraUp, kLoraDown, kLoraTargetCount };

const char* lora_target_name(LoraTarget target);  // "q_proj", ..., "down_proj" (PEFT's names)

struct LoraPair {
  at::Tensor a;  // [r, in]
  at::Tensor b;  // [out, r]
  bool defined() const { return a.defined(); }
};

struct LoraAdapter {
  int rank = 0;
  double alpha = 0;
  double dropout = 0;
  std::vector<std::array<LoraPair, kLoraTargetCount>> layers;  // undefined pairs: not targeted
  std::string base_model;     // base_model_name_or_path, for the "does it fit" check
  std::string template_hash;  // the chat template it was trained with ("" = unknown)

  double scale() const { return rank > 0 ? alpha / rank : 0.0; }
};

}  // namespace tunedeck
