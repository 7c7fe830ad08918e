#include "agent/jinja/jinja_operators.h"

#include <charconv>
#include <cmath>

#include "agent/jinja/jinja_error.h"

namespace tunedeck::jinja {
namespace {

[[noreturn]] void unsupported(const std::string& op, const Value& a, const Value& b) {
  throw JinjaError("TypeError", "unsupported operand type(s) for " + op + ": '" + type_name(a) +
                                    "' and '" + type_name(b) + "'");
}

void check_defined(const Value& a, const Value& b) {
  if (a.is_undefined()) fail_undefined(a);
  if (b.is_undefined()) fail_undefined(b);
}

Value add(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_int() && b.is_int()) return Value::from_int(a.as_int() + b.as_int());
    return Value::from_float(a.as_double() + b.as_double());
  }
  if (a.is_string() && b.is_string()) {
    if (a.markup == b.markup) return Value::from_string(a.text + b.text, a.markup);
    if (a.markup) return Value::from_string(a.text + html_escape(b.text), true);
    return Value::from_string(html_escape(a.text) + b.text, true);
  }
  if (a.is_list() && b.is_list() && a.tuple == b.tuple) {
    List items = *a.list;
    items.insert(items.end(), b.list->begin(), b.list->end());
    return Value::from_list(std::move(items), a.tuple);
  }
  if ((a.is_string() && !a.markup) || a.is_list())
    throw JinjaError("TypeError", "can only concatenate " + type_name(a) + " (not \"" +
                                      type_name(b) + "\") to " + type_name(a));
  unsupported("+", a, b);
}

Value repeat(const Value& sequence, int64_t times) {
  if (sequence.is_string()) {
    std::string out;
    if (times > 0 && sequence.text.size() * static_cast<size_t>(times) > (size_t{1} << 30))
      throw JinjaError("MemoryError", "repeated string would exceed 1 GiB");
    for (int64_t i = 0; i < times; ++i) out += sequence.text;
    return Value::from_string(std::move(out), sequence.markup);
  }
  List items;
  for (int64_t i = 0; i < times; ++i)
    items.insert(items.end(), sequence.list->begin(), sequence.list->end());
  return Value::from_list(std::move(items), sequence.tuple);
}

Value multiply(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_int() && b.is_int()) return Value::from_int(a.as_int() * b.as_int());
    return Value::from_float(a.as_double() * b.as_double());
  }
  const Value* sequence = (a.is_string() || a.is_list())   ? &a
                          : (b.is_string() || b.is_list()) ? &b
                                                           : nullptr;
  if (sequence) {
    const Value& times = sequence == &a ? b : a;
    if (times.is_int()) return repeat(*sequence, times.as_int());
    if (!times.is_string() && !times.is_list())
      throw JinjaError("TypeError",
                       "can't multiply sequence by non-int of type '" + type_name(times) + "'");
  }
  unsupported("*", a, b);
}

Value divide(const Value& a, const Value& b) {
  if (!a.is_number() || !b.is_number()) unsupported("/", a, b);
  if (b.as_double() == 0)
    throw JinjaError("ZeroDivisionError",
                     a.is_int() && b.is_int() ? "division by zero" : "float division by zero");
  return Value::from_float(a.as_double() / b.as_double());
}

Value floor_divide(const Value& a, const Value& b) {
  if (!a.is_number() || !b.is_number()) unsupported("//", a, b);
  if (a.is_int() && b.is_int()) {
    const int64_t x = a.as_int(), y = b.as_int();
    if (y == 0) throw JinjaError("ZeroDivisionError", "integer division or modulo by zero");
    int64_t q = x / y;
    if ((x % y != 0) && ((x < 0) != (y < 0))) --q;
    return Value::from_int(q);
  }
  if (b.as_double() == 0) throw JinjaError("ZeroDivisionError", "float floor division by zero");
  return Value::from_float(std::floor(a.as_double() / b.as_double()));
}

Value modulo(const Value& a, const Value& b) {
  if (a.is_string()) return Value::from_string(percent_format(a.text, b), a.markup);
  if (!a.is_number() || !b.is_number()) unsupported("%", a, b);
  if (a.is_int() && b.is_int()) {
    const int64_t x = a.as_int(), y = b.as_int();
    if (y == 0) throw JinjaError("ZeroDivisionError", "integer modulo by zero");
    int64_t r = x % y;
    if (r != 0 && ((r < 0) != (y < 0))) r += y;
    return Value::from_int(r);
  }
  const double x = a.as_double(), y = b.as_double();
  if (y == 0) throw JinjaError("ZeroDivisionError", "float modulo");
  double r = std::fmod(x, y);
  if (r != 0 && ((r < 0) != (y < 0))) r += y;
  return Value::from_float(r);
}

Value power(const Value& a, const Value& b) {
  if (!a.is_number() || !b.is_number()) unsupported("** or pow()", a, b);
  if (a.is_int() && b.is_int() && b.as_int() >= 0) {
    int64_t result = 1, base = a.as_int();
    for (int64_t e = b.as_int(); e > 0; --e) {
      if (__builtin_mul_overflow(result, base, &result))
        throw JinjaError("OverflowError", "integer power result too large");
    }
    return Value::from_int(result);
  }
  if (a.as_double() == 0 && b.as_double() < 0)
    throw JinjaError("ZeroDivisionError", "0.0 cannot be raised to a negative power");
  return Value::from_float(std::pow(a.as_double(), b.as_double()));
}

// ---- printf-style formatting -----------------------------------------------------------------

struct Spec {
  bool left = false, plus = false, space = false, zero = false, alternate = false;
  int width = -1, precision = -1;
  char type = 's';
};

std::string pad(std::string body, const Spec& spec, bool numeric) {
  if (spec.width < 0 || static_cast<int>(body.size()) >= spec.width) return body;
  const size_t fill = spec.width - body.size();
  if (spec.left) return body + std::string(fill, ' ');
  if (spec.zero && numeric) {
    const size_t sign =
        (!body.empty() && (body[0] == '-' || body[0] == '+' || body[0] == ' ')) ? 1 : 0;
    return body.substr(0, sign) + std::string(fill, '0') + body.substr(sign);
  }
  return std::string(fill, ' ') + body;
}

std::string sign_prefix(bool negative, const Spec& spec) {
  return negative ? "-" : spec.plus ? "+" : spec.space ? " " : "";
}

std::string format_integer(const Value& v, const Spec& spec) {
  if (!v.is_number())
    throw JinjaError("TypeError", std::string("%") + spec.type +
                                      " format: a real number is required, not " + type_name(v));
  const int64_t n = v.is_int() ? v.as_int() : static_cast<int64_t>(std::trunc(v.number));
  const uint64_t magnitude = n < 0 ? 0 - static_cast<uint64_t>(n) : static_cast<uint64_t>(n);
  const int base = spec.type == 'x' || spec.type == 'X' ? 16 : spec.type == 'o' ? 8 : 10;
  char buf[32];
  std::string digits(buf, std::to_chars(buf, buf + sizeof buf, magnitude, base).ptr);
  if (spec.type == 'X')
    for (char& c : digits) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (spec.precision >= 0 && static_cast<int>(digits.size()) < spec.precision)
    digits = std::string(spec.precision - digits.size(), '0') + digits;
  std::string prefix;
  if (spec.alternate && base == 16) prefix = spec.type == 'X' ? "0X" : "0x";
  if (spec.alternate && base == 8) prefix = "0o";
  return pad(sign_prefix(n < 0, spec) + prefix + digits, spec, true);
}

std::string format_float(const Value& v, const Spec& spec) {
  if (!v.is_number())
    throw JinjaError("TypeError", std::string("must be real number, not ") + type_name(v));
  const double f = v.as_double();
  const int precision = spec.precision < 0 ? 6 : spec.precision;
  char buf[512];
  const char type = static_cast<char>(std::tolower(static_cast<unsigned char>(spec.type)));
  const std::chars_format format = type == 'f'   ? std::chars_format::fixed
                                   : type == 'e' ? std::chars_format::scientific
                                                 : std::chars_format::general;
  std::string body;
  if (std::isnan(f))
    body = "nan";
  else if (std::isinf(f))
    body = "inf";
  else
    body.assign(buf, std::to_chars(buf, buf + sizeof buf, std::fabs(f), format,
                                   type == 'g' && precision == 0 ? 1 : precision)
                         .ptr);
  if (std::isupper(static_cast<unsigned char>(spec.type)))
    for (char& c : body) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return pad(sign_prefix(std::signbit(f) && !std::isnan(f), spec) + body, spec, true);
}

std::string format_one(const Value& v, const Spec& spec) {
  switch (spec.type) {
    case 's':
    case 'r':
    case 'a': {
      std::string text = spec.type == 's' ? to_str(v) : to_repr(v);
      if (spec.precision >= 0 && static_cast<int>(text.size()) > spec.precision)
        text.resize(spec.precision);
      return pad(text, spec, false);
    }
    case 'd':
    case 'i':
    case 'u':
    case 'x':
    case 'X':
    case 'o':
      return format_integer(v, spec);
    case 'f':
    case 'F':
    case 'e':
    case 'E':
    case 'g':
    case 'G':
      return format_float(v, spec);
    case 'c':
      if (v.is_string()) return pad(v.text, spec, false);
      throw JinjaError("TypeError", "%c requires int or char");
    default:
      throw JinjaError("ValueError",
                       std::string("unsupported format character '") + spec.type + "'");
  }
}

}  // namespace

Value binary_op(const std::string& op, const Value& a, const Value& b) {
  if (op == "~") return Value::from_string(to_str(a) + to_str(b));
  check_defined(a, b);
  if (op == "+") return add(a, b);
  if (op == "*") return multiply(a, b);
  if (op == "/") return divide(a, b);
  if (op == "//") return floor_divide(a, b);
  if (op == "%") return modulo(a, b);
  if (op == "**") return power(a, b);
  if (op == "-") {
    if (!a.is_number() || !b.is_number()) unsupported("-", a, b);
    if (a.is_int() && b.is_int()) return Value::from_int(a.as_int() - b.as_int());
    return Value::from_float(a.as_double() - b.as_double());
  }
  throw JinjaError("TemplateSyntaxError", "unknown operator '" + op + "'");
}

Value unary_minus(const Value& a) {
  if (a.is_undefined()) fail_undefined(a);
  if (a.is_int()) return Value::from_int(-a.as_int());
  if (a.is_number()) return Value::from_float(-a.number);
  throw JinjaError("TypeError", "bad operand type for unary -: '" + type_name(a) + "'");
}

Value unary_plus(const Value& a) {
  if (a.is_undefined()) fail_undefined(a);
  if (a.is_int()) return Value::from_int(a.as_int());
  if (a.is_number()) return a;
  throw JinjaError("TypeError", "bad operand type for unary +: '" + type_name(a) + "'");
}

bool contains(const Value& container, const Value& item) {
  switch (container.kind) {
    case Value::Kind::kUndefined:
      return false;
    case Value::Kind::kString:
      if (!item.is_string())
        throw JinjaError("TypeError",
                         "'in <string>' requires string as left operand, not " + type_name(item));
      return container.text.find(item.text) != std::string::npos;
    case Value::Kind::kList:
      for (const Value& x : *container.list)
        if (equals(x, item)) return true;
      return false;
    case Value::Kind::kDict:
      return container.dict->find(item) != nullptr;
    default:
      throw JinjaError("TypeError",
                       "argument of type '" + type_name(container) + "' is not iterable");
  }
}

std::string percent_format(const std::string& format, const Value& args) {
  const bool many = args.is_list() && args.tuple;
  size_t next_arg = 0;
  auto take = [&]() -> const Value& {
    if (!many) {
      if (next_arg++ == 0) return args;
    } else if (next_arg < args.list->size()) {
      return (*args.list)[next_arg++];
    }
    throw JinjaError("TypeError", "not enough arguments for format string");
  };
  std::string out;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') {
      out += format[i];
      continue;
    }
    if (++i >= format.size()) throw JinjaError("ValueError", "incomplete format");
    const Value* mapped = nullptr;
    if (format[i] == '(') {
      const size_t close = format.find(')', i);
      if (close == std::string::npos) throw JinjaError("ValueError", "incomplete format key");
      if (!args.is_dict()) throw JinjaError("TypeError", "format requires a mapping");
      mapped = args.dict->find(format.substr(i + 1, close - i - 1));
      if (!mapped) throw JinjaError("KeyError", string_repr(format.substr(i + 1, close - i - 1)));
      i = close + 1;
    }
    Spec spec;
    for (; i < format.size() && std::string("-+ 0#").find(format[i]) != std::string::npos; ++i) {
      spec.left |= format[i] == '-';
      spec.plus |= format[i] == '+';
      spec.space |= format[i] == ' ';
      spec.zero |= format[i] == '0';
      spec.alternate |= format[i] == '#';
    }
    auto number = [&](int& field) {
      if (i < format.size() && format[i] == '*') {
        field = static_cast<int>(take().as_int());
        ++i;
        return;
      }
      for (; i < format.size() && std::isdigit(static_cast<unsigned char>(format[i])); ++i)
        field = (field < 0 ? 0 : field) * 10 + (format[i] - '0');
    };
    number(spec.width);
    if (i < format.size() && format[i] == '.') {
      ++i;
      spec.precision = 0;
      number(spec.precision);
    }
    if (i >= format.size()) throw JinjaError("ValueError", "incomplete format");
    spec.type = format[i];
    if (spec.type == '%') {
      out += '%';
      continue;
    }
    out += format_one(mapped ? *mapped : take(), spec);
  }
  if (many && next_arg < args.list->size())
    throw JinjaError("TypeError", "not all arguments converted during string formatting");
  if (!many && !args.is_dict() && next_arg == 0)
    throw JinjaError("TypeError", "not all arguments converted during string formatting");
  return out;
}

}  // namespace tunedeck::jinja
