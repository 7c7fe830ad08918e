// The Hugging Face tensor names of each model family's weights (model.layers.N.self_attn.q_proj,
// EXAONE's transformer.h.N.attn.attention.q_proj, Gemma's four norms, ...) and the PEFT module
// names of its LoRA targets. Names only: shapes and the math are core/llama_model's.
#pragma once
#include <string>

#include "core/lora.h"
#include "core/model_config.h"

namespace tunedeck {

// One tensor of a decoder layer (which of them a model has: its ModelConfig).
enum class LayerTensor {
  kAttnNorm,  // before attention
  kQ,         // q/k/v/o projections
  kK,
  kV,
  kO,
  kQBias,  // q/k/v/o biases
  kKBias,
  kVBias,
  kOBias,
  kQNorm,  // RMSNorm over each head of q and k
  kKNorm,
  kPostAttnNorm,  // Gemma: on attention's output, before the residual add
  kMlpNorm,       // before the MLP
  kPostMlpNorm,   // Gemma: on the MLP's output, before the residual add
  kGate,          // MLP projections
  kUp,
  kDown,
  kCount
};

// The prefix of a checkpoint's model tensors: "model." (EXAONE: "transformer."; Gemma 3's
// multimodal checkpoints: "language_model.model." or "model.language_model.").
std::string model_tensor_root(ModelFamily family);

std::string embed_tensor_name(ModelFamily family, const std::string& root);
std::string final_norm_tensor_name(ModelFamily family, const std::string& root);
std::string layer_tensor_name(ModelFamily family, const std::string& root, int layer,
                              LayerTensor which);

// The module a LoRA target sits beside, as PEFT names it: "q_proj" (EXAONE: "out_proj", "c_fc_0",
// ...), and its path in the model: "model.layers.3.self_attn.q_proj".
const char* lora_module_name(ModelFamily family, LoraTarget target);
std::string lora_module_path(ModelFamily family, int layer, LoraTarget target);

}  // namespace tunedeck
