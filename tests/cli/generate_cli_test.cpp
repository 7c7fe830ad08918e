// `tunedeck generate` as a user runs it: the real binary on stories260k (goldens through --json,
// plain streaming, bf16), and every kind of broken model folder giving exit 1 and one clear line
// naming the file and the tensor or field.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>

#include "tests/test_support.h"

namespace tunedeck {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::run_command;
using testing::stories_dir;

testing::CommandResult generate(const std::vector<std::string>& extra) {
  std::vector<std::string> argv = {"tunedeck", "generate"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return run_command(argv);
}

TEST(GenerateCli, JsonMatchesTheStories260kGolden) {
  const json golden = json::parse(testing::read_file(stories_dir() + "/golden.json"));
  const json& c = golden["cases"][1];
  auto r = generate({"--model", stories_dir(), "--prompt", c["prompt"], "--max-new-tokens", "64",
                     "--json", "--top-logits", "5"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json out = json::parse(r.out);  // stdout holds exactly one JSON object
  EXPECT_EQ(out["prompt_ids"], c["prompt_ids"]);
  EXPECT_EQ(out["output_ids"], c["greedy_ids"]);
  EXPECT_EQ(out["text"], c["greedy_text"]);
  EXPECT_EQ(out["stop_reason"], "length");
  for (const char* key : {"load_ms", "prefill_ms", "decode_ms", "prefill_tok_s", "decode_tok_s"})
    EXPECT_GT(out["timings"][key].get<double>(), 0.0) << key;
  ASSERT_EQ(out["top_logits"].size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(out["top_logits"][i]["id"], c["first_step_top5"][i]["id"]);
    EXPECT_EQ(out["top_logits"][i]["piece"], c["first_step_top5"][i]["piece"]);
    EXPECT_NEAR(out["top_logits"][i]["logit"].get<double>(),
                c["first_step_top5"][i]["logit"].get<double>(), 1e-4);
  }
}

TEST(GenerateCli, PlainModeStreamsTheTextToStdout) {
  auto r = generate(
      {"--model", stories_dir(), "--prompt", "Once upon a time", "--max-new-tokens", "10"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, ", there was a little girl named Lily\n");  // the golden's first 10 ids
  EXPECT_NE(r.err.find("tok/s"), std::string::npos);
}

TEST(GenerateCli, SeededSamplingIsReproducible) {
  std::vector<std::string> args = {"--model", stories_dir(),      "--prompt", "The little dog",
                                   "--json",  "--temperature",    "0.9",      "--top-k",
                                   "40",      "--top-p",          "0.95",     "--seed",
                                   "11",      "--max-new-tokens", "40"};
  auto a = generate(args), b = generate(args);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(json::parse(a.out)["output_ids"], json::parse(b.out)["output_ids"]);
  args[args.size() - 3] = "12";
  auto c = generate(args);
  EXPECT_NE(json::parse(a.out)["output_ids"], json::parse(c.out)["output_ids"]);
}

// bf16 is not covered by the goldens (../shared/models/stories260k/README.md): expect close text.
TEST(GenerateCli, Bf16GreedyTextStaysCloseToF32) {
  const json golden = json::parse(testing::read_file(stories_dir() + "/golden.json"));
  size_t total_common = 0, total = 0;
  for (const auto& c : golden["cases"]) {
    auto r = generate({"--model", stories_dir(), "--prompt", c["prompt"], "--max-new-tokens", "64",
                       "--dtype", "bf16", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto bf16 = json::parse(r.out)["output_ids"].get<std::vector<int>>();
    const auto f32 = c["greedy_ids"].get<std::vector<int>>();
    size_t common = 0;
    while (common < bf16.size() && common < f32.size() && bf16[common] == f32[common]) ++common;
    std::cout << "[ measured ] bf16 '" << c["prompt"].get<std::string>() << "': first " << common
              << " of 64 greedy ids equal f32\n";
    EXPECT_GE(common, 8u) << "bf16 left the f32 path too early";
    total_common += common;
    total += f32.size();
  }
  EXPECT_GE(total_common * 2, total);  // at least half of all ids on the f32 path
}

TEST(GenerateCli, HelpDescribesEveryFlag) {
  auto r = run_command({"tunedeck", "generate", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* flag :
       {"--model", "--prompt", "--max-new-tokens", "--temperature", "--top-k", "--top-p", "--min-p",
        "--repeat-penalty", "--seed", "--device", "--dtype", "--threads", "--top-logits", "--json"})
    EXPECT_NE(r.out.find(flag), std::string::npos) << flag;
  auto overview = run_command({"tunedeck", "--help"});
  EXPECT_EQ(overview.exit_code, 0);
  EXPECT_NE(overview.out.find("generate"), std::string::npos);
}

TEST(GenerateCli, UnknownFlagIsAUsageError) {
  auto r = generate({"--model", stories_dir(), "--prompt", "x", "--temprature", "1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--temprature"), std::string::npos);
}

// ---- broken model folders: exit 1, one line, the file and the tensor/field named ----

class BrokenModel : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* f : {"config.json", "generation_config.json", "tokenizer_config.json",
                          "tokenizer.model", "model.safetensors"})
      fs::copy_file(stories_dir() + "/" + f, dir_.file(f));
  }
  std::string weights() const { return dir_.file("model.safetensors"); }

  // Rewrites the safetensors header through `edit`, keeping the data section as it was.
  void edit_header(const std::function<void(json&)>& edit) {
    std::string content = testing::read_file(weights());
    uint64_t len = 0;
    std::memcpy(&len, content.data(), 8);
    json header = json::parse(content.substr(8, len));
    edit(header);
    std::string h = header.dump();
    uint64_t new_len = h.size();
    std::string out(8, '\0');
    std::memcpy(out.data(), &new_len, 8);
    testing::write_file(weights(), out + h + content.substr(8 + len));
  }
  void edit_config(const std::function<void(json&)>& edit) {
    json c = json::parse(testing::read_file(dir_.file("config.json")));
    edit(c);
    testing::write_file(dir_.file("config.json"), c.dump(2));
  }
  // Runs generate and checks: exit 1, exactly one line on stderr, containing every `needle`.
  void expect_one_line_error(const std::vector<std::string>& needles) {
    auto r =
        generate({"--model", dir_.path(), "--prompt", "Once upon a time", "--max-new-tokens", "4"});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    for (const auto& n : needles)
      EXPECT_NE(r.err.find(n), std::string::npos) << "missing '" << n << "' in: " << r.err;
    EXPECT_TRUE(r.out.empty());
  }
  testing::ScratchDir dir_;
};

TEST_F(BrokenModel, TruncatedWeightsFile) {
  fs::resize_file(weights(), fs::file_size(weights()) / 2);
  expect_one_line_error({"model.safetensors", "past the end of the data", "truncated"});
}

TEST_F(BrokenModel, HeaderLengthPastTheEnd) {
  std::string content = testing::read_file(weights());
  uint64_t huge = content.size();  // 8 + this > file size
  std::memcpy(content.data(), &huge, 8);
  testing::write_file(weights(), content);
  expect_one_line_error({"model.safetensors", "header length", "runs past the end of the file"});
}

TEST_F(BrokenModel, OffsetsOutOfRange) {
  edit_header([](json& h) { h["model.norm.weight"]["data_offsets"] = {2000000, 2000256}; });
  expect_one_line_error(
      {"model.safetensors", "tensor 'model.norm.weight'", "past the end of the data"});
}

TEST_F(BrokenModel, OverlappingTensors) {
  edit_header([](json& h) {
    h["model.layers.1.input_layernorm.weight"]["data_offsets"] =
        h["model.layers.0.input_layernorm.weight"]["data_offsets"];
  });
  expect_one_line_error({"model.safetensors", "overlap", "model.layers.1.input_layernorm.weight"});
}

TEST_F(BrokenModel, UnknownDtype) {
  edit_header([](json& h) { h["model.layers.0.mlp.up_proj.weight"]["dtype"] = "Q4_K"; });
  expect_one_line_error(
      {"model.safetensors", "tensor 'model.layers.0.mlp.up_proj.weight'", "unknown dtype 'Q4_K'"});
}

TEST_F(BrokenModel, MissingTensor) {
  edit_header([](json& h) { h.erase("model.layers.2.self_attn.v_proj.weight"); });
  expect_one_line_error(
      {"model.safetensors", "missing tensor 'model.layers.2.self_attn.v_proj.weight'"});
}

TEST_F(BrokenModel, ShapeDisagreesWithConfig) {
  edit_config([](json& c) { c["intermediate_size"] = 180; });
  expect_one_line_error({"model.safetensors", "tensor 'model.layers.0.mlp.gate_proj.weight'",
                         "[172, 64]", "config.json implies [180, 64]"});
}

TEST_F(BrokenModel, TokenizerWithMorePiecesThanEmbeddingRows) {
  fs::copy_file(testing::shared_dir() + "/tokenizers/llama2/tokenizer.model",
                dir_.file("tokenizer.model"), fs::copy_options::overwrite_existing);
  expect_one_line_error({"tokenizer.model", "32000 pieces", "512 rows"});
}

TEST_F(BrokenModel, MissingTokenizer) {
  fs::remove(dir_.file("tokenizer.model"));
  expect_one_line_error({dir_.file("tokenizer.model"), "not found"});
}

TEST_F(BrokenModel, MalformedConfigJson) {
  testing::write_file(dir_.file("config.json"), "{\"hidden_size\": 64,, }");
  expect_one_line_error({"config.json", "not valid JSON"});
}

TEST_F(BrokenModel, ConfigMissingAField) {
  edit_config([](json& c) { c.erase("num_hidden_layers"); });
  expect_one_line_error({"config.json", "missing field 'num_hidden_layers'"});
}

TEST_F(BrokenModel, NotAModelFolderAtAll) {
  auto r = generate({"--model", dir_.file("nope"), "--prompt", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("not a folder"), std::string::npos) << r.err;
}

// The `tunedeck` launcher (cli/launcher.cpp) sets libgomp's spin count before the engine starts,
// unless the user set a wait variable; the runtime line on stderr says what the engine got.
testing::CommandResult generate_with_clean_openmp_env(const std::vector<std::string>& env_args) {
  std::vector<std::string> argv = {"/usr/bin/env", "-u", "GOMP_SPINCOUNT", "-u", "OMP_WAIT_POLICY"};
  argv.insert(argv.end(), env_args.begin(), env_args.end());
  const std::vector<std::string> command = {testing::bin_dir() + "/tunedeck",
                                            "generate",
                                            "--model",
                                            stories_dir(),
                                            "--prompt",
                                            "Once",
                                            "--max-new-tokens",
                                            "4"};
  argv.insert(argv.end(), command.begin(), command.end());
  return run_command(argv);
}

TEST(GenerateCli, LauncherSetsOpenMpSpinCountUnlessTheUserChoseAWaitPolicy) {
  auto r = generate_with_clean_openmp_env({});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("OpenMP waits: GOMP_SPINCOUNT=1000"), std::string::npos) << r.err;
  r = generate_with_clean_openmp_env({"OMP_WAIT_POLICY=passive"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("OpenMP waits: OMP_WAIT_POLICY=passive"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("GOMP_SPINCOUNT"), std::string::npos) << r.err;
  r = generate_with_clean_openmp_env({"GOMP_SPINCOUNT=50000"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("OpenMP waits: GOMP_SPINCOUNT=50000"), std::string::npos) << r.err;
}

TEST(GenerateCli, LauncherWithoutItsEngineSaysWhatIsMissing) {
  testing::ScratchDir dir;
  fs::copy_file(testing::bin_dir() + "/tunedeck", dir.file("tunedeck"));
  fs::permissions(dir.file("tunedeck"), fs::perms::owner_all);
  auto r = run_command({dir.file("tunedeck"), "--help"});
  EXPECT_EQ(r.exit_code, 127);
  EXPECT_NE(r.err.find(dir.file("tunedeck_engine")), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("No such file"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tunedeck
