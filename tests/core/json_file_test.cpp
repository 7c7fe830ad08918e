// json_file_read: a file's JSON, and errors that name the file and what is wrong with it.
#include "core/json_file.h"

#include <gtest/gtest.h>

#include "tests/test_support.h"

namespace tunedeck {
namespace {

std::string error_of(const std::string& path, const std::string& hint = "") {
  try {
    json_file_read(path, hint);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "no error";
}

TEST(JsonFile, ReadsTheValue) {
  testing::ScratchDir dir;
  testing::write_file(dir.file("a.json"), R"({"hidden_size": 32, "names": ["a", "b"]})");
  const nlohmann::json j = json_file_read(dir.file("a.json"));
  EXPECT_EQ(j["hidden_size"], 32);
  EXPECT_EQ(j["names"][1], "b");
}

TEST(JsonFile, AMissingFileIsNamedWithTheHint) {
  testing::ScratchDir dir;
  EXPECT_EQ(error_of(dir.file("adapter_config.json"), " (is this an adapter folder?)"),
            dir.file("adapter_config.json") + ": cannot open (is this an adapter folder?)");
}

TEST(JsonFile, InvalidJsonIsNamedWithTheParsersMessage) {
  testing::ScratchDir dir;
  testing::write_file(dir.file("bad.json"), "{\"a\": ");
  const std::string error = error_of(dir.file("bad.json"));
  EXPECT_EQ(error.rfind(dir.file("bad.json") + ": not valid JSON: ", 0), 0u) << error;
}

}  // namespace
}  // namespace tunedeck
