// Jinja's operators on Values with Python's meaning: + - * / // % ** (int stays int, / gives a
// float, str + str, list + list, str * int, Markup escaping what is added to it), ~, `in`, unary
// minus, and printf-style "%s" % args. Not for comparisons (jinja_value.h: equals, compare).
// Errors are Python's words as a JinjaError: TypeError "can only concatenate str (not "dict") to
// str", ZeroDivisionError, UndefinedError when an operand is undefined. Pure; thread-safe.
#pragma once
#include <string>

#include "agent/jinja/jinja_value.h"

namespace tunedeck::jinja {

// op: "+", "-", "*", "/", "//", "%", "**", "~".
Value binary_op(const std::string& op, const Value& a, const Value& b);
Value unary_minus(const Value& a);
Value unary_plus(const Value& a);
// `item in container`.
bool contains(const Value& container, const Value& item);
// Python's `format % args`: %s %r %d %i %f %e %g %x %o %c %%, flags "-+ 0#", width, precision,
// %(key)s with a dict. `args` is a tuple of values, a dict, or one value.
std::string percent_format(const std::string& format, const Value& args);

}  // namespace tunedeck::jinja
