// Jinja's filters, the right side of `x | NAME(args)`, with jinja2's meaning and Python's output:
// trim, length, join, tojson (as transformers defines it: json.dumps with ensure_ascii=False),
// default, selectattr/map/unique/dictsort, indent, ... Where jinja2 returns a generator (map,
// select, items, reverse) these return a list. Not for tests (jinja_tests.h). Pure; thread-safe.
#pragma once
#include <string>

#include "agent/jinja/jinja_value.h"

namespace tunedeck::jinja {

bool filter_exists(const std::string& name);
// `value | name(args)`. Throws TemplateAssertionError "No filter named 'x'." for an unknown name,
// and Python's errors (TypeError, UndefinedError, ...) from the filter itself.
Value apply_filter(const std::string& name, const Value& value, const CallArgs& args);

}  // namespace tunedeck::jinja
