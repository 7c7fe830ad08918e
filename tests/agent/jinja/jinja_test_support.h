// Shared by the Jinja engine's tests: the context every table renders with (the same values the
// expectations were computed with, by Python's jinja2 set up as transformers sets it up) and
// small helpers to render a template text and to catch its error.
// Not for production code. Single-threaded.
#pragma once
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "agent/jinja/jinja_template.h"

namespace tunedeck::jinja_testing {

// x, d, s, k, f, n, t, e, m: a list, a dict (with a key named like a dict method), a string with
// spaces around it, a Korean string, a float, none, true, an empty list, two messages.
inline nlohmann::ordered_json table_context() {
  return nlohmann::ordered_json::parse(
      R"J({"x": [1, 2, 3], "d": {"a": 1, "b": {"c": 2}, "items": 5}, "s": "  Hello World  ", "k": "안녕하세요 세계", "f": 2.5, "n": null, "t": true, "e": [], "m": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo", "x": 1}]})J");
}

// raise_exception(msg), as transformers offers it to templates (kind ValueError, as the reference
// renderer raises it).
inline JinjaFunctions test_functions() {
  JinjaFunctions functions;
  functions["raise_exception"] =
      [](const std::vector<nlohmann::ordered_json>& args) -> nlohmann::ordered_json {
    throw JinjaError("ValueError", args.empty() ? "" : args[0].get<std::string>());
  };
  return functions;
}

// Renders `text` with table_context() and test_functions().
inline std::string render(const std::string& text,
                          const nlohmann::ordered_json& context = table_context()) {
  return JinjaTemplate::parse(text, "test").render(context, test_functions());
}

// The error rendering `text` raises; fails the test if it renders.
inline JinjaError render_error(const std::string& text,
                               const nlohmann::ordered_json& context = table_context()) {
  try {
    const std::string out = render(text, context);
    ADD_FAILURE() << "rendered without an error: " << text << " -> " << out;
  } catch (const JinjaError& e) {
    return e;
  }
  return JinjaError("none", "none");
}

// A row of a table: the template, and what Python's jinja2 renders.
struct RenderCase {
  const char* text;
  const char* expected;
};

// A row of a table of failures: the template, and the error Python's jinja2 raises.
struct ErrorCase {
  const char* text;
  const char* kind;
  const char* message;
};

inline void expect_renders(const RenderCase& c) {
  try {
    EXPECT_EQ(render(c.text), c.expected) << "template: " << c.text;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "template: " << c.text << "\nthrew: " << e.what();
  }
}

inline void expect_fails(const ErrorCase& c) {
  const JinjaError e = render_error(c.text);
  EXPECT_EQ(e.kind(), c.kind) << "template: " << c.text << "\nerror: " << e.what();
  EXPECT_EQ(e.message(), c.message) << "template: " << c.text;
}

}  // namespace tunedeck::jinja_testing
