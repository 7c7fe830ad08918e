// The one exception of the Jinja engine (agent/jinja/): a syntax error found while parsing, or an
// error raised while rendering (the template's raise_exception, an undefined value used, a type
// mismatch). Not for I/O errors of whoever loads the template text.
// Plain value type; thread-safe.
#pragma once
#include <stdexcept>
#include <string>

namespace tunedeck {

class JinjaError : public std::runtime_error {
 public:
  // `kind` names the error as Python's jinja2 would ("TemplateSyntaxError", "UndefinedError",
  // "TypeError", "ValueError" for raise_exception, ...); `message` is jinja2's, Python's or the
  // template's own words. An empty template name and line 0 mean "not located yet": the renderer
  // adds where it was.
  JinjaError(std::string kind, std::string message, std::string template_name = "", int line = 0);

  const std::string& kind() const { return kind_; }
  const std::string& message() const { return message_; }
  const std::string& template_name() const { return template_name_; }
  int line() const { return line_; }
  bool located() const { return line_ > 0; }
  // The same error, placed at `line` of `template_name`.
  JinjaError at(const std::string& template_name, int line) const;

 private:
  std::string kind_, message_, template_name_;
  int line_;
};

}  // namespace tunedeck
