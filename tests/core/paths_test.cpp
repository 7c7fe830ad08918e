// core/paths: one XDG rule for every file tunedeck keeps (absolute variables only, else HOME).
#include "core/paths.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "tests/test_support.h"

namespace tunedeck {
namespace {

using testing::ScopedEnv;

TEST(Paths, XdgVariablesWinOverHome) {
  ScopedEnv home("HOME", "/home/me");
  ScopedEnv data("XDG_DATA_HOME", "/data/me");
  ScopedEnv config("XDG_CONFIG_HOME", "/conf/me");
  ScopedEnv state("XDG_STATE_HOME", "/state/me");
  EXPECT_EQ(default_database_path(), "/data/me/tunedeck/tunedeck.db");
  EXPECT_EQ(line_history_path(), "/data/me/tunedeck/history");
  EXPECT_EQ(user_config_path(), "/conf/me/tunedeck/config.toml");
  EXPECT_EQ(app_log_path(), "/state/me/tunedeck/tunedeck.log");
}

TEST(Paths, HomeDefaultsWithoutXdgVariables) {
  ScopedEnv home("HOME", "/home/me");
  ScopedEnv data("XDG_DATA_HOME", nullptr);
  ScopedEnv config("XDG_CONFIG_HOME", nullptr);
  ScopedEnv state("XDG_STATE_HOME", nullptr);
  EXPECT_EQ(default_database_path(), "/home/me/.local/share/tunedeck/tunedeck.db");
  EXPECT_EQ(line_history_path(), "/home/me/.local/share/tunedeck/history");
  EXPECT_EQ(user_config_path(), "/home/me/.config/tunedeck/config.toml");
  EXPECT_EQ(app_log_path(), "/home/me/.local/state/tunedeck/tunedeck.log");
}

// The XDG spec: a relative path in these variables is invalid and ignored (before, the
// database ignored it and the config file did not, so the two disagreed).
TEST(Paths, RelativeXdgVariablesAreIgnoredEverywhere) {
  ScopedEnv home("HOME", "/home/me");
  ScopedEnv data("XDG_DATA_HOME", "relative/data");
  ScopedEnv config("XDG_CONFIG_HOME", "relative/config");
  ScopedEnv state("XDG_STATE_HOME", "relative/state");
  EXPECT_EQ(default_database_path(), "/home/me/.local/share/tunedeck/tunedeck.db");
  EXPECT_EQ(user_config_path(), "/home/me/.config/tunedeck/config.toml");
  EXPECT_EQ(app_log_path(), "/home/me/.local/state/tunedeck/tunedeck.log");
}

TEST(Paths, WithoutAnyHomeTheDatabaseAsksForDb) {
  ScopedEnv home("HOME", nullptr);
  ScopedEnv data("XDG_DATA_HOME", nullptr);
  ScopedEnv config("XDG_CONFIG_HOME", nullptr);
  try {
    default_database_path();
    FAIL() << "expected a throw";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("--db"), std::string::npos) << e.what();
  }
  EXPECT_EQ(user_config_path(), "");
  EXPECT_EQ(line_history_path(), "");
}

}  // namespace
}  // namespace tunedeck
