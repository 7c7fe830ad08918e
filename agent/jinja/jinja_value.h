// The values a Jinja template computes with, and how Python sees them: truthiness, equality,
// ordering, iteration, len(), str() and repr(), so a rendering matches Python's jinja2 to the byte.
// Not for operators (jinja_operators.h), attribute access (jinja_methods.h) or JSON
// (jinja_json.h). Values are immutable once built, except an Object's attributes (a namespace()).
// A Value is not thread-safe to share while a render mutates a namespace inside it.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tunedeck::jinja {

struct Value;
struct Dict;
struct Object;
struct Callable;
using List = std::vector<Value>;

// Arguments of a call: f(1, 2, key=3).
struct CallArgs {
  std::vector<Value> positional;
  std::vector<std::pair<std::string, Value>> named;
};

struct Value {
  enum class Kind {
    kUndefined,
    kNone,
    kBool,
    kInt,
    kFloat,
    kString,
    kList,
    kDict,
    kCallable,
    kObject
  };

  Kind kind = Kind::kUndefined;
  bool boolean = false;  // kBool
  int64_t integer = 0;   // kInt
  double number = 0;     // kFloat
  // kString: the text (UTF-8). kUndefined: the message raised when the value is used
  // ("'x' is undefined", "'dict object' has no attribute 'y'").
  std::string text;
  bool markup =
      false;           // kString: a Markup string (|safe): `+` HTML-escapes plain text joined to it
  bool tuple = false;  // kList: a tuple, printed (a, b)
  bool unsafe = false;  // kUndefined: the sandbox refused an attribute (SecurityError on use)
  std::shared_ptr<const List> list;          // kList
  std::shared_ptr<const Dict> dict;          // kDict
  std::shared_ptr<const Callable> callable;  // kCallable
  std::shared_ptr<Object> object;            // kObject

  static Value undefined(std::string why);
  static Value none();
  static Value from_bool(bool b);
  static Value from_int(int64_t i);
  static Value from_float(double f);
  static Value from_string(std::string s, bool markup = false);
  static Value from_list(List items, bool tuple = false);
  static Value from_dict(Dict d);
  static Value from_callable(std::string name, std::function<Value(const CallArgs&)> call);
  static Value from_object(std::shared_ptr<Object> o);

  bool is_undefined() const { return kind == Kind::kUndefined; }
  bool is_none() const { return kind == Kind::kNone; }
  bool is_string() const { return kind == Kind::kString; }
  bool is_list() const { return kind == Kind::kList; }
  bool is_dict() const { return kind == Kind::kDict; }
  bool is_object() const { return kind == Kind::kObject; }
  bool is_int() const { return kind == Kind::kInt || kind == Kind::kBool; }  // bool is an int
  bool is_number() const { return is_int() || kind == Kind::kFloat; }
  double as_double() const;  // REQUIRES: is_number()
  int64_t as_int() const;    // REQUIRES: is_int()
};

// A call's arguments bound to a function's parameters as Python binds them: positional ones first,
// then by name. Throws TypeError for too many, unknown or repeated arguments.
// The pointers stay valid while the CallArgs lives.
class BoundArgs {
 public:
  BoundArgs(const CallArgs& args, const std::string& function,
            const std::vector<std::string>& params);
  bool has(size_t i) const { return slots_[i] != nullptr; }
  const Value& get(size_t i) const;                  // REQUIRES: has(i)
  Value get_or(size_t i, Value fallback) const;      // `fallback` when not given
  int64_t int_or(size_t i, int64_t fallback) const;  // throws TypeError when not an int
  bool bool_or(size_t i, bool fallback) const;       // Python truthiness when given

 private:
  std::string function_;
  std::vector<std::string> params_;
  std::vector<const Value*> slots_;
};

// A dict: insertion order kept (as Python's), keys unique by Python equality.
struct Dict {
  std::vector<std::pair<Value, Value>> entries;
  const Value* find(const Value& key) const;
  const Value* find(const std::string& key) const;
  void set(Value key, Value value);  // replaces the value of an equal key, else appends
};

// An object with attributes: namespace() (assignable) and a for loop's `loop` (read-only).
struct Object {
  std::string type_name;  // "Namespace", "LoopContext"
  bool assignable = false;
  std::vector<std::pair<std::string, Value>> attributes;
  const Value* find(const std::string& name) const;
  void set(const std::string& name, Value value);
};

// A macro, a global function or a bound method (s.strip, d.items).
struct Callable {
  std::string name;
  std::function<Value(const CallArgs&)> call;
};

// ---- Python semantics ----------------------------------------------------------------------

// Python's type name: "str", "Markup", "int", "float", "bool", "NoneType", "list", "tuple",
// "dict", "Undefined", "function", "Namespace", "LoopContext".
std::string type_name(const Value& v);
// jinja2's object_type_repr, used in undefined-value messages: "None", "dict object", ...
std::string object_type_repr(const Value& v);
// Throws the error an undefined value raises when used (UndefinedError, or SecurityError).
// REQUIRES: v.is_undefined()
[[noreturn]] void fail_undefined(const Value& v);

bool truthy(const Value& v);
bool equals(const Value& a, const Value& b);
// Python's a OP b for OP "<", "<=", ">", ">=" (lists element by element). Throws TypeError
// "'<' not supported between instances of 'str' and 'int'"; UndefinedError for an undefined side.
bool compare(const Value& a, const std::string& op, const Value& b);
bool less_than(const Value& a, const Value& b);  // compare(a, "<", b)

// The items of `for x in v` / list(v): a list's items, a dict's keys, a string's characters; an
// undefined value is empty. Throws TypeError "'int' object is not iterable".
List iterate(const Value& v);
// len(v) (a string counts code points); undefined is 0. Throws TypeError for a number.
int64_t length(const Value& v);

std::string to_str(const Value& v);   // Python str(): None, True, 1.0, [1, 'a'], {'k': 'v'}
std::string to_repr(const Value& v);  // Python repr(): 'a', "it's", Markup('x')
std::string float_repr(double f);     // Python repr(float): 1.0, 0.1, 1e+16, inf, nan
std::string string_repr(const std::string& s);  // Python repr(str)
std::string html_escape(const std::string& s);  // markupsafe.escape: & < > " '

}  // namespace tunedeck::jinja
