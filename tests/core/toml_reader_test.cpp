// TomlReader: strict keys, types and ranges; every error names the file, the line, the table and
// the key, and shows the line.
#include "core/toml_reader.h"

#include <gtest/gtest.h>

namespace tunedeck {
namespace {

// The message of the TomlReaderError `read` throws on the top level of `text`, or "(read)".
template <typename Read>
std::string error_reading(const std::string& text, Read read) {
  try {
    const toml::value root = toml_reader_parse(text, "job.toml");
    read(TomlReader(root, "job.toml"));
  } catch (const TomlReaderError& e) {
    return e.what();
  }
  return "(read)";
}

bool starts_with(const std::string& text, const std::string& start) {
  return text.rfind(start, 0) == 0;
}

TEST(TomlReader, ReadsEachTypeAndLeavesAbsentKeysAlone) {
  const toml::value root = toml_reader_parse(
      "[run]\nname = \"x\"\nsteps = 40\nlr = 2\nseed = 7\nfast = true\nargv = [\"a\", \"b\"]\n",
      "job.toml");
  const std::optional<TomlReader> run = TomlReader(root, "job.toml").table("run");
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->name(), "[run]");
  std::string name, absent = "kept";
  int steps = 0;
  double lr = 0;
  std::uint64_t seed = 0;
  bool fast = false;
  std::vector<std::string> argv;
  run->read_string("name", name);
  run->read_string("nothing", absent);
  run->read_int("steps", steps, 1, 100);
  run->read_double("lr", lr);  // an integer where a float is expected
  run->read_u64("seed", seed);
  run->read_bool("fast", fast);
  run->read_string_array("argv", argv);
  EXPECT_EQ(name, "x");
  EXPECT_EQ(absent, "kept");
  EXPECT_EQ(steps, 40);
  EXPECT_EQ(lr, 2.0);
  EXPECT_EQ(seed, 7u);
  EXPECT_TRUE(fast);
  EXPECT_EQ(argv, (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(TomlReader(root, "job.toml").table("data").has_value());
}

TEST(TomlReader, UnknownKeyNamesFileLineTableAndTheKnownKeys) {
  const std::string message =
      error_reading("[data]\ntrain = \"x\"\nmax_lenght = 4\n", [](const TomlReader& top) {
        top.table("data")->check_keys({"train", "max_len"});
      });
  EXPECT_TRUE(starts_with(message, "job.toml:3: unknown key 'max_lenght' in [data]")) << message;
  EXPECT_NE(message.find(" 3 | max_lenght = 4"), std::string::npos) << message;
  EXPECT_NE(message.find("known keys in [data]: train, max_len"), std::string::npos) << message;
  EXPECT_TRUE(starts_with(
      error_reading("modle = 1\n", [](const TomlReader& top) { top.check_keys({"model"}); }),
      "job.toml:1: unknown key 'modle' in the top level"));
}

// Somewhere for the reads of BadValue to go.
struct Values {
  int n = 0;
  double x = 0;
  bool b = false;
  std::uint64_t u = 0;
  std::string s;
  std::vector<std::string> strings;
};

// A value under [t] (so on line 2), how it is read, and how the error starts.
struct BadValue {
  const char* line;
  void (*read)(const TomlReader& t, Values& v);
  const char* error;
};

TEST(TomlReader, WrongTypesAndValuesNameTheKeyAndWhatIsWrong) {
  const BadValue cases[] = {
      {"steps = \"many\"", [](const TomlReader& t, Values& v) { t.read_int("steps", v.n); },
       "job.toml:2: [t] steps must be an integer, got a string"},
      {"temp = \"hot\"", [](const TomlReader& t, Values& v) { t.read_double("temp", v.x); },
       "job.toml:2: [t] temp must be a number, got a string"},
      {"strict = 1", [](const TomlReader& t, Values& v) { t.read_bool("strict", v.b); },
       "job.toml:2: [t] strict must be a boolean, got an integer"},
      {"argv = [\"a\", 2]",
       [](const TomlReader& t, Values& v) { t.read_string_array("argv", v.strings); },
       "job.toml:2: [t] argv must hold strings, found an integer"},
      {"max_steps = 0",
       [](const TomlReader& t, Values& v) { t.read_int("max_steps", v.n, 1, 1000); },
       "job.toml:2: [t] max_steps must be in 1..1000"},
      {"top_p = 1.5", [](const TomlReader& t, Values& v) { t.read_double("top_p", v.x, 0, 1); },
       "job.toml:2: [t] top_p must be in 0..1"},
      {"seed = -1", [](const TomlReader& t, Values& v) { t.read_u64("seed", v.u); },
       "job.toml:2: [t] seed must be >= 0"},
      {"dtype = \"fp16\"",
       [](const TomlReader& t, Values& v) {
         t.read_choice("dtype", v.s, {"f32", "bf16"});
       },
       "job.toml:2: [t] dtype = \"fp16\" is not one of \"f32\", \"bf16\""},
  };
  for (const BadValue& c : cases) {
    Values values;
    const std::string message =
        error_reading(std::string("[t]\n") + c.line + "\n",
                      [&](const TomlReader& top) { c.read(*top.table("t"), values); });
    EXPECT_TRUE(starts_with(message, c.error)) << message;
    EXPECT_NE(message.find(std::string(" 2 | ") + c.line), std::string::npos) << message;
  }
}

TEST(TomlReader, SectionsMustBeTablesAndNestedOnesAreNamedByTheirPath) {
  EXPECT_TRUE(
      starts_with(error_reading("model = 3\n", [](const TomlReader& top) { top.table("model"); }),
                  "job.toml:1: 'model' must be a table ([model]), got an integer"));
  EXPECT_TRUE(
      starts_with(error_reading("[model]\nconfig = 3\n",
                                [](const TomlReader& top) { top.table("model")->table("config"); }),
                  "job.toml:2: 'config' must be a table ([model.config]), got an integer"));
  const toml::value root = toml_reader_parse("[model.config]\nhidden_size = 8\n", "job.toml");
  EXPECT_EQ(TomlReader(root, "job.toml").table("model")->table("config")->name(), "[model.config]");
}

TEST(TomlReader, SyntaxErrorNamesFileAndLine) {
  try {
    toml_reader_parse("[model]\ndevice = \"cpu\"\npath = \n", "bad.toml");
    FAIL() << "expected an error";
  } catch (const TomlReaderError& e) {
    EXPECT_TRUE(starts_with(e.what(), "bad.toml:3: TOML syntax error\n")) << e.what();
  }
}

}  // namespace
}  // namespace tunedeck
