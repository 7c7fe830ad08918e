#include "agent/jinja/jinja_tests.h"

#include "agent/jinja/jinja_error.h"
#include "agent/jinja/jinja_filters.h"
#include "agent/jinja/jinja_operators.h"
#include "agent/jinja/jinja_string.h"

namespace tunedeck::jinja {
namespace {

// A test looks at the value alone (`x is defined`) or compares it with one argument
// (`x is equalto 3`).
struct Test {
  const char* name;
  bool (*unary)(const Value& v);
  bool (*binary)(const Value& v, const Value& other);
};

// The argument of a two-sided test; a missing one fails as Python's operator functions and
// jinja2's tests do.
const Value& other(const CallArgs& args, const std::string& test) {
  static const std::vector<std::string> params = {"other"};
  const BoundArgs bound(args, test, params);
  if (bound.has(0)) return bound.get(0);
  if (test == "in" || test == "divisibleby" || test == "sameas")
    throw JinjaError("TypeError", "test_" + test + "() missing 1 required positional argument: '" +
                                      (test == "in"            ? "seq"
                                       : test == "divisibleby" ? "num"
                                                               : "other") +
                                      "'");
  std::string op = test;
  if (test == "equalto" || test == "==")
    op = "eq";
  else if (test == "!=")
    op = "ne";
  else if (test == "<" || test == "lessthan")
    op = "lt";
  else if (test == "<=")
    op = "le";
  else if (test == ">" || test == "greaterthan")
    op = "gt";
  else if (test == ">=")
    op = "ge";
  throw JinjaError("TypeError", op + " expected 2 arguments, got 1");
}

bool is_even(const Value& v) {
  return equals(binary_op("%", v, Value::from_int(2)), Value::from_int(0));
}

bool has_case(const Value& v, bool upper) {
  const std::string s = to_str(v);
  const std::string lowered = py_lower(s), uppered = py_upper(s);
  return upper ? (uppered == s && lowered != s) : (lowered == s && uppered != s);
}

// Python's `is`: the same object (None, booleans, small ints, the same container).
bool same_as(const Value& a, const Value& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Value::Kind::kNone:
    case Value::Kind::kUndefined:
      return true;
    case Value::Kind::kBool:
      return a.boolean == b.boolean;
    case Value::Kind::kInt:
      return a.integer == b.integer && a.integer >= -5 && a.integer <= 256;
    case Value::Kind::kList:
      return a.list == b.list;
    case Value::Kind::kDict:
      return a.dict == b.dict;
    case Value::Kind::kCallable:
      return a.callable == b.callable;
    case Value::Kind::kObject:
      return a.object == b.object;
    default:
      return false;
  }
}

bool is_kind(const Value& v, Value::Kind kind) { return v.kind == kind; }
// jinja2's Undefined can be iterated and has len(): it counts as iterable and as a sequence.
bool is_iterable(const Value& v) {
  return v.is_undefined() || v.is_string() || v.is_list() || v.is_dict();
}
const std::vector<Test>& tests() {
  using V = const Value&;
  static const std::vector<Test> table = {
      {"defined", [](V v) { return !v.is_undefined(); }, nullptr},
      {"undefined", [](V v) { return v.is_undefined(); }, nullptr},
      {"none", [](V v) { return v.is_none(); }, nullptr},
      {"boolean", [](V v) { return is_kind(v, Value::Kind::kBool); }, nullptr},
      {"true", [](V v) { return is_kind(v, Value::Kind::kBool) && v.boolean; }, nullptr},
      {"false", [](V v) { return is_kind(v, Value::Kind::kBool) && !v.boolean; }, nullptr},
      {"integer", [](V v) { return is_kind(v, Value::Kind::kInt); }, nullptr},
      {"float", [](V v) { return is_kind(v, Value::Kind::kFloat); }, nullptr},
      {"number", [](V v) { return v.is_number(); }, nullptr},
      {"string", [](V v) { return v.is_string(); }, nullptr},
      {"mapping", [](V v) { return v.is_dict(); }, nullptr},
      {"iterable", is_iterable, nullptr},
      {"sequence", is_iterable, nullptr},
      {"callable", [](V v) { return is_kind(v, Value::Kind::kCallable); }, nullptr},
      {"escaped", [](V v) { return v.is_string() && v.markup; }, nullptr},
      {"lower", [](V v) { return has_case(v, false); }, nullptr},
      {"upper", [](V v) { return has_case(v, true); }, nullptr},
      {"odd", [](V v) { return !is_even(v); }, nullptr},
      {"even", is_even, nullptr},
      {"filter", [](V v) { return v.is_string() && filter_exists(v.text); }, nullptr},
      {"test", [](V v) { return v.is_string() && test_exists(v.text); }, nullptr},
      {"divisibleby", nullptr,
       [](V v, V n) { return equals(binary_op("%", v, n), Value::from_int(0)); }},
      {"eq", nullptr, equals},
      {"equalto", nullptr, equals},
      {"==", nullptr, equals},
      {"ne", nullptr, [](V v, V o) { return !equals(v, o); }},
      {"!=", nullptr, [](V v, V o) { return !equals(v, o); }},
      {"lt", nullptr, [](V v, V o) { return compare(v, "<", o); }},
      {"lessthan", nullptr, [](V v, V o) { return compare(v, "<", o); }},
      {"<", nullptr, [](V v, V o) { return compare(v, "<", o); }},
      {"le", nullptr, [](V v, V o) { return compare(v, "<=", o); }},
      {"<=", nullptr, [](V v, V o) { return compare(v, "<=", o); }},
      {"gt", nullptr, [](V v, V o) { return compare(v, ">", o); }},
      {"greaterthan", nullptr, [](V v, V o) { return compare(v, ">", o); }},
      {">", nullptr, [](V v, V o) { return compare(v, ">", o); }},
      {"ge", nullptr, [](V v, V o) { return compare(v, ">=", o); }},
      {">=", nullptr, [](V v, V o) { return compare(v, ">=", o); }},
      {"in", nullptr, [](V v, V seq) { return contains(seq, v); }},
      {"sameas", nullptr, same_as},
  };
  return table;
}

}  // namespace

bool test_exists(const std::string& name) {
  for (const Test& test : tests())
    if (name == test.name) return true;
  return false;
}

bool apply_test(const std::string& name, const Value& value, const CallArgs& args) {
  for (const Test& test : tests()) {
    if (name != test.name) continue;
    if (test.binary) return test.binary(value, other(args, name));
    BoundArgs(args, name, {});
    return test.unary(value);
  }
  throw JinjaError("TemplateAssertionError", "No test named '" + name + "'.");
}

}  // namespace tunedeck::jinja
