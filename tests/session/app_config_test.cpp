// The layered TOML config: shipped defaults < user file < --config; strict keys and types;
// errors that name file and line.
#include "session/app_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <toml.hpp>

#include "tests/test_support.h"

namespace tunedeck {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string shipped_etc() { return testing::source_dir() + "/etc"; }

// Environment for one test: the shipped etc/, and per-user folders inside a scratch directory.
class AppConfigTest : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& text) {
    const std::string path = dir_.file(name);
    fs::create_directories(fs::path(path).parent_path());
    testing::write_file(path, text);
    return path;
  }

  std::string error_loading(const std::string& text) {
    const std::string path = write("bad.toml", text);
    try {
      AppConfig config;
      app_config_apply_file(config, path);
    } catch (const AppConfigError& e) {
      return e.what();
    }
    return "(loaded)";
  }

  testing::ScratchDir dir_;
  const testing::ScopedEnv etc_dir_{"TUNEDECK_ETC_DIR", shipped_etc().c_str()};
  const testing::ScopedEnv config_home_{"XDG_CONFIG_HOME", dir_.file("xdg-config").c_str()};
  const testing::ScopedEnv data_home_{"XDG_DATA_HOME", dir_.file("xdg-data").c_str()};
};

TEST_F(AppConfigTest, ShippedFileMatchesTheStructDefaults) {
  const AppConfig loaded = app_config_load();
  const AppConfig defaults;
  EXPECT_EQ(loaded.files, (std::vector<std::string>{shipped_etc() + "/tunedeck.toml"}));
  EXPECT_EQ(defaults.model.path, "");
  EXPECT_EQ(loaded.model.path, shipped_etc() + "/models/datebot");  // relative to etc/
  EXPECT_EQ(loaded.model.device, defaults.model.device);
  EXPECT_EQ(loaded.model.dtype, defaults.model.dtype);
  EXPECT_EQ(loaded.model.threads, defaults.model.threads);
  EXPECT_EQ(loaded.model.adapter, defaults.model.adapter);
  EXPECT_EQ(loaded.sampling.temperature, defaults.sampling.temperature);
  EXPECT_EQ(loaded.sampling.top_k, defaults.sampling.top_k);
  EXPECT_EQ(loaded.sampling.top_p, defaults.sampling.top_p);
  EXPECT_EQ(loaded.sampling.min_p, defaults.sampling.min_p);
  EXPECT_EQ(loaded.sampling.repeat_penalty, defaults.sampling.repeat_penalty);
  EXPECT_EQ(loaded.sampling.max_new_tokens, defaults.sampling.max_new_tokens);
  EXPECT_EQ(loaded.sampling.seed, defaults.sampling.seed);
  EXPECT_EQ(loaded.agent.max_steps, defaults.agent.max_steps);
  EXPECT_EQ(loaded.agent.template_name, defaults.agent.template_name);
  // The shipped model learned with exactly the prompt the agent shows it.
  const toml::value datebot = toml::parse(shipped_etc() + "/train/datebot.toml");
  EXPECT_EQ(loaded.agent.system_prompt, toml::find<std::string>(datebot, "data", "system_prompt"));
  EXPECT_EQ(loaded.memory.db, defaults.memory.db);
  EXPECT_EQ(loaded.stats.interval_s, defaults.stats.interval_s);
  EXPECT_EQ(loaded.stats.nvml_library, defaults.stats.nvml_library);
  EXPECT_TRUE(loaded.tools.empty());
}

TEST_F(AppConfigTest, LayersOverrideInOrder) {
  write("xdg-config/tunedeck/config.toml",
        "[sampling]\ntemperature = 0.5\ntop_k = 40\n[model]\ndevice = \"cuda\"\n");
  const std::string explicit_file = write("run.toml", "[sampling]\ntemperature = 1\n");
  const AppConfig config = app_config_load(explicit_file);
  EXPECT_EQ(config.sampling.temperature, 1.0);  // --config wins; an integer is fine for a float
  EXPECT_EQ(config.sampling.top_k, 40);         // from the user file
  EXPECT_EQ(config.model.device, "cuda");       // from the user file
  EXPECT_EQ(config.model.dtype, "f32");         // shipped default
  EXPECT_EQ(config.files, (std::vector<std::string>{shipped_etc() + "/tunedeck.toml",
                                                    dir_.file("xdg-config/tunedeck/config.toml"),
                                                    explicit_file}));
}

TEST_F(AppConfigTest, UserFileDefaultsToDotConfigUnderHome) {
  const testing::ScopedEnv no_config_home("XDG_CONFIG_HOME", nullptr);
  const testing::ScopedEnv home("HOME", dir_.path().c_str());
  write(".config/tunedeck/config.toml", "[agent]\nmax_steps = 9\n");
  const std::string user_file = app_config_user_file();
  const AppConfig config = app_config_load();
  EXPECT_EQ(user_file, dir_.path() + "/.config/tunedeck/config.toml");
  EXPECT_EQ(config.agent.max_steps, 9);
}

TEST_F(AppConfigTest, MissingExplicitFileIsAnError) {
  try {
    app_config_load(dir_.file("nope.toml"));
    FAIL() << "expected an error";
  } catch (const AppConfigError& e) {
    EXPECT_EQ(std::string(e.what()), dir_.file("nope.toml") + ": config file not found");
  }
}

TEST_F(AppConfigTest, RelativePathsAreRelativeToTheConfigFile) {
  const std::string path = write("conf/my.toml",
                                 "[model]\npath = \"../models/datebot\"\nadapter = \"/abs/lora\"\n"
                                 "[memory]\ndb = \"state/t.db\"\n");
  AppConfig config;
  app_config_apply_file(config, path);
  EXPECT_EQ(config.model.path, dir_.file("models/datebot"));
  EXPECT_EQ(config.model.adapter, "/abs/lora");
  EXPECT_EQ(config.memory.db, dir_.file("conf/state/t.db"));
  EXPECT_EQ(app_config_db_path(config), dir_.file("conf/state/t.db"));
}

TEST_F(AppConfigTest, DefaultDatabaseFollowsXdgDataHome) {
  EXPECT_EQ(app_config_db_path(AppConfig{}), dir_.file("xdg-data") + "/tunedeck/tunedeck.db");
  const testing::ScopedEnv no_data_home("XDG_DATA_HOME", nullptr);
  const testing::ScopedEnv home("HOME", "/home/someone");
  EXPECT_EQ(app_config_db_path(AppConfig{}), "/home/someone/.local/share/tunedeck/tunedeck.db");
  EXPECT_EQ(app_config_user_file(), dir_.file("xdg-config") + "/tunedeck/config.toml");
}

TEST_F(AppConfigTest, SyntaxErrorNamesFileAndLine) {
  const std::string message = error_loading("[model]\ndevice = \"cpu\"\npath = \n");
  EXPECT_EQ(message.rfind(dir_.file("bad.toml") + ":3: TOML syntax error\n", 0), 0u) << message;
  EXPECT_NE(message.find("path ="), std::string::npos) << message;
}

TEST_F(AppConfigTest, WrongTypeNamesFileLineAndKey) {
  const std::string message = error_loading("[model]\n\nthreads = \"four\"\n");
  EXPECT_EQ(message.rfind(
                dir_.file("bad.toml") + ":3: [model] threads must be an integer, got a string", 0),
            0u)
      << message;
  EXPECT_NE(message.find("threads = \"four\""), std::string::npos) << message;
  EXPECT_EQ(error_loading("[sampling]\ntemperature = \"hot\"\n")
                .rfind(dir_.file("bad.toml") +
                           ":2: [sampling] temperature must be a number, got a string",
                       0),
            0u);
  EXPECT_EQ(
      error_loading("model = 3\n")
          .rfind(dir_.file("bad.toml") + ":1: 'model' must be a table ([model]), got an integer",
                 0),
      0u);
}

TEST_F(AppConfigTest, UnknownKeysAndSectionsAreRejected) {
  std::string message = error_loading("[sampling]\ntemprature = 0.3\n");
  EXPECT_EQ(message.rfind(dir_.file("bad.toml") + ":2: unknown key 'temprature' in [sampling]", 0),
            0u)
      << message;
  EXPECT_NE(message.find("known keys in [sampling]: temperature, top_k"), std::string::npos)
      << message;
  message = error_loading("[modle]\npath = \"x\"\n");
  EXPECT_NE(message.find("unknown key 'modle' in the top level"), std::string::npos) << message;
}

TEST_F(AppConfigTest, BadValuesAreRejected) {
  EXPECT_NE(error_loading("[model]\ndevice = \"gpu\"\n")
                .find(":2: [model] device = \"gpu\" is not one of \"cpu\", \"cuda\""),
            std::string::npos);
  EXPECT_NE(
      error_loading("[model]\ndevice = \"cuda:x\"\n")
          .find(":2: [model] device = \"cuda:x\" is not one of \"cpu\", \"cuda\", \"cuda:N\""),
      std::string::npos);
  EXPECT_NE(
      error_loading("[model]\ndtype = \"fp16\"\n").find("is not one of \"f32\", \"bf16\", \"f16\""),
      std::string::npos);
  EXPECT_NE(error_loading("[sampling]\ntop_p = 1.5\n").find(":2: [sampling] top_p must be in 0..1"),
            std::string::npos);
  EXPECT_NE(error_loading("[agent]\nmax_steps = 0\n").find("[agent] max_steps must be in 1..1000"),
            std::string::npos);
  EXPECT_NE(error_loading("[sampling]\nseed = -1\n").find("[sampling] seed must be >= 0"),
            std::string::npos);
  EXPECT_NE(error_loading("[agent]\nbuiltin_tools = \"all\"\n")
                .find(":2: [agent] builtin_tools = \"all\" is not one of \"basic\", \"calendar\""),
            std::string::npos);
  AppConfig config;
  app_config_apply_file(config, write("tools.toml", "[agent]\nbuiltin_tools = \"calendar\"\n"));
  EXPECT_EQ(config.agent.builtin_tools, "calendar");
  app_config_apply_file(config,
                        write("gpu.toml", "[model]\ndevice = \"cuda:1\"\ndtype = \"bf16\"\n"));
  EXPECT_EQ(config.model.device, "cuda:1");
  EXPECT_EQ(config.model.dtype, "bf16");
}

TEST_F(AppConfigTest, ToolsFromInlineTablesSubTablesAndJsonStrings) {
  const std::string path = write("tools.toml", R"(
[[tools]]
name = "cal"
description = "Prints a month's calendar."
parameters = { type = "object", properties = { month = { type = "integer", minimum = 1, maximum = 12 }, year = { type = "integer" } }, required = ["month", "year"] }
argv = ["cal", "{month}", "{year}"]
timeout_s = 2.5
max_output_bytes = 4096

[[tools]]
name = "lookup"
description = "Looks a word up."
argv = ["./bin/lookup.sh", "{word}"]
cwd = "work"
[tools.parameters]
type = "object"
required = ["word"]
[tools.parameters.properties.word]
type = "string"

[[tools]]
name = "hello"
description = "Says hello."
parameters = '{"type": "object", "properties": {}}'
argv = ["echo", "hello"]
)");
  AppConfig config;
  app_config_apply_file(config, path);
  ASSERT_EQ(config.tools.size(), 3u);
  const UserToolSpec& cal = config.tools[0];
  EXPECT_EQ(cal.name, "cal");
  EXPECT_EQ(cal.origin, path + ":2");
  EXPECT_EQ(cal.parameters, json::parse(R"({"type": "object", "required": ["month", "year"],
      "properties": {"month": {"type": "integer", "minimum": 1, "maximum": 12},
                     "year": {"type": "integer"}}})"));
  EXPECT_EQ(cal.argv, (std::vector<std::string>{"cal", "{month}", "{year}"}));
  EXPECT_EQ(cal.timeout_s, 2.5);
  EXPECT_EQ(cal.max_output_bytes, 4096u);
  EXPECT_EQ(cal.cwd, "");
  const UserToolSpec& lookup = config.tools[1];
  EXPECT_EQ(lookup.argv[0], dir_.file("bin/lookup.sh"));
  EXPECT_EQ(lookup.cwd, dir_.file("work"));
  EXPECT_EQ(lookup.parameters, json::parse(R"({"type": "object", "required": ["word"],
                            "properties": {"word": {"type": "string"}}})"));
  EXPECT_EQ(lookup.timeout_s, 10);
  EXPECT_EQ(config.tools[2].parameters, (json{{"type", "object"}, {"properties", json::object()}}));
}

TEST_F(AppConfigTest, LaterLayerReplacesAToolOfTheSameName) {
  AppConfig config;
  app_config_apply_file(config, write("a.toml",
                                      "[[tools]]\nname = \"say\"\ndescription = \"one\"\n"
                                      "argv = [\"echo\", \"1\"]\n[[tools]]\nname = \"x\"\n"
                                      "description = \"x\"\nargv = [\"true\"]\n"));
  app_config_apply_file(config, write("b.toml",
                                      "[[tools]]\nname = \"say\"\ndescription = \"two\"\n"
                                      "argv = [\"echo\", \"2\"]\n"));
  ASSERT_EQ(config.tools.size(), 2u);
  EXPECT_EQ(config.tools[0].name, "x");
  EXPECT_EQ(config.tools[1].description, "two");
}

TEST_F(AppConfigTest, BadToolsNameFileAndLine) {
  std::string message = error_loading(
      "\n[[tools]]\nname = \"say\"\ndescription = \"d\"\n"
      "argv = [\"echo\", \"{word}\"]\n");
  EXPECT_EQ(message.rfind(dir_.file("bad.toml") + ":2: tool 'say' (" + dir_.file("bad.toml") +
                              ":2): argv[1] uses {word} but parameters.properties declares no "
                              "'word'",
                          0),
            0u)
      << message;
  message = error_loading("[[tools]]\nname = \"say\"\ndescription = \"d\"\n");
  EXPECT_EQ(message.rfind(dir_.file("bad.toml") + ":1: [[tools]] entry has no 'argv'", 0), 0u)
      << message;
  message = error_loading("[[tools]]\nname = \"say\"\ndescription = \"d\"\nargv = [\"echo\", 3]\n");
  EXPECT_EQ(
      message.rfind(
          dir_.file("bad.toml") + ":4: [[tools]] argv must hold strings, found an integer", 0),
      0u)
      << message;
  message = error_loading(
      "[[tools]]\nname = \"say\"\ndescription = \"d\"\nargv = [\"echo\"]\n"
      "shell = true\n");
  EXPECT_EQ(message.rfind(dir_.file("bad.toml") + ":5: unknown key 'shell' in [[tools]]", 0), 0u)
      << message;
  message = error_loading(
      "[[tools]]\nname = \"say\"\ndescription = \"d\"\nargv = [\"echo\"]\n"
      "parameters = '{\"type\": '\n");
  EXPECT_EQ(message.rfind(dir_.file("bad.toml") + ":5: [[tools]] parameters is not valid JSON", 0),
            0u)
      << message;
  message = error_loading(
      "[[tools]]\nname = \"a\"\ndescription = \"d\"\nargv = [\"echo\"]\n"
      "[[tools]]\nname = \"a\"\ndescription = \"d\"\nargv = [\"echo\"]\n");
  EXPECT_EQ(message.rfind(dir_.file("bad.toml") + ":5: tool 'a' is declared twice in this file", 0),
            0u)
      << message;
}

TEST_F(AppConfigTest, EtcDirectoryLookup) {
  EXPECT_EQ(app_config_etc_dir(), shipped_etc());
  {
    const testing::ScopedEnv empty_etc("TUNEDECK_ETC_DIR", dir_.path().c_str());
    try {
      app_config_etc_dir();
      FAIL() << "expected an error";
    } catch (const AppConfigError& e) {
      EXPECT_EQ(std::string(e.what()), "TUNEDECK_ETC_DIR=" + dir_.path() + " has no tunedeck.toml");
    }
  }
  const testing::ScopedEnv no_etc("TUNEDECK_ETC_DIR", nullptr);
  // build/bin/<test> -> ../../etc is the checkout's etc/.
  EXPECT_EQ(fs::canonical(app_config_etc_dir()), fs::canonical(shipped_etc()));
}

TEST_F(AppConfigTest, SamplingParamsCarryTheSettings) {
  SamplingSettings s;
  s.temperature = 0.7;
  s.top_k = 40;
  s.top_p = 0.9;
  s.min_p = 0.05;
  s.repeat_penalty = 1.1;
  s.seed = 42;
  const SamplingParams p = s.to_params();
  EXPECT_FLOAT_EQ(p.temperature, 0.7f);
  EXPECT_EQ(p.top_k, 40);
  EXPECT_FLOAT_EQ(p.top_p, 0.9f);
  EXPECT_FLOAT_EQ(p.min_p, 0.05f);
  EXPECT_FLOAT_EQ(p.repeat_penalty, 1.1f);
  EXPECT_EQ(p.seed, 42u);
}

}  // namespace
}  // namespace tunedeck
