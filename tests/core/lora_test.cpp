// LoRA adapters: PEFT layout on disk (names, config), load refusals with the tensor and shapes,
// and the adapter applied beside the base agreeing with its update folded into the weights.
#include "core/lora.h"

#include <ATen/ATen.h>
#include <c10/core/InferenceMode.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/llama_model.h"
#include "core/safetensors.h"
#include "tests/test_support.h"

namespace tunedeck {
namespace {

using nlohmann::json;

// testing::small_model_config() with random f32 weights (seed 1).
LlamaModel small_model() {
  return LlamaModel::random(testing::small_model_config(), 1, 0.2,
                            at::TensorOptions().dtype(at::kFloat));
}

// An adapter with non-zero B so that it changes the output.
std::shared_ptr<LoraAdapter> trained_looking_adapter(const LlamaModel& model,
                                                     std::vector<LoraTarget> targets) {
  LoraSettings s;
  s.rank = 4;
  s.alpha = 8;
  s.dropout = 0.0;
  s.targets = std::move(targets);
  auto adapter = lora_create(model.config(), model.weights(), s, 3);
  at::NoGradGuard no_grad;
  for (auto& layer : adapter->layers)
    for (auto& pair : layer)
      if (pair.defined()) pair.b.normal_(0.0, 0.1);
  return adapter;
}

// The reference: new weights with W + scale * B A folded in (the base tensors are not touched).
LlamaWeights merged_weights(const LlamaWeights& base, const LoraAdapter& adapter) {
  LlamaWeights merged = base;
  for (size_t i = 0; i < merged.layers.size(); ++i) {
    LlamaLayerWeights& l = merged.layers[i];
    at::Tensor* weight[kLoraTargetCount] = {&l.wq,     &l.wk,   &l.wv,    &l.wo,
                                            &l.w_gate, &l.w_up, &l.w_down};
    for (int t = 0; t < kLoraTargetCount; ++t) {
      const LoraPair& p = adapter.layers[i][t];
      if (!p.defined()) continue;
      at::Tensor& w = *weight[t];
      w = (w.to(at::kFloat) + at::matmul(p.b.detach(), p.a.detach()) * adapter.scale())
              .to(w.scalar_type());
    }
  }
  return merged;
}

TEST(Lora, FreshAdapterIsTheIdentity) {
  LlamaModel model = small_model();
  LoraSettings s;
  auto adapter = lora_create(model.config(), model.weights(), s, 0);
  c10::InferenceMode guard;
  at::Tensor tokens = at::arange(10, at::kLong).unsqueeze(0);
  EXPECT_TRUE(at::allclose(model.forward(tokens, nullptr, 0),
                           model.forward(tokens, nullptr, 0, adapter.get())));
  EXPECT_EQ(adapter->targets().size(), 7u);
  EXPECT_DOUBLE_EQ(adapter->scale(), 2.0);  // alpha 32 / r 16
}

TEST(Lora, SavesInPeftLayoutAndLoadsBack) {
  LlamaModel model = small_model();
  auto adapter = trained_looking_adapter(model, {kLoraQ, kLoraV, kLoraDown});
  adapter->base_model = "some/base";
  adapter->template_hash = "0123456789abcdef";
  testing::ScratchDir dir;
  lora_save_peft(*adapter, dir.path());
  const json config = json::parse(testing::read_file(dir.file("adapter_config.json")));
  EXPECT_EQ(config["peft_type"], "LORA");
  EXPECT_EQ(config["task_type"], "CAUSAL_LM");
  EXPECT_EQ(config["r"], 4);
  EXPECT_EQ(config["lora_alpha"], 8.0);
  EXPECT_EQ(config["bias"], "none");
  EXPECT_EQ(config["base_model_name_or_path"], "some/base");
  EXPECT_EQ(config["target_modules"], json({"q_proj", "v_proj", "down_proj"}));
  auto file = SafetensorsFile::open(dir.file("adapter_model.safetensors"));
  EXPECT_EQ(file->tensors().size(), 12u);  // 2 layers x 3 targets x (A, B)
  EXPECT_EQ(
      file->tensors().at("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight").shape,
      (std::vector<int64_t>{4, 32}));
  EXPECT_EQ(file->tensors().at("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight").shape,
            (std::vector<int64_t>{32, 4}));

  auto loaded = lora_load_peft(dir.path(), model.config(), model.weights());
  EXPECT_EQ(loaded->rank, 4);
  EXPECT_EQ(loaded->template_hash, "0123456789abcdef");
  EXPECT_TRUE(at::equal(loaded->layers[1][kLoraDown].b, adapter->layers[1][kLoraDown].b));
  EXPECT_FALSE(loaded->layers[0][kLoraK].defined());
}

TEST(Lora, MergedAndUnmergedAgree) {
  LlamaModel model = small_model();
  auto adapter = trained_looking_adapter(
      model, {kLoraQ, kLoraK, kLoraV, kLoraO, kLoraGate, kLoraUp, kLoraDown});
  LlamaModel merged(model.config(), merged_weights(model.weights(), *adapter));
  c10::InferenceMode guard;
  at::Tensor tokens = at::arange(12, at::kLong).unsqueeze(0);
  at::Tensor base = model.forward(tokens, nullptr, 0);
  at::Tensor unmerged = model.forward(tokens, nullptr, 0, adapter.get());
  at::Tensor folded = merged.forward(tokens, nullptr, 0);
  EXPECT_GT((unmerged - base).abs().max().item<double>(), 1e-2);  // the adapter does something
  EXPECT_LT((unmerged - folded).abs().max().item<double>(), 1e-4);
  // merging made new tensors: the base is untouched
  EXPECT_TRUE(at::allclose(model.forward(tokens, nullptr, 0), base));
}

TEST(Lora, RefusesAnAdapterForAnotherShape) {
  LlamaModel model = small_model();
  ModelConfig wider = testing::small_model_config();
  wider.hidden_size = 64;
  wider.head_dim = 16;
  LlamaModel other = LlamaModel::random(wider, 1, 0.2, at::TensorOptions().dtype(at::kFloat));
  testing::ScratchDir dir;
  lora_save_peft(*trained_looking_adapter(other, {kLoraQ}), dir.path());
  try {
    lora_load_peft(dir.path(), model.config(), model.weights());
    FAIL();
  } catch (const std::exception& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("adapter_model.safetensors"), std::string::npos) << m;
    EXPECT_NE(m.find("q_proj.lora_A.weight"), std::string::npos) << m;
    EXPECT_NE(m.find("[4, 64]"), std::string::npos) << m;
    EXPECT_NE(m.find("[4, 32]"), std::string::npos) << m;
  }
}

TEST(Lora, RefusesAnAdapterWithMoreLayers) {
  ModelConfig deeper = testing::small_model_config();
  deeper.num_layers = 3;
  LlamaModel other = LlamaModel::random(deeper, 1, 0.2, at::TensorOptions().dtype(at::kFloat));
  LlamaModel model = small_model();
  testing::ScratchDir dir;
  lora_save_peft(*trained_looking_adapter(other, {kLoraQ}), dir.path());
  EXPECT_THROW(lora_load_peft(dir.path(), model.config(), model.weights()), std::runtime_error);
}

TEST(Lora, RefusesNonLoraAndMissingConfig) {
  LlamaModel model = small_model();
  testing::ScratchDir dir;
  EXPECT_THROW(lora_load_peft(dir.path(), model.config(), model.weights()), std::runtime_error);
  testing::write_file(dir.file("adapter_config.json"), R"({"peft_type": "PROMPT_TUNING", "r": 8})");
  try {
    lora_load_peft(dir.path(), model.config(), model.weights());
    FAIL();
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("PROMPT_TUNING"), std::string::npos);
  }
}

}  // namespace
}  // namespace tunedeck
