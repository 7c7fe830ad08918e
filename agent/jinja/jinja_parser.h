// Parses Jinja template text into its tree (jinja_ast.h) with jinja2's grammar and operator
// precedence; unknown filters and tests are rejected here, as jinja2 rejects them when it
// compiles. Not for rendering (jinja_render.h). Pure; thread-safe.
#pragma once
#include <memory>
#include <string>

#include "agent/jinja/jinja_ast.h"

namespace tunedeck::jinja {

// Throws JinjaError (TemplateSyntaxError or TemplateAssertionError) naming `name` and the line:
// an unclosed block, an unknown tag, filter or test, a malformed expression.
std::shared_ptr<const Template> parse_template(const std::string& source, const std::string& name);

}  // namespace tunedeck::jinja
