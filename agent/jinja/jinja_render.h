// Renders a parsed template (jinja_ast.h) with jinja2's scoping: a for loop's body gets a fresh
// scope each iteration, `if` does not open one, macros see the scope they were defined in (as it
// is when called), namespace() objects carry values out of loops. Globals: range, namespace,
// dict, joiner. Not for parsing or for transformers' context (jinja_chat_template.h).
// One render is single-threaded; any number may run at once on the same Template.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "agent/jinja/jinja_ast.h"
#include "agent/jinja/jinja_value.h"

namespace tunedeck::jinja {

// Renders `tmpl` with `variables` (later entries win over earlier ones and over the globals).
// Throws JinjaError placed at the template's line where the error arose.
std::string render_template(const Template& tmpl,
                            const std::vector<std::pair<std::string, Value>>& variables);

}  // namespace tunedeck::jinja
