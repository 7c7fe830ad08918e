// The model measurement behind `tunedeck bench`, without the binary: the figures derived from a
// report made by hand (medians, achieved GFLOP/s, shares), what the table and the JSON show of it,
// the settings' checks, and one small run on stories260k. No timing is asserted.
#include "bench/model_bench.h"

#include <gtest/gtest.h>

#include <sstream>

#include "core/runtime.h"
#include "tests/test_support.h"

namespace tunedeck {
namespace {

// 16 prompt tokens, prefill runs at 100/300/200 tok/s, decode at 10/30 tok/s (20 with libtorch),
// 1 GFLOP per prefill, 1 MB read per decode step against 100 MB/s: a 100 tok/s ceiling.
ModelBenchReport hand_made_report() {
  ModelBenchReport r;
  r.settings.model_dir = "models/tiny";
  r.settings.prompt_tokens = 16;
  r.settings.threads = 2;
  r.prefill_tok_s = {100, 300, 200};
  r.decode_tok_s = {10, 30};
  r.prefill_flops = 1e9;
  r.matmul_f32_gflops = 50;
  r.matmul_bf16_gflops = 125;
  r.decode_bytes.weights = 1e6;
  r.read_bandwidth_bytes_s = 1e8;
  r.weight_bytes = 1 << 20;
  r.parameters = 260000;
  return r;
}

TEST(ModelBench, FiguresAreMediansAndSharesOfTheLimits) {
  ModelBenchReport r = hand_made_report();
  ModelBenchFigures f = model_bench_figures(r);
  EXPECT_DOUBLE_EQ(f.prefill_tok_s, 200);
  EXPECT_DOUBLE_EQ(f.decode_tok_s, 20);                          // the mean of the middle two
  EXPECT_DOUBLE_EQ(f.prefill_gflops, 1e9 / (16 / 200.0) / 1e9);  // 12.5
  EXPECT_DOUBLE_EQ(f.matmul_peak_gflops, 50);
  EXPECT_DOUBLE_EQ(f.prefill_share, 12.5 / 50);
  EXPECT_DOUBLE_EQ(f.decode_ceiling_tok_s, 100);
  EXPECT_DOUBLE_EQ(f.decode_share, 0.2);
  EXPECT_DOUBLE_EQ(f.fast_over_torch, 0);  // no libtorch runs

  r.settings.dtype = "bf16";  // the peak of the bench's own dtype
  r.torch_decode_tok_s = {10};
  f = model_bench_figures(r);
  EXPECT_DOUBLE_EQ(f.matmul_peak_gflops, 125);
  EXPECT_DOUBLE_EQ(f.torch_decode_share, 0.1);
  EXPECT_DOUBLE_EQ(f.fast_over_torch, 2);
}

TEST(ModelBench, NothingMeasuredGivesZerosNotNaN) {
  const ModelBenchFigures f = model_bench_figures(ModelBenchReport{});
  for (double figure : {f.prefill_tok_s, f.decode_tok_s, f.prefill_gflops, f.prefill_share,
                        f.decode_ceiling_tok_s, f.decode_share, f.fast_over_torch})
    EXPECT_EQ(figure, 0.0);
}

TEST(ModelBench, TableShowsTheFiguresAndTheLibtorchRowOnlyWhenItRan) {
  ModelBenchReport r = hand_made_report();
  std::ostringstream table;
  model_bench_table(r, table);
  EXPECT_NE(table.str().find("tunedeck bench  models/tiny  f32 on cpu, 260.0K parameters"),
            std::string::npos)
      << table.str();
  EXPECT_NE(table.str().find("200 tok/s"), std::string::npos) << table.str();
  EXPECT_NE(table.str().find("20.0%"), std::string::npos) << table.str();  // decode share
  EXPECT_EQ(table.str().find("decode (torch)"), std::string::npos) << table.str();

  r.torch_decode_tok_s = {10};
  std::ostringstream both;
  model_bench_table(r, both);
  EXPECT_NE(both.str().find("decode (torch)"), std::string::npos) << both.str();
  EXPECT_NE(both.str().find("(fast step 2.00x libtorch's ops)"), std::string::npos) << both.str();
}

TEST(ModelBench, TableNotesWhenTheDecodeStepFitsTheLastLevelCache) {
  ModelBenchReport r = hand_made_report();
  r.last_level_cache_bytes = size_t{32} << 20;  // 1 MB a step fits; the 1 GiB buffer does not
  std::ostringstream table;
  model_bench_table(r, table);
  EXPECT_NE(table.str().find("the bandwidth ceiling does not bind here"), std::string::npos);
  EXPECT_EQ(table.str().find("part of it is cache bandwidth"), std::string::npos);
}

TEST(ModelBench, JsonCarriesTheFiguresAndNullForWhatWasNotMeasured) {
  ModelBenchReport r = hand_made_report();
  const nlohmann::json j = model_bench_json(r);
  EXPECT_DOUBLE_EQ(j["prefill"]["tok_s"].get<double>(), 200);
  EXPECT_EQ(j["prefill"]["runs_tok_s"].size(), 3u);
  EXPECT_DOUBLE_EQ(j["decode"]["share_of_bandwidth_ceiling"].get<double>(), 0.2);
  EXPECT_DOUBLE_EQ(j["ratios"]["prefill_of_matmul_peak"].get<double>(), 0.25);
  EXPECT_TRUE(j["memory"]["peak_rss_bytes"].is_null());
  EXPECT_TRUE(j["load"]["cold_cached_share"].is_null());
  EXPECT_FALSE(j.contains("decode_torch"));
  r.peak_rss_bytes = 4096;
  EXPECT_EQ(model_bench_json(r)["memory"]["peak_rss_bytes"], 4096);
}

TEST(ModelBench, CheckNamesTheFlagThatIsOutOfRange) {
  ModelBenchSettings s;
  s.model_dir = "m";
  EXPECT_NO_THROW(model_bench_check(s));
  auto message = [](ModelBenchSettings bad) -> std::string {
    try {
      model_bench_check(bad);
    } catch (const ModelBenchSettingsError& e) {
      return e.what();
    }
    return "no error";
  };
  ModelBenchSettings no_model;
  EXPECT_EQ(message(no_model), "--model DIR is required");
  ModelBenchSettings one_token = s;
  one_token.new_tokens = 1;
  EXPECT_EQ(message(one_token), "--new-tokens must be >= 2 (decode starts at the second)");
  ModelBenchSettings path = s;
  path.decode_path = "gpu";
  EXPECT_EQ(message(path), "--decode-path must be fast, torch or both");
  ModelBenchSettings dtype = s;
  dtype.dtype = "f16";
  EXPECT_EQ(message(dtype), "--dtype must be f32 or bf16");
}

ModelBenchSettings quick_stories_settings() {
  ModelBenchSettings s;
  s.model_dir = testing::stories_dir();
  s.prompt_tokens = 8;
  s.new_tokens = 4;
  s.runs = 2;
  s.threads = runtime_init(1);
  s.bandwidth_mib = 16;
  s.matmul_size = 64;
  return s;
}

TEST(ModelBench, RunOnStories260kMeasuresEveryStage) {
  std::vector<std::string> stages;
  const ModelBenchReport r = model_bench_run(
      quick_stories_settings(), [&](const std::string& line) { stages.push_back(line); });
  ASSERT_EQ(stages.size(), 4u);  // cold load, warm runs, bandwidth, matmul
  EXPECT_EQ(stages[0].rfind("cold load of ", 0), 0u) << stages[0];
  EXPECT_EQ(r.tokenizer, "tokenizer.model");
  EXPECT_EQ(r.generated_tokens, 4);  // EOS never ends a run early
  EXPECT_EQ(r.decode_steps, 3);      // the first token comes from the prefill
  ASSERT_EQ(r.prefill_tok_s.size(), 2u);
  ASSERT_EQ(r.decode_tok_s.size(), 2u);
  EXPECT_TRUE(r.torch_decode_tok_s.empty());
  EXPECT_GT(r.decode_tok_s[0], 0);
  EXPECT_GE(r.cold_first_token_ms, r.cold_load_ms);
  EXPECT_EQ(r.parameters, r.config.parameter_count());
  EXPECT_GT(r.decode_bytes.weights, 0);
  EXPECT_GT(r.read_bandwidth_bytes_s, 0);
  EXPECT_GT(r.matmul_f32_gflops, 0);
}

TEST(ModelBench, BothPathsRunTheSamePromptsAndALongPromptIsASettingsError) {
  ModelBenchSettings s = quick_stories_settings();
  s.decode_path = "both";
  const ModelBenchReport r = model_bench_run(s, {});
  EXPECT_EQ(r.torch_decode_tok_s.size(), 2u);
  EXPECT_EQ(r.decode_tok_s.size(), 2u);

  s.prompt_tokens = 510;  // + 4 new tokens passes stories260k's 512 positions
  EXPECT_THROW(model_bench_run(s, {}), ModelBenchSettingsError);
}

}  // namespace
}  // namespace tunedeck
