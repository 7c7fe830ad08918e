// `tunedeck models`, `tunedeck config` and `--version` as a user runs them: a Hugging Face cache
// holding stories260k is listed and `ask --model org/name` loads it from there; config prints
// each setting with the file or flag that set it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/test_support.h"

namespace tunedeck {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::CommandResult;

class ModelsCli : public ::testing::Test {
 protected:
  ModelsCli() {
    // hub/models--karpathy--stories260k/snapshots/rev (refs/main = rev), files linked as the
    // hub's blobs are.
    const fs::path entry = fs::path(dir_.path()) / "hub" / "models--karpathy--stories260k";
    const fs::path snapshot = entry / "snapshots" / "rev";
    fs::create_directories(snapshot);
    fs::create_directories(entry / "refs");
    std::ofstream(entry / "refs" / "main") << "rev";
    for (const auto& file : fs::directory_iterator(testing::stories_dir()))
      fs::create_symlink(file.path(), snapshot / file.path().filename());
    snapshot_ = snapshot.string();
  }
  CommandResult run(std::vector<std::string> args) {
    args.insert(args.begin(), "tunedeck");
    return testing::run_command(
        args, "",
        {"XDG_CONFIG_HOME=" + dir_.file("config"), "XDG_DATA_HOME=" + dir_.file("data"),
         "HF_HUB_CACHE=" + dir_.file("hub"), "HOME=" + dir_.path()});
  }
  testing::ScratchDir dir_;
  std::string snapshot_;
};

TEST_F(ModelsCli, ListsTheCacheAsATableAndAsJson) {
  const CommandResult table = run({"models"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("NAME"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("karpathy/stories260k  llama"), std::string::npos) << table.out;

  const CommandResult listed = run({"models", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const json models = json::parse(listed.out);
  ASSERT_EQ(models.size(), 1u) << listed.out;
  EXPECT_EQ(models[0]["name"], "karpathy/stories260k");
  EXPECT_EQ(models[0]["dir"], snapshot_);
  EXPECT_EQ(models[0]["family"], "llama");
  EXPECT_GT(models[0]["parameters"].get<long long>(), 200000);
  EXPECT_LT(models[0]["parameters"].get<long long>(), 300000);
}

TEST_F(ModelsCli, AskLoadsAModelByItsCacheNameAndNeverDownloads) {
  const CommandResult r = run({"ask", "--model", "karpathy/stories260k", "--max-new-tokens", "5",
                               "--json", "--db", dir_.file("m.db"), "Once upon a time"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(json::parse(r.out)["answer"].get<std::string>().empty()) << r.out;

  const CommandResult missing =
      run({"ask", "--model", "nobody/nothing", "--db", dir_.file("m.db"), "hi"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("never downloads"), std::string::npos) << missing.err;
  EXPECT_NE(missing.err.find(dir_.file("hub")), std::string::npos) << missing.err;
}

TEST_F(ModelsCli, ConfigSaysWhereEachSettingCameFrom) {
  const std::string file = dir_.file("mine.toml");
  std::ofstream(file) << "[sampling]\ntemperature = 0.7\n";
  const CommandResult r = run({"config", "--config", file, "--top-k", "5", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const json out = json::parse(r.out);
  std::map<std::string, std::pair<json, std::string>> settings;
  for (const json& s : out["settings"]) settings[s["key"]] = {s["value"], s["origin"]};
  EXPECT_EQ(settings["sampling.temperature"].first, 0.7);
  EXPECT_EQ(settings["sampling.temperature"].second, file);
  EXPECT_EQ(settings["sampling.top_k"].first, 5);
  EXPECT_EQ(settings["sampling.top_k"].second, "--top-k");
  EXPECT_NE(settings["model.path"].second.find("tunedeck.toml"), std::string::npos);
  EXPECT_EQ(settings["model.models_dir"].second, out["files"][0]);  // the shipped defaults
  EXPECT_EQ(out["files"].back(), file);

  const CommandResult text = run({"config"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("sampling.temperature = 0.0"), std::string::npos) << text.out;
}

TEST_F(ModelsCli, VersionPrintsTheVersion) {
  const CommandResult r = run({"--version"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("tunedeck 0.", 0), 0u) << r.out;
}

}  // namespace
}  // namespace tunedeck
