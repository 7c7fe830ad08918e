// session/model_sampling: a model's generation_config.json sets the sampling wherever the user
// did not choose (the shipped defaults give way, a user file or flag does not), as transformers
// does: sampling settings only with do_sample, greedy otherwise. Also the origins it relies on.
#include "session/model_sampling.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/test_support.h"

namespace tunedeck {
namespace {

class ModelSamplingTest : public ::testing::Test {
 protected:
  ModelSamplingTest() {
    config_.files = {"/shipped/tunedeck.toml"};
    for (const char* key :
         {"sampling.temperature", "sampling.top_k", "sampling.top_p", "sampling.repeat_penalty"})
      config_.origins[key] = "/shipped/tunedeck.toml";
  }
  void model_file(const std::string& text) {
    testing::write_file(dir_.file("generation_config.json"), text);
  }
  AppConfig config_;
  testing::ScratchDir dir_;
};

TEST_F(ModelSamplingTest, SamplingModelsBringTheirSettingsOverTheShippedDefaults) {
  model_file(R"({"do_sample": true, "temperature": 0.6, "top_k": 20, "top_p": 0.95,
                 "eos_token_id": [151645, 151643]})");
  const ModelSampling s = model_sampling(config_, dir_.path());
  EXPECT_DOUBLE_EQ(s.settings.temperature, 0.6);
  EXPECT_EQ(s.settings.top_k, 20);
  EXPECT_DOUBLE_EQ(s.settings.top_p, 0.95);
  EXPECT_EQ(s.note, "sampling temperature 0.6, top_k 20, top_p 0.95 from " + dir_.path() +
                        "/generation_config.json");
}

TEST_F(ModelSamplingTest, WhatTheUserChoseStays) {
  config_.sampling.temperature = 0.2;
  config_.origins["sampling.temperature"] = "--temperature";
  config_.origins["sampling.top_k"] = "/home/u/.config/tunedeck/config.toml";
  config_.sampling.top_k = 5;
  model_file(R"({"do_sample": true, "temperature": 0.6, "top_k": 20, "top_p": 0.9})");
  const ModelSampling s = model_sampling(config_, dir_.path());
  EXPECT_DOUBLE_EQ(s.settings.temperature, 0.2);
  EXPECT_EQ(s.settings.top_k, 5);
  EXPECT_DOUBLE_EQ(s.settings.top_p, 0.9);
  EXPECT_NE(s.note.find("top_p 0.9"), std::string::npos) << s.note;
  EXPECT_EQ(s.note.find("temperature"), std::string::npos) << s.note;
}

TEST_F(ModelSamplingTest, WithoutDoSampleTheModelIsGreedyAndNothingElseIsTaken) {
  config_.sampling.temperature = 0.8;  // as if the shipped file said so
  model_file(R"({"temperature": 0.6, "top_p": 0.9, "repetition_penalty": 1.1})");
  const ModelSampling s = model_sampling(config_, dir_.path());
  EXPECT_EQ(s.settings.temperature, 0);
  EXPECT_DOUBLE_EQ(s.settings.top_p, 1);
  EXPECT_DOUBLE_EQ(s.settings.repeat_penalty, 1.1);
  EXPECT_NE(s.note.find("greedy (do_sample false), repeat_penalty 1.1"), std::string::npos)
      << s.note;
}

TEST_F(ModelSamplingTest, NoFileOrNothingToChangeSaysNothing) {
  EXPECT_EQ(model_sampling(config_, dir_.path()).note, "");
  model_file(R"({"bos_token_id": 1, "eos_token_id": [2, 7]})");  // datebot's
  const ModelSampling s = model_sampling(config_, dir_.path());
  EXPECT_EQ(s.note, "");
  EXPECT_EQ(s.settings.temperature, 0);
}

TEST_F(ModelSamplingTest, ABrokenFileIsNamedAndChangesNothing) {
  model_file("{not json");
  ModelSampling s = model_sampling(config_, dir_.path());
  EXPECT_NE(s.note.find("generation_config.json is not a JSON object"), std::string::npos);
  EXPECT_EQ(s.settings.temperature, 0);
  model_file(R"({"do_sample": true, "temperature": "hot", "top_k": 40})");
  s = model_sampling(config_, dir_.path());
  EXPECT_EQ(s.settings.temperature, 0);
  EXPECT_EQ(s.settings.top_k, 40);
  EXPECT_NE(s.note.find("not numbers, ignored: temperature"), std::string::npos) << s.note;
}

TEST(AppConfigOrigins, EachKeyNamesTheLastFileThatSetItAndEveryTool) {
  testing::ScratchDir dir;
  testing::write_file(dir.file("a.toml"), "[sampling]\ntemperature = 0.5\ntop_k = 3\n");
  testing::write_file(dir.file("b.toml"),
                      "[sampling]\ntop_k = 4\n[[tools]]\nname = \"cal\"\ndescription = \"c\"\n"
                      "argv = [\"cal\"]\n");
  AppConfig config;
  app_config_apply_file(config, dir.file("a.toml"));
  app_config_apply_file(config, dir.file("b.toml"));
  EXPECT_EQ(config.origins["sampling.temperature"], dir.file("a.toml"));
  EXPECT_EQ(config.origins["sampling.top_k"], dir.file("b.toml"));
  EXPECT_EQ(config.origins["tools.cal"], dir.file("b.toml"));
  EXPECT_EQ(config.origins.count("model.path"), 0u);
  bool listed = false;
  for (const AppSetting& s : app_config_settings(config))
    if (s.key == "sampling.top_k") {
      listed = true;
      EXPECT_EQ(s.value, "4");
      EXPECT_EQ(s.origin, dir.file("b.toml"));
    }
  EXPECT_TRUE(listed);
}

}  // namespace
}  // namespace tunedeck
