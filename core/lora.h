// LoRA adapters: low-rank pairs (A, B) beside chosen projections of each layer, applied as
// y = x W^T + (alpha / r) * dropout(x) A^T B^T; read and written in PEFT's format so adapters move
// between tunedeck and the Python ecosystem. The base weights are never modified. An adapter in
// use for generation is read-only; a training thread owns its own.
#pragma once
#include <ATen/core/Tensor.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "core/model_config.h"

namespace tunedeck {

struct LlamaWeights;       // core/llama_model.h
struct LlamaLayerWeights;  // core/llama_model.h

enum LoraTarget { kLoraQ, kLoraK, kLoraV, kLoraO, kLoraGate, kLoraUp, kLoraDown, kLoraTargetCount };

const char* lora_target_name(LoraTarget target);  // "q_proj", ..., "down_proj" (PEFT's names)
// The base projection a target sits beside (kLoraQ: the layer's wq, ...).
const at::Tensor& lora_base_weight(const LlamaLayerWeights& layer, LoraTarget target);
LoraTarget lora_target_from_name(const std::string& name);  // throws listing the valid names

struct LoraPair {
  at::Tensor a;  // [r, in]
  at::Tensor b;  // [out, r]
  bool defined() const { return a.defined(); }
};

struct LoraAdapter {
  ModelFamily family = ModelFamily::kLlama;  // whose module names PEFT's tensors carry
  int rank = 0;
  double alpha = 0;
  double dropout = 0;
  bool use_rslora = false;  // PEFT's rank-stabilised scaling alpha / sqrt(r)
  std::vector<std::array<LoraPair, kLoraTargetCount>> layers;  // undefined pairs: not targeted
  std::string base_model;     // base_model_name_or_path, for the "does it fit" check
  std::string template_hash;  // the chat template it was trained with ("" = unknown)

  double scale() const;
  std::vector<LoraTarget> targets() const;
  std::vector<at::Tensor> parameters() const;  // every A and B, in a fixed order
  size_t bytes() const;
};

struct LoraSettings {
  int rank = 16;
  double alpha = 32;
  double dropout = 0.05;
  std::vector<LoraTarget> targets = {kLoraQ, kLoraK, kLoraV, kLoraO, kLoraGate, kLoraUp, kLoraDown};
};

// A fresh adapter for `weights`: A ~ kaiming-uniform(a=sqrt(5)) as PEFT does, B = 0 (so it starts
// as the identity), float32, requires_grad, on the weights' device.
std::shared_ptr<LoraAdapter> lora_create(const ModelConfig& config, const LlamaWeights& weights,
                                         const LoraSettings& settings, uint64_t seed);

// PEFT's name of a pair's tensor: "base_model.model.model.layers.3.self_attn.q_proj.lora_A.weight"
// (EXAONE: "base_model.model.transformer.h.3.attn.attention.q_proj.lora_A.weight"); ab "A" or "B".
std::string lora_peft_tensor_name(ModelFamily family, int layer, LoraTarget target, const char* ab);

// Writes <dir>/adapter_config.json and <dir>/adapter_model.safetensors (PEFT names), atomically.
void lora_save_peft(const LoraAdapter& adapter, const std::string& dir);
// Reads a PEFT LoRA folder and checks it fits `config`/`weights` (layers, shapes). Throws with
// the file, tensor and expected vs actual shape. Tensors land on `weights`' device, float32.
std::shared_ptr<LoraAdapter> lora_load_peft(const std::string& dir, const ModelConfig& config,
                                            const LlamaWeights& weights);

}  // namespace tunedeck
