// core/paths: one XDG rule for every file tunedeck keeps (absolute variables only, else HOME).
#include "core/paths.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "tests/test_support.h"

namespace tunedeck {
namespace {

using testing::ScopedEnv;

// HOME, XDG_DATA_HOME, XDG_CONFIG_HOME and XDG_STATE_HOME set (nullptr: unset) for one test.
struct UserDirsEnv {
  UserDirsEnv(const char* home, const char* data, const char* config, const char* state)
      : home_("HOME", home),
        data_("XDG_DATA_HOME", data),
        config_("XDG_CONFIG_HOME", config),
        state_("XDG_STATE_HOME", state) {}
  ScopedEnv home_, data_, config_, state_;
};

TEST(Paths, XdgVariablesWinOverHome) {
  const UserDirsEnv env("/home/me", "/data/me", "/conf/me", "/state/me");
  EXPECT_EQ(default_database_path(), "/data/me/tunedeck/tunedeck.db");
  EXPECT_EQ(line_history_path(), "/data/me/tunedeck/history");
  EXPECT_EQ(user_config_path(), "/conf/me/tunedeck/config.toml");
  EXPECT_EQ(app_log_path(), "/state/me/tunedeck/tunedeck.log");
}

TEST(Paths, HomeDefaultsWithoutXdgVariables) {
  const UserDirsEnv env("/home/me", nullptr, nullptr, nullptr);
  EXPECT_EQ(default_database_path(), "/home/me/.local/share/tunedeck/tunedeck.db");
  EXPECT_EQ(line_history_path(), "/home/me/.local/share/tunedeck/history");
  EXPECT_EQ(user_config_path(), "/home/me/.config/tunedeck/config.toml");
  EXPECT_EQ(app_log_path(), "/home/me/.local/state/tunedeck/tunedeck.log");
}

// The XDG spec: a relative path in these variables is invalid and ignored, by every path alike.
TEST(Paths, RelativeXdgVariablesAreIgnoredEverywhere) {
  const UserDirsEnv env("/home/me", "relative/data", "relative/config", "relative/state");
  EXPECT_EQ(default_database_path(), "/home/me/.local/share/tunedeck/tunedeck.db");
  EXPECT_EQ(user_config_path(), "/home/me/.config/tunedeck/config.toml");
  EXPECT_EQ(app_log_path(), "/home/me/.local/state/tunedeck/tunedeck.log");
}

TEST(Paths, WithoutAnyHomeTheDatabaseAsksForDb) {
  const UserDirsEnv env(nullptr, nullptr, nullptr, nullptr);
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
