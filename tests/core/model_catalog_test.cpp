// core/model_catalog: a Hugging Face cache laid out as huggingface_hub writes it (refs, snapshots,
// links into blobs) and a models folder are listed with what their files say, and a name
// resolves to its snapshot; unreadable entries are listed with the problem, never a crash.
#include "core/model_catalog.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/paths.h"
#include "tests/test_support.h"

namespace tunedeck {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

void write_text(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// A safetensors file whose header names `shapes` (F32), with zeroed data.
std::string safetensors_bytes(const std::vector<std::vector<int64_t>>& shapes,
                              const std::string& dtype = "F32") {
  json header = json::object();
  uint64_t offset = 0;
  for (size_t i = 0; i < shapes.size(); ++i) {
    uint64_t count = 1;
    for (int64_t d : shapes[i]) count *= d;
    const uint64_t bytes = count * (dtype == "F32" ? 4 : 2);
    header["t" + std::to_string(i)] = {
        {"dtype", dtype}, {"shape", shapes[i]}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  header["__metadata__"] = {{"format", "pt"}};
  const std::string text = header.dump();
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((text.size() >> (8 * i)) & 0xff);
  return out + text + std::string(offset, '\0');
}

// hub/models--Org--Tiny: two snapshots, refs/main naming "abc"; the weights link into blobs/.
fs::path make_cache_entry(const fs::path& hub, const std::string& folder, const json& config,
                          const std::string& weights) {
  const fs::path entry = hub / folder;
  const fs::path snapshot = entry / "snapshots" / "abc";
  write_text(entry / "refs" / "main", "abc");
  write_text(entry / "blobs" / "f00d", weights);
  write_text(snapshot / "config.json", config.dump());
  fs::create_directories(entry / "snapshots" / "old");
  write_text(entry / "snapshots" / "old" / "config.json", "{}");
  fs::create_symlink("../../blobs/f00d", snapshot / "model.safetensors");
  return snapshot;
}

const LocalModel& find(const std::vector<LocalModel>& models, const std::string& name) {
  for (const LocalModel& m : models)
    if (m.name == name) return m;
  throw std::runtime_error("no model " + name);
}

TEST(ModelCatalog, ListsCacheEntriesByOrgAndNameWithWhatTheirFilesSay) {
  testing::ScratchDir scratch;
  const fs::path hub = fs::path(scratch.path()) / "hub";
  const fs::path snapshot = make_cache_entry(hub, "models--Org--Tiny",
                                             {{"model_type", "qwen3"}, {"torch_dtype", "bfloat16"}},
                                             safetensors_bytes({{4, 8}, {8}}));
  write_text(snapshot / "tokenizer_config.json",
             json{{"chat_template", "{% if tools %}{{ tools | tojson }}{% endif %}"}}.dump());

  const std::vector<LocalModel> models = model_catalog_scan({{hub.string()}, {}});
  ASSERT_EQ(models.size(), 1u);
  const LocalModel& m = models[0];
  EXPECT_EQ(m.name, "Org/Tiny");
  EXPECT_EQ(m.source, "hf-cache");
  EXPECT_EQ(fs::path(m.dir), snapshot);  // refs/main's snapshot, not the other one
  EXPECT_EQ(m.family, "qwen3");
  EXPECT_EQ(m.parameters, 4 * 8 + 8);
  EXPECT_EQ(m.dtype, "bfloat16");
  EXPECT_GT(m.disk_bytes, 40u * 4);  // the blob behind the link counts
  EXPECT_TRUE(m.has_template);
  EXPECT_TRUE(m.template_has_tools);
  EXPECT_EQ(m.problem, "");
}

TEST(ModelCatalog, SaysQuantizationAndListsBrokenEntriesWithTheirProblem) {
  testing::ScratchDir scratch;
  const fs::path hub = fs::path(scratch.path()) / "hub";
  make_cache_entry(hub, "models--Org--Gptq",
                   {{"model_type", "llama"},
                    {"torch_dtype", "float16"},
                    {"quantization_config", {{"quant_method", "gptq"}, {"bits", 4}}}},
                   safetensors_bytes({{2, 2}}, "F16"));
  make_cache_entry(hub, "models--gpt2", {{"model_type", "gpt2"}}, "\x05\x00");  // truncated

  const std::vector<LocalModel> models = model_catalog_scan({{hub.string()}, {}});
  ASSERT_EQ(models.size(), 2u);
  EXPECT_EQ(find(models, "Org/Gptq").dtype, "gptq-4bit");
  EXPECT_FALSE(find(models, "Org/Gptq").has_template);
  const LocalModel& broken = find(models, "gpt2");
  EXPECT_EQ(broken.parameters, -1);
  EXPECT_NE(broken.problem.find("model.safetensors is truncated"), std::string::npos)
      << broken.problem;
}

TEST(ModelCatalog, ListsAModelsFolderOneOrTwoLevelsDeepAndTheTensorsDtype) {
  testing::ScratchDir scratch;
  const fs::path root = fs::path(scratch.path()) / "models";
  write_text(root / "mine" / "config.json", json{{"model_type", "llama"}}.dump());
  write_text(root / "mine" / "model.safetensors", safetensors_bytes({{3}}, "BF16"));
  write_text(root / "org2" / "deep" / "config.json", json{{"model_type", "gemma3_text"}}.dump());
  write_text(root / "notes" / "readme.txt", "not a model");

  const std::vector<LocalModel> models = model_catalog_scan({{}, {root.string()}});
  ASSERT_EQ(models.size(), 2u);
  EXPECT_EQ(models[0].name, "mine");
  EXPECT_EQ(models[0].dtype, "BF16");
  EXPECT_EQ(models[0].parameters, 3);
  EXPECT_EQ(models[1].name, "org2/deep");
  EXPECT_EQ(models[1].source, "models-dir");
  EXPECT_EQ(models[1].problem, "no .safetensors files");
}

TEST(ModelCatalog, ResolvesAFolderAsGivenAndANameToItsSnapshot) {
  testing::ScratchDir scratch;
  const fs::path hub = fs::path(scratch.path()) / "hub";
  const fs::path snapshot = make_cache_entry(hub, "models--Org--Tiny", {{"model_type", "llama"}},
                                             safetensors_bytes({{1}}));
  const ModelSearch search{{hub.string()}, {}};
  EXPECT_EQ(fs::path(model_catalog_resolve("Org/Tiny", search)), snapshot);
  const std::vector<LocalModel> found = model_catalog_find(search);  // no file read
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].name, "Org/Tiny");
  EXPECT_EQ(found[0].family, "");
  EXPECT_EQ(found[0].parameters, -1);
  EXPECT_EQ(model_catalog_resolve(scratch.path(), search), scratch.path());
  try {
    model_catalog_resolve("Org/Missing", search);
    FAIL() << "expected a throw";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("'Org/Missing'"), std::string::npos) << message;
    EXPECT_NE(message.find(hub.string()), std::string::npos) << message;
    EXPECT_NE(message.find("never downloads"), std::string::npos) << message;
  }
}

TEST(ModelCatalog, FindsTheCachesAsHuggingFaceHubDoes) {
  testing::ScopedEnv hub("HF_HUB_CACHE", "/cache/hub");
  testing::ScopedEnv legacy("HUGGINGFACE_HUB_CACHE", nullptr);
  testing::ScopedEnv hf_home("HF_HOME", "~/hf");
  testing::ScopedEnv xdg("XDG_CACHE_HOME", "relative/ignored");
  testing::ScopedEnv home("HOME", "/home/u");
  EXPECT_EQ(huggingface_hub_dirs(), (std::vector<std::string>{"/cache/hub", "/home/u/hf/hub",
                                                              "/home/u/.cache/huggingface/hub"}));
}

TEST(ModelCatalog, WritesParameterCountsShort) {
  EXPECT_EQ(model_catalog_parameters_text(-1), "?");
  EXPECT_EQ(model_catalog_parameters_text(260000), "260K");
  EXPECT_EQ(model_catalog_parameters_text(3400000), "3.4M");
  EXPECT_EQ(model_catalog_parameters_text(596049920), "596.0M");
  EXPECT_EQ(model_catalog_parameters_text(1235814400), "1.2B");
}

}  // namespace
}  // namespace tunedeck
