#include "agent/jinja/jinja_error.h"

namespace tunedeck {
namespace {

// "template 'qwen3' line 12: ValueError: System role not supported"
std::string describe(const std::string& kind, const std::string& message,
                     const std::string& template_name, int line) {
  std::string where = "template '" + template_name + "'";
  if (line > 0) where += " line " + std::to_string(line);
  return where + ": " + kind + ": " + message;
}

}  // namespace

JinjaError::JinjaError(std::string kind, std::string message, std::string template_name, int line)
    : std::runtime_error(describe(kind, message, template_name, line)),
      kind_(std::move(kind)),
      message_(std::move(message)),
      template_name_(std::move(template_name)),
      line_(line) {}

JinjaError JinjaError::at(const std::string& template_name, int line) const {
  return JinjaError(kind_, message_, template_name, line);
}

}  // namespace tunedeck
