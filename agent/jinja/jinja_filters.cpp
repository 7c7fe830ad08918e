#include "agent/jinja/jinja_filters.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "agent/jinja/jinja_error.h"
#include "agent/jinja/jinja_json.h"
#include "agent/jinja/jinja_methods.h"
#include "agent/jinja/jinja_operators.h"
#include "agent/jinja/jinja_string.h"
#include "agent/jinja/jinja_tests.h"

namespace tunedeck::jinja {
namespace {

using Filter = Value (*)(const Value& v, const CallArgs& args);

std::string text_or(const BoundArgs& bound, size_t i, const std::string& fallback) {
  return bound.has(i) ? to_str(bound.get(i)) : fallback;
}

// The key a filter sorts, compares or de-duplicates by: the item or its attribute, lower-cased
// when the comparison ignores case.
Value sort_key(const Value& item, const std::string& attribute, bool case_sensitive) {
  Value key = attribute.empty() ? item : get_path(item, attribute);
  if (!case_sensitive && key.is_string()) key = Value::from_string(py_lower(key.text));
  return key;
}

std::vector<std::string> split_attributes(const std::string& attribute) {
  if (attribute.empty()) return {""};
  return py_split(attribute, std::string(","), -1);
}

// ---- strings ------------------------------------------------------------------------------

Value f_trim(const Value& v, const CallArgs& args) {
  const BoundArgs bound(args, "trim", {"chars"});
  std::optional<std::string> chars;
  if (bound.has(0) && !bound.get(0).is_none()) chars = to_str(bound.get(0));
  return Value::from_string(py_strip(to_str(v), chars, true, true), v.is_string() && v.markup);
}

Value f_upper(const Value& v, const CallArgs& args) {
  BoundArgs(args, "upper", {});
  return Value::from_string(py_upper(to_str(v)), v.is_string() && v.markup);
}

Value f_lower(const Value& v, const CallArgs& args) {
  BoundArgs(args, "lower", {});
  return Value::from_string(py_lower(to_str(v)), v.is_string() && v.markup);
}

Value f_capitalize(const Value& v, const CallArgs& args) {
  BoundArgs(args, "capitalize", {});
  return Value::from_string(py_capitalize(to_str(v)), v.is_string() && v.markup);
}

// jinja2's title: each word (after -, whitespace, brackets) gets an upper-case first letter.
Value f_title(const Value& v, const CallArgs& args) {
  BoundArgs(args, "title", {});
  const std::u32string s = utf8_decode(to_str(v));
  auto is_boundary = [](char32_t c) {
    return c == '-' || c == '(' || c == '{' || c == '[' || c == '<' || py_isspace(c);
  };
  std::u32string out;
  bool start = true;
  for (char32_t c : s) {
    if (is_boundary(c)) {
      out += c;
      start = true;
      continue;
    }
    out += start ? py_upper(c) : py_lower(c);
    start = false;
  }
  return Value::from_string(utf8_encode(out));
}

Value f_replace(const Value& v, const CallArgs& args) {
  const BoundArgs bound(args, "replace", {"old", "new", "count"});
  return Value::from_string(
      py_replace(to_str(v), text_or(bound, 0, ""), text_or(bound, 1, ""), bound.int_or(2, -1)));
}

Value f_string(const Value& v, const CallArgs& args) {
  BoundArgs(args, "string", {});
  return v.is_string() ? v : Value::from_string(to_str(v));
}

Value f_safe(const Value& v, const CallArgs& args) {
  BoundArgs(args, "safe", {});
  return Value::from_string(to_str(v), true);
}

Value f_escape(const Value& v, const CallArgs& args) {
  BoundArgs(args, "escape", {});
  if (v.is_string() && v.markup) return v;
  return Value::from_string(html_escape(to_str(v)), true);
}

Value f_forceescape(const Value& v, const CallArgs& args) {
  BoundArgs(args, "forceescape", {});
  return Value::from_string(html_escape(to_str(v)), true);
}

Value f_center(const Value& v, const CallArgs& args) {
  const BoundArgs bound(args, "center", {"width"});
  CallArgs width;
  width.positional.push_back(Value::from_int(bound.int_or(0, 80)));
  return get_attribute(Value::from_string(to_str(v)), "center").callable->call(width);
}

Value f_indent(const Value& v, const CallArgs& args) {
  const BoundArgs bound(args, "indent", {"width", "first", "blank"});
  const Value width = bound.get_or(0, Value::from_int(4));
  const std::string indention =
      width.is_string() ? width.text : std::string(std::max<int64_t>(0, width.as_int()), ' ');
  const bool first = bound.bool_or(1, false), blank = bound.bool_or(2, false);
  const std::vector<std::string> lines = py_splitlines(to_str(v) + "\n", false);
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += "\n";
    const bool indent_it = i > 0 && (blank || !lines[i].empty());
    out += (indent_it ? indention : "") + lines[i];
  }
  if (first) out = indention + out;
  return Value::from_string(out);
}

Value f_wordcount(const Value& v, const CallArgs& args) {
  BoundArgs(args, "wordcount", {});
  int64_t words = 0;
  bool in_word = false;
  for (char32_t c : utf8_decode(to_str(v))) {
    const bool word = py_is_word_char(c);
    if (word && !in_word) ++words;
    in_word = word;
  }
  return Value::from_int(words);
}

Value f_truncate(const Value& v, const CallArgs& args) {
  const BoundArgs bound(args, "truncate", {"length", "killwords", "end", "leeway"});
  const int64_t limit = bound.int_or(0, 255);
  const bool killwords = bound.bool_or(1, false);
  const std::u32string end = utf8_decode(text_or(bound, 2, "..."));
  const int64_t leeway = bound.int_or(3, 5);
  const std::u32string s = utf8_decode(to_str(v));
  if (static_cast<int64_t>(s.size()) <= limit + leeway) return Value::from_string(utf8_encode(s));
  std::u32string kept = s.substr(0, std::max<int64_t>(0, limit - static_cast<int64_t>(end.size())));
  if (!killwords) {
    const size_t space = kept.rfind(U' ');
    if (space != std::u32string::npos) kept.resize(space);
  }
  return Value::from_string(utf8_encode(kept + end));
}

Value f_format(const Value& v, const CallArgs& args) {
  if (!args.positional.empty() && !args.named.empty())
    throw JinjaError("FilterArgumentError",
                     "can't handle positional and keyword arguments at the same time");
  if (!args.named.empty()) {
    Dict mapping;
    for (const auto& [name, value] : args.named) mapping.set(Value::from_string(name), value);
    return Value::from_string(percent_format(to_str(v), Value::from_dict(std::move(mapping))));
  }
  return Value::from_string(percent_format(to_str(v), Value::from_list(args.positional, true)));
}

// ---- numbers ------------------------------------------------------------------------------

Value f_abs(const Value& v, const CallArgs& args) {
  BoundArgs(args, "abs", {});
  if (v.is_int()) return Value::from_int(std::llabs(v.as_int()));
  if (v.is_number()) return Value::from_float(std::fabs(v.number));
  throw JinjaError("TypeError", "bad operand type for abs(): '" + type_name(v) + "'");
}

std::optional<double> parse_python_float(const std::string& text) {
  std::string s = py_strip(text, std::nullopt, true, true);
  s.erase(std::remove(s.begin(), s.end(), '_'), s.end());
  const std::string lower = py_lower(s);
  const bool negative = !lower.empty() && lower[0] == '-';
  const std::string body =
      (!lower.empty() && (lower[0] == '-' || lower[0] == '+')) ? lower.substr(1) : lower;
  if (body == "inf" || body == "infinity") return negative ? -HUGE_VAL : HUGE_VAL;
  if (body == "nan") return std::nan("");
  double f = 0;
  const char* begin = s.data() + ((!s.empty() && s[0] == '+') ? 1 : 0);
  const auto result = std::from_chars(begin, s.data() + s.size(), f);
  if (s.empty() || result.ec != std::errc() || result.ptr != s.data() + s.size())
    return std::nullopt;
  return f;
}

std::optional<int64_t> parse_python_int(const std::string& text, int base) {
  std::string s = py_strip(text, std::nullopt, true, true);
  s.erase(std::remove(s.begin(), s.end(), '_'), s.end());
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s = s.substr(1);
  }
  if (s.size() > 2 && s[0] == '0' && (base == 0 || base == 16 || base == 8 || base == 2)) {
    const char p = static_cast<char>(std::tolower(static_cast<unsigned char>(s[1])));
    const int prefixed = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : 0;
    if (prefixed && (base == 0 || base == prefixed)) {
      base = prefixed;
      s = s.substr(2);
    }
  }
  if (base == 0) base = 10;
  int64_t n = 0;
  const auto result = std::from_chars(s.data(), s.data() + s.size(), n, base);
  if (s.empty() || result.ec != std::errc() || result.ptr != s.data() + s.size())
    return std::nullopt;
  return negative ? -n : n;
}

Value f_int(const Value& v, const CallArgs& args) {
  const BoundArgs bound(args, "int", {"default", "base"});
  const Value fallback = bound.get_or(0, Value::from_int(0));
  if (v.is_int()) return Value::from_int(v.as_int());
  if (v.kind == Value::Kind::kFloat) {
    if (!std::isfinite(v.number)) return fallback;
    return Value::from_int(static_cast<int64_t>(std::trunc(v.number)));
  }
  if (v.is_string()) {
    if (auto n = parse_python_int(v.text, static_cast<int>(bound.int_or(1, 10))))
      return Value::from_int(*n);
    if (auto f = parse_python_float(v.text); f && std::isfinite(*f))
      return Value::from_int(static_cast<int64_t>(std::trunc(*f)));
  }
  return fallback;
}

Value f_float(const Value& v, const CallArgs& args) {
  const BoundArgs bound(args, "float", {"default"});
  if (v.is_number()) return Value::from_float(v.as_double());
  if (v.is_string())
    if (auto f = parse_python_float(v.text)) return Value::from_float(*f);
  return bound.get_or(0, Value::from_float(0.0));
}

// Python's round(x, ndigits): the exact binary value rounded half to even.
double python_round(double x, int64_t digits) {
  if (!std::isfinite(x)) return x;
  if (digits < 0) {
    const double scale = std::pow(10.0, static_cast<double>(-digits));
    return std::nearbyint(x / scale) * scale;
  }
  char buf[512];
  const auto result = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::fixed,
                                    static_cast<int>(std::min<int64_t>(digits, 300)));
  double rounded = x;
  std::from_chars(buf, result.ptr, rounded);
  return rounded;
}

Value f_round(const Value& v, const CallArgs& args) {
  const BoundArgs bound(args, "round", {"precision", "method"});
  const int64_t precision = bound.int_or(0, 0);
  const std::string method = text_or(bound, 1, "common");
  if (method != "common" && method != "ceil" && method != "floor")
    throw JinjaError("FilterArgumentError", "method must be common, ceil or floor");
  if (!v.is_number()) {
    if (v.is_undefined()) fail_undefined(v);
    throw JinjaError("TypeError", "type " + type_name(v) + " doesn't define __round__ method");
  }
  if (method == "common") {
    if (v.is_int()) return Value::from_int(v.as_int());
    return Value::from_float(python_round(v.number, precision));
  }
  const double scale = std::pow(10.0, static_cast<double>(precision));
  const double scaled = v.as_double() * scale;
  return Value::from_float((method == "ceil" ? std::ceil(scaled) : std::floor(scaled)) / scale);
}

// ---- sequences ----------------------------------------------------------------------------

Value f_length(const Value& v, const CallArgs& args) {
  BoundArgs(args, "length", {});
  return Value::from_int(length(v));
}

Value f_list(const Value& v, const CallArgs& args) {
  BoundArgs(args, "list", {});
  return Value::from_list(iterate(v));
}

Value f_first(const Value& v, const CallArgs& args) {
  BoundArgs(args, "first", {});
  const List items = iterate(v);
  return items.empty() ? Value::undefined("No first item, sequence was empty.") : items.front();
}

Value f_last(const Value& v, const CallArgs& args) {
  BoundArgs(args, "last", {});
  const List items = iterate(v);
  return items.empty() ? Value::undefined("No last item, sequence was empty.") : items.back();
}

Value f_reverse(const Value& v, const CallArgs& args) {
  BoundArgs(args, "reverse", {});
  if (v.is_string()) {
    std::u32string s = utf8_decode(v.text);
    std::reverse(s.begin(), s.end());
    return Value::from_string(utf8_encode(s), v.markup);
  }
  List items = iterate(v);
  std::reverse(items.begin(), items.end());
  return Value::from_list(std::move(items));
}

Value f_join(const Value& v, const CallArgs& args) {
  const BoundArgs bound(args, "join", {"d", "attribute"});
  const std::string separator = text_or(bound, 0, "");
  const std::string attribute = text_or(bound, 1, "");
  std::string out;
  bool first = true;
  for (const Value& item : iterate(v)) {
    out += (first ? "" : separator) + to_str(attribute.empty() ? item : get_path(item, attribute));
    first = false;
  }
  return Value::from_string(out);
}

Value f_items(const Value& v, const CallArgs& args) {
  BoundArgs(args, "items", {});
  if (v.is_undefined()) return Value::from_list({});
  if (!v.is_dict()) throw JinjaError("TypeError", "Can only get item pairs from a mapping.");
  List items;
  for (const auto& [key, value] : v.dict->entries)
    items.push_back(Value::from_list({key, value}, true));
  return Value::from_list(std::move(items));
}

Value f_dictsort(const Value& v, const CallArgs& args) {
  const BoundArgs bound(args, "dictsort", {"case_sensitive", "by", "reverse"});
  const bool case_sensitive = bound.bool_or(0, false);
  const std::string by = text_or(bound, 1, "key");
  if (by != "key" && by != "value")
    throw JinjaError("FilterArgumentError", "You can only sort by either \"key\" or \"value\"");
  const size_t position = by == "key" ? 0 : 1;
  List items = *f_items(v, {}).list;
  std::stable_sort(items.begin(), items.end(), [&](const Value& a, const Value& b) {
    return less_than(sort_key((*a.list)[position], "", case_sensitive),
                     sort_key((*b.list)[position], "", case_sensitive));
  });
  if (bound.bool_or(2, false)) std::reverse(items.begin(), items.end());
  return Value::from_list(std::move(items));
}

Value f_sort(const Value& v, const CallArgs& args) {
  const BoundArgs bound(args, "sort", {"reverse", "case_sensitive", "attribute"});
  const bool reverse = bound.bool_or(0, false), case_sensitive = bound.bool_or(1, false);
  const std::vector<std::string> attributes = split_attributes(text_or(bound, 2, ""));
  List items = iterate(v);
  // Python compares the key lists: equal parts (two undefined ones too) are skipped.
  auto before = [&](const Value& a, const Value& b) {
    for (const std::string& attribute : attributes) {
      const Value ka = sort_key(a, attribute, case_sensitive),
                  kb = sort_key(b, attribute, case_sensitive);
      if (!equals(ka, kb)) return less_than(ka, kb);
    }
    return false;
  };
  if (reverse)
    std::stable_sort(items.begin(), items.end(),
                     [&](const Value& a, const Value& b) { return before(b, a); });
  else
    std::stable_sort(items.begin(), items.end(), before);
  return Value::from_list(std::move(items));
}

Value f_unique(const Value& v, const CallArgs& args) {
  const BoundArgs bound(args, "unique", {"case_sensitive", "attribute"});
  const bool case_sensitive = bound.bool_or(0, false);
  const std::string attribute = text_or(bound, 1, "");
  List seen, out;
  for (const Value& item : iterate(v)) {
    const Value key = sort_key(item, attribute, case_sensitive);
    if (std::any_of(seen.begin(), seen.end(), [&](const Value& s) { return equals(s, key); }))
      continue;
    seen.push_back(key);
    out.push_back(item);
  }
  return Value::from_list(std::move(out));
}

Value min_or_max(const Value& v, const CallArgs& args, bool want_max) {
  const BoundArgs bound(args, want_max ? "max" : "min", {"case_sensitive", "attribute"});
  const bool case_sensitive = bound.bool_or(0, false);
  const std::string attribute = text_or(bound, 1, "");
  const List items = iterate(v);
  if (items.empty()) return Value::undefined("No aggregated item, sequence was empty.");
  const Value* best = &items[0];
  for (const Value& item : items) {
    const Value key = sort_key(item, attribute, case_sensitive),
                best_key = sort_key(*best, attribute, case_sensitive);
    if (want_max ? less_than(best_key, key) : less_than(key, best_key)) best = &item;
  }
  return *best;
}

Value f_min(const Value& v, const CallArgs& args) { return min_or_max(v, args, false); }
Value f_max(const Value& v, const CallArgs& args) { return min_or_max(v, args, true); }

Value f_sum(const Value& v, const CallArgs& args) {
  const BoundArgs bound(args, "sum", {"attribute", "start"});
  const std::string attribute = text_or(bound, 0, "");
  Value total = bound.get_or(1, Value::from_int(0));
  for (const Value& item : iterate(v))
    total = binary_op("+", total, attribute.empty() ? item : get_path(item, attribute));
  return total;
}

Value f_batch(const Value& v, const CallArgs& args) {
  const BoundArgs bound(args, "batch", {"linecount", "fill_with"});
  const int64_t size = bound.int_or(0, 1);
  if (size <= 0) throw JinjaError("ValueError", "batch size must be positive");
  List batches, current;
  for (const Value& item : iterate(v)) {
    current.push_back(item);
    if (static_cast<int64_t>(current.size()) == size) {
      batches.push_back(Value::from_list(std::move(current)));
      current.clear();
    }
  }
  if (!current.empty()) {
    if (bound.has(1) && !bound.get(1).is_none())
      while (static_cast<int64_t>(current.size()) < size) current.push_back(bound.get(1));
    batches.push_back(Value::from_list(std::move(current)));
  }
  return Value::from_list(std::move(batches));
}

// select/reject(test, args...) and selectattr/rejectattr(attribute, test, args...).
Value select(const Value& v, const CallArgs& args, bool with_attribute, bool keep_when) {
  if (!args.named.empty())
    throw JinjaError("TypeError", "select filters take no keyword arguments");
  size_t next = 0;
  std::string attribute;
  if (with_attribute) {
    if (args.positional.empty())
      throw JinjaError("TypeError", "selectattr needs an attribute name");
    attribute = to_str(args.positional[next++]);
  }
  std::string test;
  if (next < args.positional.size()) test = to_str(args.positional[next++]);
  if (!test.empty() && !test_exists(test))
    throw JinjaError("TemplateRuntimeError", "No test named '" + test + "'.");
  CallArgs test_args;
  test_args.positional.assign(args.positional.begin() + next, args.positional.end());
  List out;
  if (!truthy(v)) return Value::from_list({});  // jinja2 skips a falsy input (none, undefined)
  for (const Value& item : iterate(v)) {
    const Value subject = with_attribute ? get_path(item, attribute) : item;
    const bool passed = test.empty() ? truthy(subject) : apply_test(test, subject, test_args);
    if (passed == keep_when) out.push_back(item);
  }
  return Value::from_list(std::move(out));
}

Value f_select(const Value& v, const CallArgs& args) { return select(v, args, false, true); }
Value f_reject(const Value& v, const CallArgs& args) { return select(v, args, false, false); }
Value f_selectattr(const Value& v, const CallArgs& args) { return select(v, args, true, true); }
Value f_rejectattr(const Value& v, const CallArgs& args) { return select(v, args, true, false); }

// map(attribute='x', default=...) or map('filter', args...).
Value f_map(const Value& v, const CallArgs& args) {
  List out;
  if (!truthy(v)) return Value::from_list({});  // jinja2 skips a falsy input (none, undefined)
  const auto attribute = std::find_if(args.named.begin(), args.named.end(),
                                      [](const auto& kv) { return kv.first == "attribute"; });
  if (args.positional.empty() && attribute != args.named.end()) {
    const auto fallback = std::find_if(args.named.begin(), args.named.end(),
                                       [](const auto& kv) { return kv.first == "default"; });
    for (const Value& item : iterate(v)) {
      Value mapped = get_path(item, to_str(attribute->second));
      if (mapped.is_undefined() && fallback != args.named.end()) mapped = fallback->second;
      out.push_back(mapped);
    }
    return Value::from_list(std::move(out));
  }
  if (args.positional.empty())
    throw JinjaError("FilterArgumentError", "map requires a filter argument");
  const std::string filter = to_str(args.positional[0]);
  CallArgs filter_args;
  filter_args.positional.assign(args.positional.begin() + 1, args.positional.end());
  filter_args.named = args.named;
  for (const Value& item : iterate(v)) out.push_back(apply_filter(filter, item, filter_args));
  return Value::from_list(std::move(out));
}

Value f_default(const Value& v, const CallArgs& args) {
  const BoundArgs bound(args, "default", {"default_value", "boolean"});
  if (v.is_undefined() || (bound.bool_or(1, false) && !truthy(v)))
    return bound.get_or(0, Value::from_string(""));
  return v;
}

// transformers' tojson: json.dumps(x, ensure_ascii=False, indent=indent, separators=separators,
// sort_keys=sort_keys).
Value f_tojson(const Value& v, const CallArgs& args) {
  const BoundArgs bound(args, "tojson", {"ensure_ascii", "indent", "separators", "sort_keys"});
  JsonDumpOptions options;
  options.ensure_ascii = bound.bool_or(0, false);
  if (bound.has(1) && !bound.get(1).is_none()) {
    const Value& indent = bound.get(1);
    options.indent =
        indent.is_string() ? indent.text : std::string(std::max<int64_t>(0, indent.as_int()), ' ');
  }
  if (bound.has(2) && !bound.get(2).is_none()) {
    const Value& separators = bound.get(2);
    if (!separators.is_list() || separators.list->size() != 2)
      throw JinjaError("ValueError", "separators must be an (item_separator, key_separator) pair");
    options.item_separator = to_str((*separators.list)[0]);
    options.key_separator = to_str((*separators.list)[1]);
  }
  options.sort_keys = bound.bool_or(3, false);
  return Value::from_string(json_dumps(v, options));
}

const std::vector<std::pair<std::string, Filter>>& filters() {
  static const std::vector<std::pair<std::string, Filter>> table = {
      {"abs", f_abs},
      {"batch", f_batch},
      {"capitalize", f_capitalize},
      {"center", f_center},
      {"count", f_length},
      {"d", f_default},
      {"default", f_default},
      {"dictsort", f_dictsort},
      {"e", f_escape},
      {"escape", f_escape},
      {"first", f_first},
      {"float", f_float},
      {"forceescape", f_forceescape},
      {"format", f_format},
      {"indent", f_indent},
      {"int", f_int},
      {"items", f_items},
      {"join", f_join},
      {"last", f_last},
      {"length", f_length},
      {"list", f_list},
      {"lower", f_lower},
      {"map", f_map},
      {"max", f_max},
      {"min", f_min},
      {"reject", f_reject},
      {"rejectattr", f_rejectattr},
      {"replace", f_replace},
      {"reverse", f_reverse},
      {"round", f_round},
      {"safe", f_safe},
      {"select", f_select},
      {"selectattr", f_selectattr},
      {"sort", f_sort},
      {"string", f_string},
      {"sum", f_sum},
      {"title", f_title},
      {"tojson", f_tojson},
      {"trim", f_trim},
      {"truncate", f_truncate},
      {"unique", f_unique},
      {"upper", f_upper},
      {"wordcount", f_wordcount},
  };
  return table;
}

}  // namespace

bool filter_exists(const std::string& name) {
  for (const auto& entry : filters())
    if (entry.first == name) return true;
  return false;
}

Value apply_filter(const std::string& name, const Value& value, const CallArgs& args) {
  for (const auto& [filter_name, filter] : filters())
    if (filter_name == name) return filter(value, args);
  throw JinjaError("TemplateAssertionError", "No filter named '" + name + "'.");
}

}  // namespace tunedeck::jinja
