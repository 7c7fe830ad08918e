#include "agent/jinja/jinja_methods.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>

#include "agent/jinja/jinja_error.h"
#include "agent/jinja/jinja_operators.h"
#include "agent/jinja/jinja_string.h"

namespace tunedeck::jinja {
namespace {

using Method = std::function<Value(const Value& self, const CallArgs& args)>;

Value no_attribute(const Value& obj, const std::string& name) {
  return Value::undefined("'" + object_type_repr(obj) + "' has no attribute " + string_repr(name));
}

Value no_element(const Value& obj, const Value& key) {
  return Value::undefined("'" + object_type_repr(obj) + "' has no element " + to_repr(key));
}

Value unsafe(const Value& obj, const std::string& name) {
  Value v = Value::undefined("access to attribute " + string_repr(name) + " of '" + type_name(obj) +
                             "' object is unsafe.");
  v.unsafe = true;
  return v;
}

std::optional<std::string> optional_text(const BoundArgs& bound, size_t i) {
  if (!bound.has(i) || bound.get(i).is_none()) return std::nullopt;
  if (!bound.get(i).is_string())
    throw JinjaError("TypeError", "expected a string or None, got " + type_name(bound.get(i)));
  return bound.get(i).text;
}

const std::string& text_arg(const BoundArgs& bound, size_t i, const char* method) {
  if (!bound.has(i))
    throw JinjaError("TypeError", std::string(method) + "() takes a string argument");
  if (!bound.get(i).is_string())
    throw JinjaError("TypeError", std::string(method) + "() argument must be str, not " +
                                      type_name(bound.get(i)));
  return bound.get(i).text;
}

Value string_list(const std::vector<std::string>& parts, bool markup) {
  List items;
  for (const std::string& part : parts) items.push_back(Value::from_string(part, markup));
  return Value::from_list(std::move(items));
}

// Text to add to a Markup string: plain text is escaped first.
std::string as_markup_text(const Value& v, bool markup) {
  if (!markup || (v.is_string() && v.markup)) return to_str(v);
  return html_escape(to_str(v));
}

// s.startswith(prefix) / s.endswith(suffix); the argument may be a tuple of candidates.
Value starts_or_ends(const Value& self, const CallArgs& args, bool ends) {
  const BoundArgs bound(args, ends ? "endswith" : "startswith", {"affix"});
  const Value& affix = bound.get_or(0, Value::undefined("missing"));
  List candidates = affix.is_list() && affix.tuple ? *affix.list : List{affix};
  for (const Value& candidate : candidates) {
    if (!candidate.is_string())
      throw JinjaError("TypeError", std::string(ends ? "endswith" : "startswith") +
                                        " first arg must be str or a tuple of str, not " +
                                        type_name(candidate));
    const std::string& s = self.text;
    const std::string& a = candidate.text;
    if (a.size() <= s.size() &&
        (ends ? s.compare(s.size() - a.size(), a.size(), a) == 0 : s.compare(0, a.size(), a) == 0))
      return Value::from_bool(true);
  }
  return Value::from_bool(false);
}

Value strip_method(const Value& self, const CallArgs& args, const char* name, bool left,
                   bool right) {
  const BoundArgs bound(args, name, {"chars"});
  return Value::from_string(py_strip(self.text, optional_text(bound, 0), left, right), self.markup);
}

Value split_method(const Value& self, const CallArgs& args, bool from_right) {
  const BoundArgs bound(args, from_right ? "rsplit" : "split", {"sep", "maxsplit"});
  const auto sep = optional_text(bound, 0);
  const int64_t maxsplit = bound.int_or(1, -1);
  return string_list(
      from_right ? py_rsplit(self.text, sep, maxsplit) : py_split(self.text, sep, maxsplit),
      self.markup);
}

Value is_all(const Value& self, bool (*pred)(char32_t)) {
  const std::u32string text = utf8_decode(self.text);
  if (text.empty()) return Value::from_bool(false);
  return Value::from_bool(std::all_of(text.begin(), text.end(), pred));
}

Value justify(const Value& self, const CallArgs& args, const char* name, char align) {
  const BoundArgs bound(args, name, {"width", "fillchar"});
  const int64_t width = bound.int_or(0, 0);
  const std::string fill = bound.has(1) ? bound.get(1).text : " ";
  const int64_t n = code_point_count(self.text);
  if (width <= n) return self;
  const int64_t total = width - n;
  int64_t left = align == '<' ? 0 : align == '>' ? total : total / 2 + (total & width & 1);
  std::string out;
  for (int64_t i = 0; i < left; ++i) out += fill;
  out += self.text;
  for (int64_t i = 0; i < total - left; ++i) out += fill;
  return Value::from_string(out, self.markup);
}

Value find_method(const Value& self, const CallArgs& args, const char* name, bool from_right,
                  bool raise) {
  const BoundArgs bound(args, name, {"sub"});
  const int64_t at = py_find(self.text, text_arg(bound, 0, name), from_right);
  if (at < 0 && raise) throw JinjaError("ValueError", "substring not found");
  return Value::from_int(at);
}

const std::vector<std::pair<std::string, Method>>& string_methods() {
  static const std::vector<std::pair<std::string, Method>> methods = {
      {"startswith", [](const Value& s, const CallArgs& a) { return starts_or_ends(s, a, false); }},
      {"endswith", [](const Value& s, const CallArgs& a) { return starts_or_ends(s, a, true); }},
      {"strip",
       [](const Value& s, const CallArgs& a) { return strip_method(s, a, "strip", true, true); }},
      {"lstrip",
       [](const Value& s, const CallArgs& a) { return strip_method(s, a, "lstrip", true, false); }},
      {"rstrip",
       [](const Value& s, const CallArgs& a) { return strip_method(s, a, "rstrip", false, true); }},
      {"split", [](const Value& s, const CallArgs& a) { return split_method(s, a, false); }},
      {"rsplit", [](const Value& s, const CallArgs& a) { return split_method(s, a, true); }},
      {"splitlines",
       [](const Value& s, const CallArgs& a) {
         const BoundArgs bound(a, "splitlines", {"keepends"});
         return string_list(py_splitlines(s.text, bound.bool_or(0, false)), s.markup);
       }},
      {"replace",
       [](const Value& s, const CallArgs& a) {
         const BoundArgs bound(a, "replace", {"old", "new", "count"});
         const std::string old_text =
             as_markup_text(bound.get_or(0, Value::undefined("")), s.markup);
         const std::string new_text =
             as_markup_text(bound.get_or(1, Value::undefined("")), s.markup);
         text_arg(bound, 0, "replace");
         text_arg(bound, 1, "replace");
         return Value::from_string(py_replace(s.text, old_text, new_text, bound.int_or(2, -1)),
                                   s.markup);
       }},
      {"upper",
       [](const Value& s, const CallArgs& a) {
         BoundArgs(a, "upper", {});
         return Value::from_string(py_upper(s.text), s.markup);
       }},
      {"lower",
       [](const Value& s, const CallArgs& a) {
         BoundArgs(a, "lower", {});
         return Value::from_string(py_lower(s.text), s.markup);
       }},
      {"casefold",
       [](const Value& s, const CallArgs& a) {
         BoundArgs(a, "casefold", {});
         return Value::from_string(py_lower(s.text));
       }},
      {"title",
       [](const Value& s, const CallArgs& a) {
         BoundArgs(a, "title", {});
         return Value::from_string(py_title(s.text), s.markup);
       }},
      {"capitalize",
       [](const Value& s, const CallArgs& a) {
         BoundArgs(a, "capitalize", {});
         return Value::from_string(py_capitalize(s.text), s.markup);
       }},
      {"format",
       [](const Value& s, const CallArgs& a) {
         if (!s.markup) return Value::from_string(str_format(s.text, a));
         CallArgs escaped = a;
         for (Value& v : escaped.positional) v = Value::from_string(as_markup_text(v, true), true);
         for (auto& kv : escaped.named)
           kv.second = Value::from_string(as_markup_text(kv.second, true), true);
         return Value::from_string(str_format(s.text, escaped), true);
       }},
      {"join",
       [](const Value& s, const CallArgs& a) {
         const BoundArgs bound(a, "join", {"iterable"});
         std::string out;
         bool first = true;
         for (const Value& item : iterate(bound.get_or(0, Value::undefined("")))) {
           if (!item.is_string())
             throw JinjaError("TypeError", "sequence item: expected str instance, " +
                                               type_name(item) + " found");
           out += (first ? "" : s.text) + as_markup_text(item, s.markup);
           first = false;
         }
         return Value::from_string(out, s.markup);
       }},
      {"find",
       [](const Value& s, const CallArgs& a) { return find_method(s, a, "find", false, false); }},
      {"rfind",
       [](const Value& s, const CallArgs& a) { return find_method(s, a, "rfind", true, false); }},
      {"index",
       [](const Value& s, const CallArgs& a) { return find_method(s, a, "index", false, true); }},
      {"rindex",
       [](const Value& s, const CallArgs& a) { return find_method(s, a, "rindex", true, true); }},
      {"count",
       [](const Value& s, const CallArgs& a) {
         const BoundArgs bound(a, "count", {"sub"});
         return Value::from_int(py_count(s.text, text_arg(bound, 0, "count")));
       }},
      {"removeprefix",
       [](const Value& s, const CallArgs& a) {
         const BoundArgs bound(a, "removeprefix", {"prefix"});
         const std::string& p = text_arg(bound, 0, "removeprefix");
         return s.text.compare(0, p.size(), p) == 0
                    ? Value::from_string(s.text.substr(p.size()), s.markup)
                    : s;
       }},
      {"removesuffix",
       [](const Value& s, const CallArgs& a) {
         const BoundArgs bound(a, "removesuffix", {"suffix"});
         const std::string& x = text_arg(bound, 0, "removesuffix");
         if (x.empty() || x.size() > s.text.size() ||
             s.text.compare(s.text.size() - x.size(), x.size(), x) != 0)
           return s;
         return Value::from_string(s.text.substr(0, s.text.size() - x.size()), s.markup);
       }},
      {"center", [](const Value& s, const CallArgs& a) { return justify(s, a, "center", '^'); }},
      {"ljust", [](const Value& s, const CallArgs& a) { return justify(s, a, "ljust", '<'); }},
      {"rjust", [](const Value& s, const CallArgs& a) { return justify(s, a, "rjust", '>'); }},
      {"zfill",
       [](const Value& s, const CallArgs& a) {
         const BoundArgs bound(a, "zfill", {"width"});
         const int64_t width = bound.int_or(0, 0), n = code_point_count(s.text);
         if (width <= n) return s;
         const size_t sign = !s.text.empty() && (s.text[0] == '-' || s.text[0] == '+') ? 1 : 0;
         return Value::from_string(
             s.text.substr(0, sign) + std::string(width - n, '0') + s.text.substr(sign), s.markup);
       }},
      {"isdigit",
       [](const Value& s, const CallArgs&) {
         return is_all(s, [](char32_t c) { return c >= '0' && c <= '9'; });
       }},
      {"isalpha",
       [](const Value& s, const CallArgs&) {
         return is_all(s, [](char32_t c) {
           return py_is_word_char(c) && !(c >= '0' && c <= '9') && c != '_';
         });
       }},
      {"isalnum",
       [](const Value& s, const CallArgs&) {
         return is_all(s, [](char32_t c) { return py_is_word_char(c) && c != '_'; });
       }},
      {"isspace", [](const Value& s, const CallArgs&) { return is_all(s, py_isspace); }},
      {"islower",
       [](const Value& s, const CallArgs&) {
         return Value::from_bool(py_lower(s.text) == s.text && py_upper(s.text) != s.text);
       }},
      {"isupper",
       [](const Value& s, const CallArgs&) {
         return Value::from_bool(py_upper(s.text) == s.text && py_lower(s.text) != s.text);
       }},
  };
  return methods;
}

Value dict_items(const Value& self) {
  List items;
  for (const auto& [key, value] : self.dict->entries)
    items.push_back(Value::from_list({key, value}, true));
  return Value::from_list(std::move(items));
}

const std::vector<std::pair<std::string, Method>>& dict_methods() {
  static const std::vector<std::pair<std::string, Method>> methods = {
      {"items",
       [](const Value& d, const CallArgs& a) {
         BoundArgs(a, "items", {});
         return dict_items(d);
       }},
      {"keys",
       [](const Value& d, const CallArgs& a) {
         BoundArgs(a, "keys", {});
         return Value::from_list(iterate(d));
       }},
      {"values",
       [](const Value& d, const CallArgs& a) {
         BoundArgs(a, "values", {});
         List values;
         for (const auto& entry : d.dict->entries) values.push_back(entry.second);
         return Value::from_list(std::move(values));
       }},
      {"get",
       [](const Value& d, const CallArgs& a) {
         const BoundArgs bound(a, "get", {"key", "default"});
         if (!bound.has(0))
           throw JinjaError("TypeError", "get expected at least 1 argument, got 0");
         const Value* found = d.dict->find(bound.get(0));
         return found ? *found : bound.get_or(1, Value::none());
       }},
      {"copy",
       [](const Value& d, const CallArgs& a) {
         BoundArgs(a, "copy", {});
         return d;
       }},
  };
  return methods;
}

const std::vector<std::pair<std::string, Method>>& list_methods() {
  static const std::vector<std::pair<std::string, Method>> methods = {
      {"index",
       [](const Value& l, const CallArgs& a) {
         const BoundArgs bound(a, "index", {"value"});
         const Value item = bound.get_or(0, Value::undefined(""));
         for (size_t i = 0; i < l.list->size(); ++i)
           if (equals((*l.list)[i], item)) return Value::from_int(static_cast<int64_t>(i));
         throw JinjaError("ValueError", to_repr(item) + " is not in list");
       }},
      {"count",
       [](const Value& l, const CallArgs& a) {
         const BoundArgs bound(a, "count", {"value"});
         const Value item = bound.get_or(0, Value::undefined(""));
         return Value::from_int(std::count_if(l.list->begin(), l.list->end(),
                                              [&](const Value& x) { return equals(x, item); }));
       }},
      {"copy",
       [](const Value& l, const CallArgs& a) {
         BoundArgs(a, "copy", {});
         return l;
       }},
  };
  return methods;
}

// Methods that would modify the value: refused by the immutable sandbox.
bool modifies(const Value& obj, const std::string& name) {
  static const char* const kDict[] = {"clear", "pop", "popitem", "setdefault", "update"};
  static const char* const kList[] = {"append", "clear",  "extend",  "insert",
                                      "pop",    "remove", "reverse", "sort"};
  if (obj.is_dict()) return std::find(std::begin(kDict), std::end(kDict), name) != std::end(kDict);
  if (obj.is_list() && !obj.tuple)
    return std::find(std::begin(kList), std::end(kList), name) != std::end(kList);
  return false;
}

// obj.name as a Python attribute: a bound method, or nothing.
std::optional<Value> python_attribute(const Value& obj, const std::string& name) {
  if (!name.empty() && name[0] == '_') return unsafe(obj, name);
  if (modifies(obj, name)) return unsafe(obj, name);
  const std::vector<std::pair<std::string, Method>>* table = nullptr;
  if (obj.is_string())
    table = &string_methods();
  else if (obj.is_dict())
    table = &dict_methods();
  else if (obj.is_list())
    table = &list_methods();
  if (!table) return std::nullopt;
  for (const auto& [method_name, method] : *table) {
    if (method_name != name) continue;
    const Method call = method;
    return Value::from_callable(name,
                                [obj, call](const CallArgs& args) { return call(obj, args); });
  }
  return std::nullopt;
}

// Python's slice.indices(): the positions a slice selects in a sequence of `n` items.
std::vector<int64_t> slice_positions(int64_t n, const Value* start, const Value* stop,
                                     const Value* step) {
  auto given = [](const Value* v) { return v && !v->is_none() && !v->is_undefined(); };
  auto index_of = [](const Value* v) {
    if (!v->is_int())
      throw JinjaError("TypeError",
                       "slice indices must be integers or None or have an __index__ method");
    return v->as_int();
  };
  const int64_t s = given(step) ? index_of(step) : 1;
  if (s == 0) throw JinjaError("ValueError", "slice step cannot be zero");
  auto clamp = [&](const Value* v, int64_t fallback) {
    if (!given(v)) return fallback;
    int64_t i = index_of(v);
    if (i < 0) i += n;
    if (s > 0) return std::clamp<int64_t>(i, 0, n);
    return std::clamp<int64_t>(i, -1, n - 1);
  };
  const int64_t first = clamp(start, s > 0 ? 0 : n - 1);
  const int64_t last = clamp(stop, s > 0 ? n : -1);
  std::vector<int64_t> positions;
  for (int64_t i = first; s > 0 ? i < last : i > last; i += s) positions.push_back(i);
  return positions;
}

// ---- str.format ---------------------------------------------------------------------------

struct FormatSpec {
  std::string fill = " ";
  char align = 0, sign = '-', type = 0;
  bool alternate = false, zero = false;
  int64_t width = -1, precision = -1;
};

FormatSpec parse_spec(const std::string& spec_text) {
  FormatSpec spec;
  const std::u32string s = utf8_decode(spec_text);
  size_t i = 0;
  auto is_align = [](char32_t c) { return c == '<' || c == '>' || c == '^' || c == '='; };
  if (s.size() >= 2 && is_align(s[1])) {
    spec.fill = utf8_encode(s[0]);
    spec.align = static_cast<char>(s[1]);
    i = 2;
  } else if (!s.empty() && is_align(s[0])) {
    spec.align = static_cast<char>(s[0]);
    i = 1;
  }
  if (i < s.size() && (s[i] == '+' || s[i] == '-' || s[i] == ' '))
    spec.sign = static_cast<char>(s[i++]);
  if (i < s.size() && s[i] == '#') spec.alternate = true, ++i;
  if (i < s.size() && s[i] == '0') spec.zero = true, ++i;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i)
    spec.width = std::max<int64_t>(spec.width, 0) * 10 + (s[i] - '0');
  if (i < s.size() && s[i] == '.') {
    spec.precision = 0;
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i)
      spec.precision = spec.precision * 10 + (s[i] - '0');
  }
  if (i < s.size()) spec.type = static_cast<char>(s[i++]);
  if (i != s.size()) throw JinjaError("ValueError", "Invalid format specifier '" + spec_text + "'");
  return spec;
}

std::string format_with_spec(const Value& v, const std::string& spec_text) {
  if (spec_text.empty()) return to_str(v);
  const FormatSpec spec = parse_spec(spec_text);
  std::string body;
  bool numeric = false;
  if (v.is_number() && spec.type != 's') {
    numeric = true;
    char type = spec.type;
    if (!type) type = v.kind == Value::Kind::kFloat ? (spec.precision >= 0 ? 'g' : 'r') : 'd';
    std::string printf_spec = "%";
    if (spec.sign != '-') printf_spec += spec.sign;
    if (spec.alternate) printf_spec += '#';
    if (spec.precision >= 0) printf_spec += "." + std::to_string(spec.precision);
    if (type == 'r')
      body = (spec.sign == '+' && v.as_double() >= 0 ? "+" : "") + float_repr(v.as_double());
    else if (type == '%')
      body = percent_format(printf_spec + "f", Value::from_float(v.as_double() * 100)) + "%";
    else if (type == 'b') {
      int64_t n = v.as_int();
      char buf[80];
      body.assign(buf, std::to_chars(buf, buf + sizeof buf, n, 2).ptr);
    } else
      body = percent_format(printf_spec + type, v);
  } else {
    body = to_str(v);
    if (spec.precision >= 0) body = utf8_encode(utf8_decode(body).substr(0, spec.precision));
  }
  const int64_t n = code_point_count(body);
  if (spec.width <= n) return body;
  const int64_t total = spec.width - n;
  char align = spec.align ? spec.align : (numeric ? '>' : '<');
  std::string fill = spec.fill;
  if (!spec.align && spec.zero && numeric) align = '=', fill = "0";
  auto repeat = [&](int64_t k) {
    std::string out;
    for (int64_t i = 0; i < k; ++i) out += fill;
    return out;
  };
  if (align == '<') return body + repeat(total);
  if (align == '^') return repeat(total / 2) + body + repeat(total - total / 2);
  if (align == '=' && !body.empty() && (body[0] == '-' || body[0] == '+' || body[0] == ' '))
    return body.substr(0, 1) + repeat(total) + body.substr(1);
  return repeat(total) + body;
}

}  // namespace

Value get_attribute(const Value& obj, const std::string& name) {
  switch (obj.kind) {
    case Value::Kind::kUndefined:
      fail_undefined(obj);
    case Value::Kind::kObject: {
      const Value* found = obj.object->find(name);
      return found ? *found : no_attribute(obj, name);
    }
    case Value::Kind::kDict: {
      if (auto method = python_attribute(obj, name)) return *method;
      const Value* found = obj.dict->find(name);
      return found ? *found : no_attribute(obj, name);
    }
    default: {
      if (auto method = python_attribute(obj, name)) return *method;
      return no_attribute(obj, name);
    }
  }
}

Value get_item(const Value& obj, const Value& key) {
  if (obj.is_undefined()) fail_undefined(obj);
  if (obj.is_dict()) {
    if (const Value* found = obj.dict->find(key)) return *found;
  } else if ((obj.is_list() || obj.is_string()) && key.is_int()) {
    const int64_t n = length(obj);
    int64_t i = key.as_int();
    if (i < 0) i += n;
    if (i >= 0 && i < n) {
      if (obj.is_list()) return (*obj.list)[i];
      if (code_point_count(obj.text) == static_cast<int64_t>(obj.text.size()))
        return Value::from_string(obj.text.substr(i, 1), obj.markup);
      return Value::from_string(utf8_encode(utf8_decode(obj.text)[i]), obj.markup);
    }
  }
  if (!key.is_string()) return no_element(obj, key);
  if (obj.is_object()) return get_attribute(obj, key.text);
  if (auto method = python_attribute(obj, key.text)) return *method;
  return no_attribute(obj, key.text);
}

Value get_slice(const Value& obj, const Value* start, const Value* stop, const Value* step) {
  if (obj.is_undefined()) fail_undefined(obj);
  if (obj.is_list()) {
    List items;
    for (int64_t i : slice_positions(static_cast<int64_t>(obj.list->size()), start, stop, step))
      items.push_back((*obj.list)[i]);
    return Value::from_list(std::move(items), obj.tuple);
  }
  if (obj.is_string()) {
    const std::u32string text = utf8_decode(obj.text);
    std::u32string out;
    for (int64_t i : slice_positions(static_cast<int64_t>(text.size()), start, stop, step))
      out += text[i];
    return Value::from_string(utf8_encode(out), obj.markup);
  }
  return Value::undefined("'" + object_type_repr(obj) + "' has no element slice");
}

Value get_path(const Value& obj, const std::string& path) {
  Value current = obj;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    const std::string part =
        path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    int64_t index = 0;
    const auto parsed = std::from_chars(part.data(), part.data() + part.size(), index);
    const bool numeric =
        !part.empty() && parsed.ec == std::errc() && parsed.ptr == part.data() + part.size();
    current = get_item(current, numeric ? Value::from_int(index) : Value::from_string(part));
    if (dot == std::string::npos) return current;
    if (current.is_undefined()) return current;
    start = dot + 1;
  }
}

std::string str_format(const std::string& format, const CallArgs& args) {
  std::string out;
  size_t auto_index = 0;
  for (size_t i = 0; i < format.size(); ++i) {
    const char c = format[i];
    if (c == '}') {
      if (i + 1 < format.size() && format[i + 1] == '}') {
        out += '}';
        ++i;
        continue;
      }
      throw JinjaError("ValueError", "Single '}' encountered in format string");
    }
    if (c != '{') {
      out += c;
      continue;
    }
    if (i + 1 < format.size() && format[i + 1] == '{') {
      out += '{';
      ++i;
      continue;
    }
    const size_t close = format.find('}', i);
    if (close == std::string::npos)
      throw JinjaError("ValueError", "Single '{' encountered in format string");
    std::string field = format.substr(i + 1, close - i - 1);
    i = close;
    std::string spec, conversion;
    if (const size_t colon = field.find(':'); colon != std::string::npos) {
      spec = field.substr(colon + 1);
      field.resize(colon);
    }
    if (const size_t bang = field.find('!'); bang != std::string::npos) {
      conversion = field.substr(bang + 1);
      field.resize(bang);
    }
    Value value;
    if (field.empty() || std::isdigit(static_cast<unsigned char>(field[0]))) {
      const size_t index = field.empty() ? auto_index++ : std::stoul(field);
      if (index >= args.positional.size())
        throw JinjaError("IndexError", "Replacement index " + std::to_string(index) +
                                           " out of range for positional args tuple");
      value = args.positional[index];
    } else {
      const auto it = std::find_if(args.named.begin(), args.named.end(),
                                   [&](const auto& kv) { return kv.first == field; });
      if (it == args.named.end()) throw JinjaError("KeyError", string_repr(field));
      value = it->second;
    }
    if (conversion == "r")
      value = Value::from_string(to_repr(value));
    else if (conversion == "s")
      value = Value::from_string(to_str(value));
    out += format_with_spec(value, spec);
  }
  return out;
}

}  // namespace tunedeck::jinja
