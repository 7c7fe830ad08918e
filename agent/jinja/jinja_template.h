// A Jinja2 template, parsed once and rendered any number of times, with the output Python's
// jinja2 gives under transformers' settings (ImmutableSandboxedEnvironment, trim_blocks,
// lstrip_blocks, loop controls). The public face of agent/jinja/; see jinja_chat_template.h for
// a model's chat template. Not for HTML (no autoescape), {% include %} or template inheritance.
// Thread rules: immutable after parse(); render() from any number of threads at once.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "agent/jinja/jinja_error.h"

namespace tunedeck {

namespace jinja {
struct Template;
}

// A function a template may call, e.g. raise_exception(msg) or strftime_now(fmt). Arguments are
// positional (an undefined one arrives as null). Throw JinjaError to fail the render with your
// own kind and message (the renderer adds the template line); other exceptions are reported as
// kind "Exception".
using JinjaFunction =
    std::function<nlohmann::ordered_json(const std::vector<nlohmann::ordered_json>& args)>;
using JinjaFunctions = std::map<std::string, JinjaFunction>;

class JinjaTemplate {
 public:
  // `name` appears in every error ("template 'NAME' line 3: ..."). Throws JinjaError
  // (TemplateSyntaxError, TemplateAssertionError for an unknown filter or test).
  static JinjaTemplate parse(const std::string& text, const std::string& name);

  // Renders with `variables`, a JSON object (its key order is kept: it is what tojson prints),
  // plus `functions`. Throws JinjaError for what the template raises or does wrong.
  std::string render(const nlohmann::ordered_json& variables,
                     const JinjaFunctions& functions = {}) const;

  const std::string& name() const { return name_; }

 private:
  JinjaTemplate() = default;  // only parse() makes one: a template always has a tree
  std::string name_;
  std::shared_ptr<const jinja::Template> tree_;
};

}  // namespace tunedeck
