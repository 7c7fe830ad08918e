// train_configs_for_model: the shipped training configs made for a model folder are found by
// their [model] path (relative to the config file), LoRA ones first; others are not.
#include <gtest/gtest.h>

#include <filesystem>

#include "tests/test_support.h"
#include "train/train_config.h"

namespace tunedeck {
namespace {

TEST(TrainConfigsForModel, FindsTheShippedConfigsOfDatebotAndNoneForAnotherFolder) {
  const std::string train_dir = testing::source_dir() + "/etc/train";
  const std::vector<std::string> configs =
      train_configs_for_model(train_dir, testing::datebot_dir());
  ASSERT_FALSE(configs.empty());
  EXPECT_EQ(std::filesystem::path(configs.front()).filename(), "datebot_lora.toml");
  for (const std::string& config : configs)
    EXPECT_NE(config.find("datebot"), std::string::npos) << config;
  EXPECT_TRUE(train_configs_for_model(train_dir, testing::source_dir()).empty());
  EXPECT_TRUE(train_configs_for_model("/nonexistent", testing::datebot_dir()).empty());
}

TEST(TrainConfigsForModel, StoriesConfigsNameStories) {
  const std::vector<std::string> configs =
      train_configs_for_model(testing::source_dir() + "/etc/train", testing::stories_dir());
  ASSERT_EQ(configs.size(), 1u);
  EXPECT_EQ(std::filesystem::path(configs.front()).filename(), "stories260k_lora.toml");
}

}  // namespace
}  // namespace tunedeck
