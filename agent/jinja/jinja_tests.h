// Jinja's tests, the right side of `x is NAME`: defined, none, string, number, mapping, iterable,
// equalto, in, divisibleby, ... with jinja2's meaning (an undefined value is iterable; a bool is a
// number but not an integer). Not for filters (jinja_filters.h). Pure; thread-safe.
#pragma once
#include <string>

#include "agent/jinja/jinja_value.h"

namespace tunedeck::jinja {

bool test_exists(const std::string& name);
// `value is name(args)`. REQUIRES: test_exists(name) (else throws TemplateAssertionError
// "No test named 'x'.").
bool apply_test(const std::string& name, const Value& value, const CallArgs& args);

}  // namespace tunedeck::jinja
