#include "agent/jinja/jinja_template.h"

#include "agent/jinja/jinja_json.h"
#include "agent/jinja/jinja_parser.h"
#include "agent/jinja/jinja_render.h"

namespace tunedeck {
namespace {

// A caller's function as a template value: Values in as JSON, JSON back out as a Value.
jinja::Value wrap_function(const std::string& name, const JinjaFunction& function) {
  return jinja::Value::from_callable(name, [name, function](const jinja::CallArgs& args) {
    if (!args.named.empty()) throw JinjaError("TypeError", name + "() takes no keyword arguments");
    std::vector<nlohmann::ordered_json> json_args;
    for (const jinja::Value& arg : args.positional) json_args.push_back(jinja::value_to_json(arg));
    try {
      return jinja::value_from_json(function(json_args));
    } catch (const JinjaError&) {
      throw;
    } catch (const std::exception& e) {
      throw JinjaError("Exception", name + "(): " + e.what());
    }
  });
}

}  // namespace

JinjaTemplate JinjaTemplate::parse(const std::string& text, const std::string& name) {
  JinjaTemplate tmpl;
  tmpl.name_ = name;
  tmpl.tree_ = jinja::parse_template(text, name);
  return tmpl;
}

std::string JinjaTemplate::render(const nlohmann::ordered_json& variables,
                                  const JinjaFunctions& functions) const {
  if (!variables.is_object())
    throw JinjaError(
        "TypeError",
        "the render variables must be a JSON object, not " + std::string(variables.type_name()),
        name_);
  std::vector<std::pair<std::string, jinja::Value>> values;
  for (const auto& [name, function] : functions)
    values.emplace_back(name, wrap_function(name, function));
  for (const auto& [name, value] : variables.items())
    values.emplace_back(name, jinja::value_from_json(value));
  return jinja::render_template(*tree_, values);
}

}  // namespace tunedeck
