#include "core/lora.h"

namespace tunedeck {

const char* lora_target_name(LoraTarget target) {
  static const char* const names[kLoraTargetCount] = {"q_proj",    "k_proj",  "v_proj",   "o_proj",
                                                      "gate_proj", "up_proj", "down_proj"};
  return names[target];
}

}  // namespace tunedeck
