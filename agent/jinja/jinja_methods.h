// Reaching into Values as jinja2's ImmutableSandboxedEnvironment does: x.name (a Python attribute
// first, so d.items is the dict's method; then the key), x[key] (the key first, then the
// attribute), x[a:b:c], and the Python methods of str, dict and list a template may call
// (s.strip(), s.split(','), d.get('k', 1), d.items(), ...). What is missing is an undefined Value
// carrying jinja2's message; methods that would modify a value are refused (SecurityError when
// called). Not for filters (jinja_filters.h). Pure; thread-safe.
#pragma once
#include <string>

#include "agent/jinja/jinja_value.h"

namespace tunedeck::jinja {

Value get_attribute(const Value& obj, const std::string& name);  // obj.name
Value get_item(const Value& obj, const Value& key);              // obj[key]
// obj[start:stop:step] on a str, list or tuple; an absent part is nullptr (None works too).
// Throws ValueError "slice step cannot be zero".
Value get_slice(const Value& obj, const Value* start, const Value* stop, const Value* step);

// The item at `path` ("name", "function.name", "0"), as filters with attribute= look it up.
Value get_path(const Value& obj, const std::string& path);

// str.format(*args, **kwargs): {} {0} {name} fields with !r/!s and a format spec
// ([[fill]align][sign][0][width][.precision][type]).
std::string str_format(const std::string& format, const CallArgs& args);

}  // namespace tunedeck::jinja
