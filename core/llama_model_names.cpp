#include "core/llama_model_names.h"

namespace tunedeck {
namespace {

// A layer tensor's name after "<root>layers.N." (EXAONE: after "<root>h.N.").
const char* llama_suffix(LayerTensor which, bool gemma) {
  switch (which) {
    case LayerTensor::kAttnNorm:
      return "input_layernorm.weight";
    case LayerTensor::kQ:
      return "self_attn.q_proj.weight";
    case LayerTensor::kK:
      return "self_attn.k_proj.weight";
    case LayerTensor::kV:
      return "self_attn.v_proj.weight";
    case LayerTensor::kO:
      return "self_attn.o_proj.weight";
    case LayerTensor::kQBias:
      return "self_attn.q_proj.bias";
    case LayerTensor::kKBias:
      return "self_attn.k_proj.bias";
    case LayerTensor::kVBias:
      return "self_attn.v_proj.bias";
    case LayerTensor::kOBias:
      return "self_attn.o_proj.bias";
    case LayerTensor::kQNorm:
      return "self_attn.q_norm.weight";
    case LayerTensor::kKNorm:
      return "self_attn.k_norm.weight";
    case LayerTensor::kPostAttnNorm:
      return "post_attention_layernorm.weight";
    case LayerTensor::kMlpNorm:
      return gemma ? "pre_feedforward_layernorm.weight" : "post_attention_layernorm.weight";
    case LayerTensor::kPostMlpNorm:
      return "post_feedforward_layernorm.weight";
    case LayerTensor::kGate:
      return "mlp.gate_proj.weight";
    case LayerTensor::kUp:
      return "mlp.up_proj.weight";
    default:
      return "mlp.down_proj.weight";
  }
}

const char* exaone_suffix(LayerTensor which) {
  switch (which) {
    case LayerTensor::kAttnNorm:
      return "ln_1.weight";
    case LayerTensor::kQ:
      return "attn.attention.q_proj.weight";
    case LayerTensor::kK:
      return "attn.attention.k_proj.weight";
    case LayerTensor::kV:
      return "attn.attention.v_proj.weight";
    case LayerTensor::kO:
      return "attn.attention.out_proj.weight";
    case LayerTensor::kQBias:
      return "attn.attention.q_proj.bias";
    case LayerTensor::kKBias:
      return "attn.attention.k_proj.bias";
    case LayerTensor::kVBias:
      return "attn.attention.v_proj.bias";
    case LayerTensor::kOBias:
      return "attn.attention.out_proj.bias";
    case LayerTensor::kQNorm:
      return "attn.attention.q_norm.weight";
    case LayerTensor::kKNorm:
      return "attn.attention.k_norm.weight";
    case LayerTensor::kMlpNorm:
      return "ln_2.weight";
    case LayerTensor::kGate:
      return "mlp.c_fc_0.weight";
    case LayerTensor::kUp:
      return "mlp.c_fc_1.weight";
    case LayerTensor::kDown:
      return "mlp.c_proj.weight";
    default:
      return "post_norm.weight";  // EXAONE 3.5 has no post norms
  }
}

std::string layer_root(ModelFamily family, const std::string& root, int layer) {
  return root + (family == ModelFamily::kExaone ? "h." : "layers.") + std::to_string(layer) + ".";
}

}  // namespace

std::string model_tensor_root(ModelFamily family) {
  return family == ModelFamily::kExaone ? "transformer." : "model.";
}

std::string embed_tensor_name(ModelFamily family, const std::string& root) {
  return root + (family == ModelFamily::kExaone ? "wte.weight" : "embed_tokens.weight");
}

std::string final_norm_tensor_name(ModelFamily family, const std::string& root) {
  return root + (family == ModelFamily::kExaone ? "ln_f.weight" : "norm.weight");
}

std::string layer_tensor_name(ModelFamily family, const std::string& root, int layer,
                              LayerTensor which) {
  return layer_root(family, root, layer) +
         (family == ModelFamily::kExaone ? exaone_suffix(which)
                                         : llama_suffix(which, family == ModelFamily::kGemma3));
}

const char* lora_module_name(ModelFamily family, LoraTarget target) {
  if (family != ModelFamily::kExaone) return lora_target_name(target);
  static const char* const names[kLoraTargetCount] = {"q_proj", "k_proj", "v_proj", "out_proj",
                                                      "c_fc_0", "c_fc_1", "c_proj"};
  return names[target];
}

std::string lora_module_path(ModelFamily family, int layer, LoraTarget target) {
  static constexpr LayerTensor kWeights[kLoraTargetCount] = {
      LayerTensor::kQ,    LayerTensor::kK,  LayerTensor::kV,   LayerTensor::kO,
      LayerTensor::kGate, LayerTensor::kUp, LayerTensor::kDown};
  std::string name = layer_tensor_name(family, model_tensor_root(family), layer, kWeights[target]);
  return name.substr(0, name.size() - std::string(".weight").size());
}

}  // namespace tunedeck
