// The model families (Llama 3, Qwen2, Qwen3, Gemma 3 text, EXAONE) against an independent
// reference written from Hugging Face's modeling code (tests/reference/hf_reference.py, run by
// Debian's /usr/bin/python3 with torch): logits at every position, greedy ids, cached decode
// against a full recompute, bf16 and sharded checkpoints, LoRA per family, `generate --json`, and
// the clear errors bad configs get.
#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>

#include "core/kernels/forward_kernels.h"
#include "core/llama_model.h"
#include "core/lora.h"
#include "core/model_config.h"
#include "core/runtime.h"
#include "core/safetensors.h"
#include "tests/test_support.h"

namespace tunedeck {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr double kTolerance = 1e-4;
const char kPython[] = "/usr/bin/python3";

std::string reference_script() {
  return testing::source_dir() + "/tests/reference/hf_reference.py";
}

bool python_has_torch() {
  static const bool has =
      fs::exists(kPython) && testing::run_command({kPython, "-c", "import torch"}).exit_code == 0;
  return has;
}

#define SKIP_WITHOUT_PYTHON_TORCH()                                                           \
  if (!python_has_torch())                                                                    \
  GTEST_SKIP() << "the reference needs /usr/bin/python3 with torch (Debian's python3-torch, " \
                  "scripts/deps)"

// A folder made by `hf_reference.py make`, shared by every test process of this build: keyed by
// the script's text, made once (in a temporary folder renamed into place).
std::string reference_model(const std::string& family, const std::string& dtype = "f32",
                            int shards = 1) {
  const std::string script = testing::read_file(reference_script());
  const fs::path root =
      fs::temp_directory_path() /
      ("tunedeck_hf_reference_" + std::to_string(std::hash<std::string>{}(script)));
  const fs::path dir = root / (family + "_" + dtype + "_" + std::to_string(shards));
  if (fs::exists(dir / "reference.json")) return dir.string();
  fs::create_directories(root);
  const fs::path temp = root / (dir.filename().string() + ".tmp" + std::to_string(getpid()));
  const testing::CommandResult r =
      testing::run_command({kPython, reference_script(), "make", "--family", family, "--out",
                            temp.string(), "--dtype", dtype, "--shards", std::to_string(shards)});
  if (r.exit_code != 0) throw std::runtime_error("hf_reference.py make failed: " + r.err);
  std::error_code ignored;
  fs::rename(temp, dir, ignored);  // another process may have won: its folder is the same
  fs::remove_all(temp, ignored);
  return dir.string();
}

json read_json(const std::string& path) { return json::parse(testing::read_file(path)); }

at::Tensor tokens_of(const std::vector<int64_t>& ids) {
  return at::tensor(ids, at::kLong).view({1, static_cast<int64_t>(ids.size())});
}

// Largest |a - b| over a [T, V] tensor and the reference's rows.
double max_difference(const at::Tensor& logits, const json& rows) {
  std::vector<float> flat;
  for (const auto& row : rows)
    for (float v : row.get<std::vector<float>>()) flat.push_back(v);
  const at::Tensor ref = at::tensor(flat, at::kFloat).view(logits.sizes());
  return (logits - ref).abs().max().item<double>();
}

std::vector<int64_t> greedy(const LlamaModel& model, std::vector<int64_t> ids, int count) {
  at::NoGradGuard no_grad;
  std::vector<int64_t> out;
  for (int i = 0; i < count; ++i) {
    const at::Tensor logits = model.forward(tokens_of(ids), nullptr, 0);
    const int64_t next = logits[0][-1].argmax().item<int64_t>();
    out.push_back(next);
    ids.push_back(next);
  }
  return out;
}

class FamilyReference : public ::testing::TestWithParam<std::string> {};

INSTANTIATE_TEST_SUITE_P(Families, FamilyReference,
                         ::testing::Values("llama3", "qwen2", "qwen3", "gemma3", "exaone"));

TEST_P(FamilyReference, LogitsAtEveryPositionMatchTheReference) {
  SKIP_WITHOUT_PYTHON_TORCH();
  const std::string dir = reference_model(GetParam());
  const json ref = read_json(dir + "/reference.json");
  const LlamaModel model = LlamaModel::load(dir, {});
  const at::Tensor tokens = tokens_of(ref["prompt_ids"].get<std::vector<int64_t>>());
  at::NoGradGuard no_grad;
  for (CpuKernels kernels : {CpuKernels::kTunedeck, CpuKernels::kLibtorch}) {
    ForwardOptions fo;
    fo.cpu_kernels = kernels;
    const at::Tensor logits = model.forward(tokens, nullptr, 0, nullptr, fo)[0];
    EXPECT_LT(max_difference(logits, ref["logits"]), kTolerance)
        << GetParam() << (kernels == CpuKernels::kTunedeck ? " (tunedeck's plan)" : " (libtorch)");
  }
}

TEST_P(FamilyReference, GreedyIdsMatchTheReference) {
  SKIP_WITHOUT_PYTHON_TORCH();
  const std::string dir = reference_model(GetParam());
  const json ref = read_json(dir + "/reference.json");
  const LlamaModel model = LlamaModel::load(dir, {});
  const auto want = ref["greedy_ids"].get<std::vector<int64_t>>();
  EXPECT_EQ(
      greedy(model, ref["prompt_ids"].get<std::vector<int64_t>>(), static_cast<int>(want.size())),
      want);
}

// Prefill of the first 5 positions, then one position at a time (past Gemma's window of 8):
// every step's logits equal the full recompute's at that position.
TEST_P(FamilyReference, CachedDecodeEqualsFullRecompute) {
  SKIP_WITHOUT_PYTHON_TORCH();
  const std::string dir = reference_model(GetParam());
  const json ref = read_json(dir + "/reference.json");
  const LlamaModel model = LlamaModel::load(dir, {});
  const auto ids = ref["prompt_ids"].get<std::vector<int64_t>>();
  const int64_t T = static_cast<int64_t>(ids.size()), first = 5;
  at::NoGradGuard no_grad;
  const at::Tensor full = model.forward(tokens_of(ids), nullptr, 0)[0];
  KvCache cache = model.make_cache(1, T);
  const at::Tensor prefill =
      model.forward(tokens_of({ids.begin(), ids.begin() + first}), &cache, 0)[0];
  EXPECT_LT((prefill - full.narrow(0, 0, first)).abs().max().item<double>(), kTolerance);
  for (int64_t t = first; t < T; ++t) {
    const at::Tensor step = model.forward(tokens_of({ids[t]}), &cache, t)[0][0];
    EXPECT_LT((step - full[t]).abs().max().item<double>(), kTolerance) << "position " << t;
  }
}

// Gemma's sliding layers keep only their window; a cache that dropped positions keeps no prefix.
TEST(ModelFamilyCache, SlidingLayersKeepOnlyTheirWindow) {
  SKIP_WITHOUT_PYTHON_TORCH();
  const LlamaModel model = LlamaModel::load(reference_model("gemma3"), {});
  const ModelConfig& c = model.config();  // 4 layers, 2 sliding with a window of 8, 1 kv head
  KvCache cache = model.make_cache(1, 64);
  const size_t position_bytes = 2 * c.num_kv_heads * c.head_dim * sizeof(float);
  EXPECT_EQ(cache.bytes(), position_bytes * (2 * 64 + 2 * 8));
  at::NoGradGuard no_grad;
  std::vector<int64_t> ids(12, 7);
  model.forward(tokens_of(ids), &cache, 0);
  EXPECT_EQ(cache.truncate(12), 12);
  EXPECT_EQ(cache.truncate(10), 0);  // position 10 needs 3..9, the window holds 4..11
  model.forward(tokens_of({ids.begin(), ids.begin() + 6}), &cache, 0);
  EXPECT_EQ(cache.truncate(4), 4);  // nothing dropped yet
}

// Which kernels ran is visible: the families with pieces tunedeck's kernels lack say so.
TEST_P(FamilyReference, KernelPlanSaysWhenItFallsBack) {
  SKIP_WITHOUT_PYTHON_TORCH();
  const LlamaModel model = LlamaModel::load(reference_model(GetParam()), {});
  at::NoGradGuard no_grad;
  KvCache cache = model.make_cache(1, 4);
  const std::string plan = forward_kernels_describe(
      forward_kernels_choose(model, tokens_of({1, 5, 6}), &cache, nullptr, {}));
  const bool llama_math = GetParam() == "llama3" || GetParam() == "exaone";
  EXPECT_EQ(plan.find("libtorch's ops (") == 0, !llama_math) << plan;
}

TEST_P(FamilyReference, BfloatCheckpointInThreeShardsMatchesTheReference) {
  SKIP_WITHOUT_PYTHON_TORCH();
  const std::string dir = reference_model(GetParam(), "bf16", 3);
  ASSERT_TRUE(fs::exists(dir + "/model.safetensors.index.json"));
  const json ref = read_json(dir + "/reference.json");
  const LlamaModel model = LlamaModel::load(dir, {});  // bf16 on disk, f32 in memory
  at::NoGradGuard no_grad;
  const at::Tensor logits =
      model.forward(tokens_of(ref["prompt_ids"].get<std::vector<int64_t>>()), nullptr, 0)[0];
  EXPECT_LT(max_difference(logits, ref["logits"]), kTolerance);
}

// LoRA on every family: the loss falls on a tiny set, and the adapter comes back from PEFT's
// format (with the family's module names) giving the same logits.
TEST_P(FamilyReference, LoraTrainsSavesAndLoadsBack) {
  SKIP_WITHOUT_PYTHON_TORCH();
  const std::string dir = reference_model(GetParam());
  const LlamaModel model = LlamaModel::load(dir, {});
  LoraSettings settings;
  settings.rank = 4;
  settings.dropout = 0;
  auto adapter = lora_create(model.config(), model.weights(), settings, 7);
  const at::Tensor tokens =
      at::tensor(std::vector<int64_t>{1, 10, 20, 30, 40, 50, 60, 70, 1, 11, 22, 33, 44, 55, 66, 77},
                 at::kLong)
          .view({2, 8});
  const at::Tensor inputs = tokens.narrow(1, 0, 7), targets = tokens.narrow(1, 1, 7);
  auto loss_now = [&](bool training) {
    ForwardOptions fo;
    fo.training = training;
    const at::Tensor logits = model.forward(inputs, nullptr, 0, adapter.get(), fo);
    return at::cross_entropy_loss(logits.reshape({-1, logits.size(-1)}), targets.reshape({-1}));
  };
  const double first_loss = loss_now(false).item<double>();
  for (int step = 0; step < 15; ++step) {
    at::Tensor loss = loss_now(true);
    loss.backward();
    at::NoGradGuard no_grad;
    for (at::Tensor& p : adapter->parameters()) {
      p.sub_(p.grad() * 0.05);
      p.mutable_grad().zero_();
    }
  }
  const double last_loss = loss_now(false).item<double>();
  EXPECT_LT(last_loss, first_loss * 0.7) << GetParam();

  testing::ScratchDir out;
  lora_save_peft(*adapter, out.path());
  const auto file = SafetensorsFile::open(out.file("adapter_model.safetensors"));
  const std::string q_name =
      GetParam() == "exaone"
          ? "base_model.model.transformer.h.1.attn.attention.q_proj.lora_A.weight"
          : "base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight";
  EXPECT_TRUE(file->contains(q_name));
  const json config = read_json(out.file("adapter_config.json"));
  if (GetParam() == "exaone")
    EXPECT_NE(config["target_modules"].dump().find("c_fc_0"), std::string::npos);
  const auto loaded = lora_load_peft(out.path(), model.config(), model.weights());
  at::NoGradGuard no_grad;
  const at::Tensor a = model.forward(inputs, nullptr, 0, adapter.get());
  const at::Tensor b = model.forward(inputs, nullptr, 0, loaded.get());
  EXPECT_LT((a - b).abs().max().item<double>(), 1e-5);
}

// `tunedeck generate --json` on the tiny model with stories260k's sentencepiece tokenizer beside
// it: the reference, fed the same prompt ids, gives the same greedy ids and top logits.
TEST_P(FamilyReference, GenerateJsonMatchesTheReference) {
  SKIP_WITHOUT_PYTHON_TORCH();
  testing::ScratchDir folder;
  for (const auto& entry : fs::directory_iterator(reference_model(GetParam())))
    fs::copy(entry.path(), folder.path());
  for (const char* name : {"tokenizer.model", "tokenizer_config.json"})
    fs::copy(testing::stories_dir() + "/" + name, folder.file(name));
  testing::write_file(folder.file("generation_config.json"), "{\"eos_token_id\": 2}");
  const testing::CommandResult r = testing::run_command(
      {"tunedeck", "generate", "--model", folder.path(), "--prompt", "Once upon a time", "--json",
       "--top-logits", "3", "--max-new-tokens", "5", "--threads", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json got = json::parse(r.out);
  ASSERT_TRUE(got.contains("prompt_ids") && got.contains("output_ids") &&
              got.contains("top_logits"));
  EXPECT_FALSE(got["kernels"]["prefill"].get<std::string>().empty());
  std::string ids;
  for (int id : got["prompt_ids"]) ids += (ids.empty() ? "" : ",") + std::to_string(id);
  const testing::CommandResult py =
      testing::run_command({kPython, reference_script(), "greedy", "--dir", folder.path(), "--ids",
                            ids, "--n", "5", "--top", "3"});
  ASSERT_EQ(py.exit_code, 0) << py.err;
  const json want = json::parse(py.out);
  const auto out = got["output_ids"].get<std::vector<int>>();
  const auto want_out = want["output_ids"].get<std::vector<int>>();
  ASSERT_FALSE(out.empty());
  ASSERT_LE(out.size(), want_out.size());
  EXPECT_EQ(out, std::vector<int>(want_out.begin(), want_out.begin() + out.size()));
  if (out.size() < want_out.size()) EXPECT_EQ(out.back(), 2) << "stopped early without EOS";
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(got["top_logits"][i]["id"], want["top_logits"][i][0]);
    EXPECT_NEAR(got["top_logits"][i]["logit"].get<double>(), want["top_logits"][i][1].get<double>(),
                kTolerance);
  }
}

// ---- configs that load, and the ones that must not ----

std::string config_text(const std::string& model_type, const std::string& extra) {
  return R"({"model_type": ")" + model_type +
         R"(", "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
            "num_key_value_heads": 2, "intermediate_size": 128, "vocab_size": 512)" +
         extra + "}";
}

std::string parse_error(const std::string& text) {
  try {
    model_config_parse(text, "dir/config.json");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "(parsed)";
}

void expect_error_names(const std::string& error, const std::string& key) {
  EXPECT_NE(error.find("dir/config.json"), std::string::npos) << error;
  EXPECT_NE(error.find(key), std::string::npos) << error;
}

TEST(ModelConfigFamilies, BadConfigsNameTheKeyAndTheFile) {
  expect_error_names(parse_error(config_text("qwen3", "")), "head_dim");
  expect_error_names(parse_error(config_text("gemma3_text", "")), "head_dim");
  expect_error_names(
      parse_error(config_text("gemma3_text", R"(, "head_dim": 16, "sliding_window": 8,
                  "layer_types": ["sliding_attention"])")),
      "layer_types");
  expect_error_names(
      parse_error(config_text("gemma3_text", R"(, "head_dim": 16, "sliding_window": 0)")),
      "sliding_window");
  expect_error_names(parse_error(config_text("llama", R"(, "rope_theta": -1)")), "rope_theta");
  expect_error_names(parse_error(config_text("qwen2", R"(, "rms_norm_eps": 0)")), "rms_norm_eps");
  expect_error_names(parse_error(config_text("exaone", R"(, "num_layers": 2,
                     "layer_norm_epsilon": 0)")),
                     "layer_norm_epsilon");
  const std::string unknown = parse_error(config_text("mamba", ""));
  expect_error_names(unknown, "mamba");
  for (const char* supported : {"llama", "qwen2", "qwen3", "gemma3_text", "exaone"})
    EXPECT_NE(unknown.find(supported), std::string::npos) << unknown;
}

TEST(ModelConfigFamilies, FamiliesSwitchOnTheirPieces) {
  const ModelConfig qwen2 = model_config_parse(config_text("qwen2", R"(, "new_key": [1])"), "c");
  EXPECT_TRUE(qwen2.qkv_bias && !qwen2.o_bias && !qwen2.qk_norm && qwen2.sliding_layers.empty());
  const ModelConfig gemma =
      model_config_parse(config_text("gemma3_text", R"(, "num_hidden_layers": 6, "head_dim": 16,
                  "sliding_window": 8, "sliding_window_pattern": 3)"),
                         "c");
  EXPECT_EQ(gemma.sliding_layers, (std::vector<bool>{true, true, false, true, true, false}));
  EXPECT_TRUE(gemma.gemma_norms && gemma.embed_scaled && gemma.qk_norm &&
              gemma.tie_word_embeddings);
  EXPECT_EQ(gemma.activation, MlpActivation::kGeluTanh);
  EXPECT_DOUBLE_EQ(gemma.query_pre_attn_scalar, 256);
  EXPECT_FALSE(gemma.llama_math());
  const ModelConfig exaone = model_config_parse(
      R"({"model_type": "exaone", "hidden_size": 64, "num_layers": 3, "num_attention_heads": 4,
          "intermediate_size": 128, "vocab_size": 512, "layer_norm_epsilon": 1e-5,
          "activation_function": "silu"})",
      "c");
  EXPECT_EQ(exaone.num_layers, 3);
  EXPECT_TRUE(exaone.llama_math());
  // Gemma 3's multimodal config: its text part
  const ModelConfig multimodal = model_config_parse(
      R"({"model_type": "gemma3", "text_config": {"hidden_size": 64, "num_hidden_layers": 2,
          "num_attention_heads": 4, "num_key_value_heads": 1, "head_dim": 16,
          "intermediate_size": 128, "vocab_size": 512}, "vision_config": {}})",
      "c");
  EXPECT_EQ(multimodal.family, ModelFamily::kGemma3);
  // written back and read again: the same model
  const ModelConfig again = model_config_parse(model_config_to_json(gemma), "c");
  EXPECT_EQ(again.sliding_layers, gemma.sliding_layers);
  EXPECT_EQ(again.head_dim, 16);
}

TEST(ModelConfigFamilies, QNormOfTheWrongSizeNamesTensorAndFile) {
  SKIP_WITHOUT_PYTHON_TORCH();
  testing::ScratchDir folder;
  const std::string source = reference_model("qwen3");
  fs::copy(source + "/config.json", folder.file("config.json"));
  const auto file = SafetensorsFile::open(source + "/model.safetensors");
  std::vector<std::pair<std::string, at::Tensor>> tensors;
  for (const auto& [name, info] : file->tensors()) {
    at::Tensor t = file->tensor(name);
    if (name == "model.layers.1.self_attn.q_norm.weight") t = at::ones({16});
    tensors.emplace_back(name, t);
  }
  safetensors_write(folder.file("model.safetensors"), tensors);
  try {
    LlamaModel::load(folder.path(), {});
    FAIL() << "loaded a q_norm of the wrong size";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("model.layers.1.self_attn.q_norm.weight"), std::string::npos) << what;
    EXPECT_NE(what.find("model.safetensors"), std::string::npos) << what;
    EXPECT_NE(what.find("[32]"), std::string::npos) << what;
  }
}

// Gemma 3's multimodal layout: the text config under "text_config", the tensors under
// "language_model.": the same model.
TEST(ModelConfigFamilies, GemmaMultimodalCheckpointLoadsItsTextModel) {
  SKIP_WITHOUT_PYTHON_TORCH();
  testing::ScratchDir folder;
  const std::string source = reference_model("gemma3");
  const json text = read_json(source + "/config.json");
  testing::write_file(folder.file("config.json"),
                      json{{"model_type", "gemma3"}, {"text_config", text}}.dump());
  const auto file = SafetensorsFile::open(source + "/model.safetensors");
  std::vector<std::pair<std::string, at::Tensor>> tensors;
  for (const auto& [name, info] : file->tensors())
    tensors.emplace_back("language_model." + name, file->tensor(name));
  safetensors_write(folder.file("model.safetensors"), tensors);
  const LlamaModel model = LlamaModel::load(folder.path(), {});
  const json ref = read_json(source + "/reference.json");
  at::NoGradGuard no_grad;
  const at::Tensor logits =
      model.forward(tokens_of(ref["prompt_ids"].get<std::vector<int64_t>>()), nullptr, 0)[0];
  EXPECT_LT(max_difference(logits, ref["logits"]), kTolerance);
}

}  // namespace
}  // namespace tunedeck
