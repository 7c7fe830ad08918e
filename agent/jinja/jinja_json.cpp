#include "agent/jinja/jinja_json.h"

#include <algorithm>
#include <cstdio>

#include "agent/jinja/jinja_error.h"
#include "agent/jinja/jinja_string.h"

namespace tunedeck::jinja {
namespace {

using nlohmann::ordered_json;

std::string hex4(unsigned code) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\u%04x", code);
  return buf;
}

std::string quote(const std::string& s, bool ensure_ascii) {
  std::string out = "\"";
  for (char32_t c : utf8_decode(s)) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20) {
          out += hex4(c);
        } else if (ensure_ascii && c > 0x7f) {
          if (c >= 0x10000) {
            const unsigned v = c - 0x10000;
            out += hex4(0xD800 + (v >> 10)) + hex4(0xDC00 + (v & 0x3FF));
          } else {
            out += hex4(c);
          }
        } else {
          out += utf8_encode(c);
        }
    }
  }
  return out + "\"";
}

std::string json_number(double f) {
  if (f != f) return "NaN";
  if (f == 1.0 / 0.0) return "Infinity";
  if (f == -1.0 / 0.0) return "-Infinity";
  return float_repr(f);
}

[[noreturn]] void not_serializable(const Value& v) {
  throw JinjaError("TypeError", "Object of type " + type_name(v) + " is not JSON serializable");
}

// A dict key as json.dumps writes it (it only accepts str, int, float, bool and None).
std::string key_text(const Value& key) {
  switch (key.kind) {
    case Value::Kind::kString:
      return key.text;
    case Value::Kind::kFloat:
      return json_number(key.number);
    case Value::Kind::kBool:
      return key.boolean ? "true" : "false";
    case Value::Kind::kNone:
      return "null";
    case Value::Kind::kInt:
      return std::to_string(key.integer);
    default:
      throw JinjaError("TypeError",
                       "keys must be str, int, float, bool or None, not " + type_name(key));
  }
}

class Dumper {
 public:
  explicit Dumper(const JsonDumpOptions& o) : o_(o) {
    item_separator_ = o.item_separator ? *o.item_separator : (o.indent ? "," : ", ");
  }

  void dump(const Value& v, int depth) {
    switch (v.kind) {
      case Value::Kind::kNone:
        out += "null";
        return;
      case Value::Kind::kBool:
        out += v.boolean ? "true" : "false";
        return;
      case Value::Kind::kInt:
        out += std::to_string(v.integer);
        return;
      case Value::Kind::kFloat:
        out += json_number(v.number);
        return;
      case Value::Kind::kString:
        out += quote(v.text, o_.ensure_ascii);
        return;
      case Value::Kind::kList:
        dump_list(*v.list, depth);
        return;
      case Value::Kind::kDict:
        dump_dict(*v.dict, depth);
        return;
      default:
        not_serializable(v);
    }
  }

  std::string out;

 private:
  // What goes before an item: the separator, then (indented) a newline and the indentation.
  void open_item(bool first, int depth) {
    if (!first) out += item_separator_;
    newline(depth);
  }
  void newline(int depth) {
    if (!o_.indent) return;
    out += "\n";
    for (int i = 0; i < depth; ++i) out += *o_.indent;
  }

  void dump_list(const List& items, int depth) {
    if (items.empty()) {
      out += "[]";
      return;
    }
    out += "[";
    for (size_t i = 0; i < items.size(); ++i) {
      open_item(i == 0, depth + 1);
      dump(items[i], depth + 1);
    }
    newline(depth);
    out += "]";
  }

  void dump_dict(const Dict& dict, int depth) {
    if (dict.entries.empty()) {
      out += "{}";
      return;
    }
    std::vector<std::pair<std::string, const Value*>> entries;
    for (const auto& [key, value] : dict.entries) entries.emplace_back(key_text(key), &value);
    if (o_.sort_keys)
      std::stable_sort(entries.begin(), entries.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
    out += "{";
    for (size_t i = 0; i < entries.size(); ++i) {
      open_item(i == 0, depth + 1);
      out += quote(entries[i].first, o_.ensure_ascii) + o_.key_separator;
      dump(*entries[i].second, depth + 1);
    }
    newline(depth);
    out += "}";
  }

  const JsonDumpOptions& o_;
  std::string item_separator_;
};

}  // namespace

Value value_from_json(const ordered_json& j) {
  switch (j.type()) {
    case ordered_json::value_t::null:
      return Value::none();
    case ordered_json::value_t::boolean:
      return Value::from_bool(j.get<bool>());
    case ordered_json::value_t::number_integer:
      return Value::from_int(j.get<int64_t>());
    case ordered_json::value_t::number_unsigned: {
      const uint64_t u = j.get<uint64_t>();
      if (u > static_cast<uint64_t>(INT64_MAX)) return Value::from_float(static_cast<double>(u));
      return Value::from_int(static_cast<int64_t>(u));
    }
    case ordered_json::value_t::number_float:
      return Value::from_float(j.get<double>());
    case ordered_json::value_t::string:
      return Value::from_string(j.get<std::string>());
    case ordered_json::value_t::array: {
      List items;
      items.reserve(j.size());
      for (const auto& item : j) items.push_back(value_from_json(item));
      return Value::from_list(std::move(items));
    }
    case ordered_json::value_t::object: {
      Dict dict;
      dict.entries.reserve(j.size());
      for (const auto& [key, item] : j.items())
        dict.entries.emplace_back(Value::from_string(key), value_from_json(item));
      return Value::from_dict(std::move(dict));
    }
    default:
      throw JinjaError("TypeError", "binary JSON values are not supported");
  }
}

ordered_json value_to_json(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kUndefined:
    case Value::Kind::kNone:
      return nullptr;
    case Value::Kind::kBool:
      return v.boolean;
    case Value::Kind::kInt:
      return v.integer;
    case Value::Kind::kFloat:
      return v.number;
    case Value::Kind::kString:
      return v.text;
    case Value::Kind::kList: {
      ordered_json array = ordered_json::array();
      for (const Value& item : *v.list) array.push_back(value_to_json(item));
      return array;
    }
    case Value::Kind::kDict: {
      ordered_json object = ordered_json::object();
      for (const auto& [key, item] : v.dict->entries) object[to_str(key)] = value_to_json(item);
      return object;
    }
    default:
      return to_str(v);
  }
}

std::string json_dumps(const Value& v, const JsonDumpOptions& options) {
  Dumper dumper(options);
  dumper.dump(v, 0);
  return dumper.out;
}

}  // namespace tunedeck::jinja
