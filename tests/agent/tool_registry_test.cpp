// ToolRegistry: lookup, listing, and run() turning every failure into an error result.
#include "agent/tool_registry.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace tunedeck {
namespace {

using nlohmann::json;

// A tool whose behaviour the tests choose: echo, ToolError, or another exception.
class FakeTool : public Tool {
 public:
  FakeTool(std::string name, std::string mode) : name_(std::move(name)), mode_(std::move(mode)) {}
  std::string name() const override { return name_; }
  std::string description() const override { return "a test tool"; }
  json parameters() const override {
    return {{"type", "object"},
            {"properties", {{"x", {{"type", "integer"}}}}},
            {"required", {"x"}},
            {"additionalProperties", false}};
  }
  json call(const json& args) const override {
    if (mode_ == "tool_error") throw ToolError("x must be even");
    if (mode_ == "crash") throw std::out_of_range("vector index 7");
    return {{"echo", args["x"]}};
  }

 private:
  std::string name_, mode_;
};

class ToolRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_.add(std::make_unique<FakeTool>("echo", "echo"));
    registry_.add(std::make_unique<FakeTool>("picky", "tool_error"));
    registry_.add(std::make_unique<FakeTool>("broken", "crash"));
  }
  ToolRegistry registry_;
};

TEST_F(ToolRegistryTest, FindAndNamesInRegistrationOrder) {
  EXPECT_EQ(registry_.names(), (std::vector<std::string>{"echo", "picky", "broken"}));
  ASSERT_NE(registry_.find("picky"), nullptr);
  EXPECT_EQ(registry_.find("picky")->name(), "picky");
  EXPECT_EQ(registry_.find("nope"), nullptr);
}

TEST_F(ToolRegistryTest, RunReturnsTheResult) {
  const ToolResult r = registry_.run({"echo", {{"x", 4}}});
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.name, "echo");
  EXPECT_EQ(r.arguments, (json{{"x", 4}}));
  EXPECT_EQ(r.result, (json{{"echo", 4}}));
  EXPECT_GE(r.ms, 0);
  EXPECT_EQ(r.for_model(), (json{{"echo", 4}}));
}

TEST_F(ToolRegistryTest, UnknownToolListsTheKnownNames) {
  const ToolResult r = registry_.run({"add_dayz", {{"x", 1}}});
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error, "unknown tool 'add_dayz'; known tools: echo, picky, broken");
  EXPECT_TRUE(r.result.is_null());
  EXPECT_EQ(r.for_model(), (json{{"error", r.error}}));
  EXPECT_EQ(ToolRegistry().run({"x", json::object()}).error,
            "unknown tool 'x'; known tools: (none)");
}

TEST_F(ToolRegistryTest, SchemaViolationsAreErrors) {
  EXPECT_EQ(registry_.run({"echo", json::object()}).error,
            "bad arguments for 'echo': missing required argument 'x'");
  EXPECT_EQ(registry_.run({"echo", {{"x", "4"}}}).error,
            "bad arguments for 'echo': argument 'x': expected an integer, got string \"4\"");
  EXPECT_EQ(registry_.run({"echo", json::array()}).error,
            "bad arguments for 'echo': arguments: expected an object, got array []");
}

TEST_F(ToolRegistryTest, ToolErrorsAndOtherExceptionsAreErrors) {
  EXPECT_EQ(registry_.run({"picky", {{"x", 3}}}).error, "x must be even");
  EXPECT_EQ(registry_.run({"broken", {{"x", 3}}}).error, "vector index 7");
}

TEST_F(ToolRegistryTest, DuplicateNamesAreRefused) {
  EXPECT_THROW(registry_.add(std::make_unique<FakeTool>("echo", "echo")), std::invalid_argument);
  EXPECT_EQ(registry_.names().size(), 3u);
}

TEST_F(ToolRegistryTest, ListJsonIsTheOpenAiArray) {
  const json list = registry_.list_json();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0], (json{{"type", "function"},
                           {"function",
                            {{"name", "echo"},
                             {"description", "a test tool"},
                             {"parameters", FakeTool("echo", "echo").parameters()}}}}));
  EXPECT_EQ(list[2]["function"]["name"], "broken");
}

}  // namespace
}  // namespace tunedeck
