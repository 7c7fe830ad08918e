#include "agent/jinja/jinja_value.h"

#include <charconv>
#include <cmath>
#include <cstdio>

#include "agent/jinja/jinja_error.h"
#include "agent/jinja/jinja_string.h"

namespace tunedeck::jinja {
namespace {

bool is_printable(char32_t c) {
  if (c < 0x20 || c == 0x7f) return false;
  if (c >= 0x80 && c <= 0xa0) return false;
  if (c == 0xad || c == 0x1680 || (c >= 0x2000 && c <= 0x200f) || (c >= 0x2028 && c <= 0x202f) ||
      (c >= 0x205f && c <= 0x206f) || c == 0x3000 || c == 0xfeff || (c >= 0xd800 && c <= 0xdfff))
    return false;
  return true;
}

std::string hex_escape(char32_t c) {
  char buf[16];
  if (c < 0x100)
    std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(c));
  else if (c < 0x10000)
    std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
  else
    std::snprintf(buf, sizeof buf, "\\U%08x", static_cast<unsigned>(c));
  return buf;
}

// repr() of each item, joined the way Python prints a list, tuple or dict.
std::string container_repr(const Value& v) {
  std::string out;
  if (v.kind == Value::Kind::kList) {
    out = v.tuple ? "(" : "[";
    for (size_t i = 0; i < v.list->size(); ++i) out += (i ? ", " : "") + to_repr((*v.list)[i]);
    if (v.tuple && v.list->size() == 1) out += ",";
    return out + (v.tuple ? ")" : "]");
  }
  out = "{";
  bool first = true;
  for (const auto& [key, value] : v.dict->entries) {
    out += (first ? "" : ", ") + to_repr(key) + ": " + to_repr(value);
    first = false;
  }
  return out + "}";
}

}  // namespace

Value Value::undefined(std::string why) {
  Value v;
  v.text = std::move(why);
  return v;
}

Value Value::none() {
  Value v;
  v.kind = Kind::kNone;
  return v;
}

Value Value::from_bool(bool b) {
  Value v;
  v.kind = Kind::kBool;
  v.boolean = b;
  return v;
}

Value Value::from_int(int64_t i) {
  Value v;
  v.kind = Kind::kInt;
  v.integer = i;
  return v;
}

Value Value::from_float(double f) {
  Value v;
  v.kind = Kind::kFloat;
  v.number = f;
  return v;
}

Value Value::from_string(std::string s, bool markup) {
  Value v;
  v.kind = Kind::kString;
  v.text = std::move(s);
  v.markup = markup;
  return v;
}

Value Value::from_list(List items, bool tuple) {
  Value v;
  v.kind = Kind::kList;
  v.list = std::make_shared<const List>(std::move(items));
  v.tuple = tuple;
  return v;
}

Value Value::from_dict(Dict d) {
  Value v;
  v.kind = Kind::kDict;
  v.dict = std::make_shared<const Dict>(std::move(d));
  return v;
}

Value Value::from_callable(std::string name, std::function<Value(const CallArgs&)> call) {
  Value v;
  v.kind = Kind::kCallable;
  v.callable = std::make_shared<const Callable>(Callable{std::move(name), std::move(call)});
  return v;
}

Value Value::from_object(std::shared_ptr<Object> o) {
  Value v;
  v.kind = Kind::kObject;
  v.object = std::move(o);
  return v;
}

double Value::as_double() const {
  return kind == Kind::kFloat ? number : static_cast<double>(as_int());
}

int64_t Value::as_int() const { return kind == Kind::kBool ? (boolean ? 1 : 0) : integer; }

BoundArgs::BoundArgs(const CallArgs& args, const std::string& function,
                     const std::vector<std::string>& params)
    : function_(function), params_(params), slots_(params.size(), nullptr) {
  if (args.positional.size() > params.size())
    throw JinjaError("TypeError", function + "() takes at most " + std::to_string(params.size()) +
                                      " argument(s) (" + std::to_string(args.positional.size()) +
                                      " given)");
  for (size_t i = 0; i < args.positional.size(); ++i) slots_[i] = &args.positional[i];
  for (const auto& [name, value] : args.named) {
    size_t i = 0;
    while (i < params.size() && params[i] != name) ++i;
    if (i == params.size())
      throw JinjaError("TypeError",
                       function + "() got an unexpected keyword argument '" + name + "'");
    if (slots_[i])
      throw JinjaError("TypeError",
                       function + "() got multiple values for argument '" + name + "'");
    slots_[i] = &value;
  }
}

const Value& BoundArgs::get(size_t i) const { return *slots_[i]; }

Value BoundArgs::get_or(size_t i, Value fallback) const {
  return slots_[i] ? *slots_[i] : std::move(fallback);
}

int64_t BoundArgs::int_or(size_t i, int64_t fallback) const {
  if (!slots_[i] || slots_[i]->is_none()) return fallback;
  if (!slots_[i]->is_int())
    throw JinjaError("TypeError", function_ + "() argument '" + params_[i] +
                                      "' must be an int, not " + type_name(*slots_[i]));
  return slots_[i]->as_int();
}

bool BoundArgs::bool_or(size_t i, bool fallback) const {
  return slots_[i] ? truthy(*slots_[i]) : fallback;
}

const Value* Dict::find(const Value& key) const {
  if (key.is_string()) return find(key.text);
  for (const auto& entry : entries)
    if (equals(entry.first, key)) return &entry.second;
  return nullptr;
}

const Value* Dict::find(const std::string& key) const {
  for (const auto& entry : entries)
    if (entry.first.is_string() && entry.first.text == key) return &entry.second;
  return nullptr;
}

void Dict::set(Value key, Value value) {
  for (auto& entry : entries)
    if (equals(entry.first, key)) {
      entry.second = std::move(value);
      return;
    }
  entries.emplace_back(std::move(key), std::move(value));
}

const Value* Object::find(const std::string& name) const {
  for (const auto& attribute : attributes)
    if (attribute.first == name) return &attribute.second;
  return nullptr;
}

void Object::set(const std::string& name, Value value) {
  for (auto& attribute : attributes)
    if (attribute.first == name) {
      attribute.second = std::move(value);
      return;
    }
  attributes.emplace_back(name, std::move(value));
}

std::string type_name(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kUndefined:
      return "Undefined";
    case Value::Kind::kNone:
      return "NoneType";
    case Value::Kind::kBool:
      return "bool";
    case Value::Kind::kInt:
      return "int";
    case Value::Kind::kFloat:
      return "float";
    case Value::Kind::kString:
      return v.markup ? "Markup" : "str";
    case Value::Kind::kList:
      return v.tuple ? "tuple" : "list";
    case Value::Kind::kDict:
      return "dict";
    case Value::Kind::kCallable:
      return "function";
    case Value::Kind::kObject:
      return v.object->type_name;
  }
  return "object";
}

std::string object_type_repr(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kNone:
      return "None";
    case Value::Kind::kUndefined:
      return "jinja2.runtime.Undefined object";
    case Value::Kind::kString:
      return v.markup ? "markupsafe.Markup object" : "str object";
    case Value::Kind::kObject:
      return (v.object->type_name == "Namespace" ? "jinja2.utils." : "jinja2.runtime.") +
             v.object->type_name + " object";
    default:
      return type_name(v) + " object";
  }
}

void fail_undefined(const Value& v) {
  throw JinjaError(v.unsafe ? "SecurityError" : "UndefinedError", v.text);
}

bool truthy(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kUndefined:
    case Value::Kind::kNone:
      return false;
    case Value::Kind::kBool:
      return v.boolean;
    case Value::Kind::kInt:
      return v.integer != 0;
    case Value::Kind::kFloat:
      return v.number != 0;
    case Value::Kind::kString:
      return !v.text.empty();
    case Value::Kind::kList:
      return !v.list->empty();
    case Value::Kind::kDict:
      return !v.dict->entries.empty();
    case Value::Kind::kCallable:
    case Value::Kind::kObject:
      return true;
  }
  return false;
}

bool equals(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_int() && b.is_int()) return a.as_int() == b.as_int();
    return a.as_double() == b.as_double();
  }
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Value::Kind::kUndefined:
    case Value::Kind::kNone:
      return true;
    case Value::Kind::kString:
      return a.text == b.text;
    case Value::Kind::kList:
      if (a.tuple != b.tuple || a.list->size() != b.list->size()) return false;
      for (size_t i = 0; i < a.list->size(); ++i)
        if (!equals((*a.list)[i], (*b.list)[i])) return false;
      return true;
    case Value::Kind::kDict:
      if (a.dict->entries.size() != b.dict->entries.size()) return false;
      for (const auto& [key, value] : a.dict->entries) {
        const Value* other = b.dict->find(key);
        if (!other || !equals(value, *other)) return false;
      }
      return true;
    case Value::Kind::kCallable:
      return a.callable == b.callable;
    case Value::Kind::kObject:
      return a.object == b.object;
    default:
      return false;
  }
}

namespace {

// -1, 0 or 1 as a is less than, equal to or greater than b; `op` names the comparison in errors.
int order(const Value& a, const Value& b, const std::string& op) {
  if (a.is_undefined()) fail_undefined(a);
  if (b.is_undefined()) fail_undefined(b);
  if (a.is_number() && b.is_number()) {
    if (a.is_int() && b.is_int())
      return a.as_int() < b.as_int() ? -1 : a.as_int() > b.as_int() ? 1 : 0;
    return a.as_double() < b.as_double() ? -1 : a.as_double() > b.as_double() ? 1 : 0;
  }
  if (a.is_string() && b.is_string()) {  // UTF-8 byte order is code point order
    const int c = a.text.compare(b.text);
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  if (a.is_list() && b.is_list() && a.tuple == b.tuple) {
    const List& x = *a.list;
    const List& y = *b.list;
    for (size_t i = 0; i < x.size() && i < y.size(); ++i)
      if (!equals(x[i], y[i])) return order(x[i], y[i], op);
    return x.size() < y.size() ? -1 : x.size() > y.size() ? 1 : 0;
  }
  throw JinjaError("TypeError", "'" + op + "' not supported between instances of '" + type_name(a) +
                                    "' and '" + type_name(b) + "'");
}

}  // namespace

bool compare(const Value& a, const std::string& op, const Value& b) {
  const int c = order(a, b, op);
  if (op == "<") return c < 0;
  if (op == "<=") return c <= 0;
  if (op == ">") return c > 0;
  return c >= 0;
}

bool less_than(const Value& a, const Value& b) { return compare(a, "<", b); }

List iterate(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kUndefined:
      return {};
    case Value::Kind::kList:
      return *v.list;
    case Value::Kind::kDict: {
      List keys;
      for (const auto& entry : v.dict->entries) keys.push_back(entry.first);
      return keys;
    }
    case Value::Kind::kString: {
      List chars;
      for (char32_t c : utf8_decode(v.text))
        chars.push_back(Value::from_string(utf8_encode(c), v.markup));
      return chars;
    }
    default:
      throw JinjaError("TypeError", "'" + type_name(v) + "' object is not iterable");
  }
}

int64_t length(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kUndefined:
      return 0;
    case Value::Kind::kString:
      return code_point_count(v.text);
    case Value::Kind::kList:
      return static_cast<int64_t>(v.list->size());
    case Value::Kind::kDict:
      return static_cast<int64_t>(v.dict->entries.size());
    default:
      throw JinjaError("TypeError", "object of type '" + type_name(v) + "' has no len()");
  }
}

std::string float_repr(double f) {
  if (std::isnan(f)) return "nan";
  if (std::isinf(f)) return f < 0 ? "-inf" : "inf";
  if (f == 0) return std::signbit(f) ? "-0.0" : "0.0";
  char buf[64];
  const auto result =
      std::to_chars(buf, buf + sizeof buf, std::fabs(f), std::chars_format::scientific);
  const std::string sci(buf, result.ptr);  // shortest round trip: "1.2345e+16"
  const size_t e = sci.find('e');
  const int exponent = std::stoi(sci.substr(e + 1));
  std::string digits;
  for (char c : sci.substr(0, e))
    if (c != '.') digits += c;
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  const int point = exponent + 1;  // value = 0.DIGITS * 10^point
  std::string out = f < 0 ? "-" : "";
  if (point > -4 && point <= 16) {
    const int n = static_cast<int>(digits.size());
    if (point <= 0)
      out += "0." + std::string(-point, '0') + digits;
    else if (point >= n)
      out += digits + std::string(point - n, '0') + ".0";
    else
      out += digits.substr(0, point) + "." + digits.substr(point);
    return out;
  }
  out += digits.substr(0, 1);
  if (digits.size() > 1) out += "." + digits.substr(1);
  char exp[16];
  std::snprintf(exp, sizeof exp, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
  return out + exp;
}

std::string string_repr(const std::string& s) {
  const bool has_single = s.find('\'') != std::string::npos;
  const bool has_double = s.find('"') != std::string::npos;
  const char quote = has_single && !has_double ? '"' : '\'';
  std::string out(1, quote);
  for (char32_t c : utf8_decode(s)) {
    if (c == static_cast<char32_t>(quote) || c == '\\')
      out += std::string("\\") + static_cast<char>(c);
    else if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\t')
      out += "\\t";
    else if (!is_printable(c))
      out += hex_escape(c);
    else
      out += utf8_encode(c);
  }
  return out + quote;
}

std::string to_str(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kUndefined:
      return "";
    case Value::Kind::kNone:
      return "None";
    case Value::Kind::kBool:
      return v.boolean ? "True" : "False";
    case Value::Kind::kInt:
      return std::to_string(v.integer);
    case Value::Kind::kFloat:
      return float_repr(v.number);
    case Value::Kind::kString:
      return v.text;
    case Value::Kind::kList:
    case Value::Kind::kDict:
      return container_repr(v);
    case Value::Kind::kCallable:
      return "<function " + v.callable->name + ">";
    case Value::Kind::kObject: {
      if (v.object->type_name != "Namespace") return "<" + v.object->type_name + ">";
      std::string out = "<Namespace {";
      for (size_t i = 0; i < v.object->attributes.size(); ++i)
        out += (i ? ", " : "") + string_repr(v.object->attributes[i].first) + ": " +
               to_repr(v.object->attributes[i].second);
      return out + "}>";
    }
  }
  return "";
}

std::string to_repr(const Value& v) {
  if (v.is_undefined()) return "Undefined";
  if (v.is_string()) return v.markup ? "Markup(" + string_repr(v.text) + ")" : string_repr(v.text);
  return to_str(v);
}

std::string html_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&#34;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace tunedeck::jinja
