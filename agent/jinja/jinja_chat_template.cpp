#include "agent/jinja/jinja_chat_template.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "agent/calendar_date.h"

namespace tunedeck {
namespace {

using nlohmann::ordered_json;
namespace fs = std::filesystem;

std::string read_text(const fs::path& path) { return jinja_chat_read_file(path.string()); }

// A special token as tokenizer_config.json writes it: "<s>", {"content": "<s>", ...} or null.
std::string token_text(const nlohmann::json& config, const char* key) {
  const auto it = config.find(key);
  if (it == config.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object() && it->contains("content") && (*it)["content"].is_string())
    return (*it)["content"].get<std::string>();
  throw std::runtime_error(std::string("\"") + key +
                           "\" is neither a string nor {\"content\": ...}");
}

// The parsed tokenizer_config.json, or a runtime_error naming it. (A plain json: its thousands of
// added tokens make an ordered_json slow, and nothing here needs their order.)
nlohmann::json parse_config(const std::string& json_text, const std::string& name) {
  nlohmann::json config;
  try {
    config = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::parse_error& e) {
    throw std::runtime_error(name + " is not valid JSON: " + e.what());
  }
  if (!config.is_object()) throw std::runtime_error(name + " is not a JSON object");
  return config;
}

bool has_tools(const JinjaChatInputs& inputs) { return !inputs.tools.is_null(); }

const char* const kMonths[] = {"January",   "February", "March",    "April",
                               "May",       "June",     "July",     "August",
                               "September", "October",  "November", "December"};
const char* const kDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                             "Thursday", "Friday", "Saturday"};

std::string two_digits(int n, char pad = '0') {
  char buf[16];
  std::snprintf(buf, sizeof buf, pad == '0' ? "%02d" : "%2d", n);
  return buf;
}

}  // namespace

JinjaChatTemplate::JinjaChatTemplate(JinjaTemplate tmpl, std::string bos_token,
                                     std::string eos_token)
    : bos_token_(std::move(bos_token)), eos_token_(std::move(eos_token)) {
  templates_.emplace_back("default", std::move(tmpl));
}

void JinjaChatTemplate::read_tokens(const nlohmann::json& config, const std::string& name) {
  try {
    bos_token_ = token_text(config, "bos_token");
    eos_token_ = token_text(config, "eos_token");
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(name + ": " + e.what());
  }
}

JinjaChatTemplate JinjaChatTemplate::from_tokenizer_config(const std::string& json_text,
                                                           const std::string& name) {
  const nlohmann::json config = parse_config(json_text, name);
  JinjaChatTemplate result;
  result.read_tokens(config, name);
  const auto it = config.find("chat_template");
  if (it == config.end() || it->is_null())
    throw std::runtime_error(name + " has no \"chat_template\"");
  if (it->is_string()) {
    result.templates_.emplace_back("default", JinjaTemplate::parse(it->get<std::string>(), name));
    return result;
  }
  if (!it->is_array() || it->empty())
    throw std::runtime_error(
        name + ": \"chat_template\" must be a string or a list of {\"name\", \"template\"}");
  for (const auto& entry : *it) {
    if (!entry.is_object() || !entry.contains("name") || !entry.contains("template") ||
        !entry["name"].is_string() || !entry["template"].is_string())
      throw std::runtime_error(
          name + ": each \"chat_template\" entry needs a \"name\" and a \"template\" string");
    const std::string template_name = entry["name"].get<std::string>();
    result.templates_.emplace_back(template_name,
                                   JinjaTemplate::parse(entry["template"].get<std::string>(),
                                                        name + " (" + template_name + ")"));
  }
  return result;
}

JinjaChatTemplate JinjaChatTemplate::load(const std::string& model_dir) {
  const fs::path dir(model_dir);
  const fs::path config_path = dir / "tokenizer_config.json";
  const fs::path jinja_path = dir / "chat_template.jinja";
  const bool has_config = fs::exists(config_path);
  if (!fs::exists(jinja_path)) {
    if (!has_config)
      throw std::runtime_error("no chat template in " + model_dir +
                               ": neither tokenizer_config.json nor chat_template.jinja is there "
                               "(is this the Hugging Face model folder?)");
    return from_tokenizer_config(read_text(config_path), config_path.string());
  }
  JinjaChatTemplate result;
  if (has_config)
    result.read_tokens(parse_config(read_text(config_path), config_path.string()),
                       config_path.string());
  result.templates_.emplace_back("default",
                                 JinjaTemplate::parse(read_text(jinja_path), jinja_path.string()));
  return result;
}

const JinjaTemplate& JinjaChatTemplate::pick(const JinjaChatInputs& inputs) const {
  if (templates_.size() == 1) return templates_[0].second;
  auto named = [&](const char* name) -> const JinjaTemplate* {
    for (const auto& [template_name, tmpl] : templates_)
      if (template_name == name) return &tmpl;
    return nullptr;
  };
  if (has_tools(inputs))
    if (const JinjaTemplate* tool_use = named("tool_use")) return *tool_use;
  if (const JinjaTemplate* fallback = named("default")) return *fallback;
  std::string names;
  for (const auto& entry : templates_) names += (names.empty() ? "" : ", ") + entry.first;
  throw std::runtime_error("this model has several chat templates and none is named \"default\" (" +
                           names + ")");
}

std::string JinjaChatTemplate::render(const JinjaChatInputs& inputs, const std::tm& now) const {
  return pick(inputs).render(jinja_chat_context(inputs, bos_token_, eos_token_),
                             jinja_chat_functions(now));
}

ordered_json jinja_chat_context(const JinjaChatInputs& inputs, const std::string& bos_token,
                                const std::string& eos_token) {
  ordered_json context = ordered_json::object();
  context["messages"] = inputs.messages;
  if (has_tools(inputs)) context["tools"] = inputs.tools;
  context["add_generation_prompt"] = inputs.add_generation_prompt;
  context["bos_token"] = bos_token;
  context["eos_token"] = eos_token;
  if (inputs.extra.is_object())
    for (const auto& [key, value] : inputs.extra.items())
      if (key != "messages" && key != "tools" && key != "add_generation_prompt")
        context[key] = value;
  return context;
}

JinjaFunctions jinja_chat_functions(const std::tm& now) {
  JinjaFunctions functions;
  functions["raise_exception"] = [](const std::vector<ordered_json>& args) -> ordered_json {
    std::string message;
    if (!args.empty()) message = args[0].is_string() ? args[0].get<std::string>() : args[0].dump();
    throw JinjaError("ValueError", message);
  };
  functions["strftime_now"] = [now](const std::vector<ordered_json>& args) -> ordered_json {
    if (args.size() != 1 || !args[0].is_string())
      throw JinjaError("TypeError", "strftime_now(format) takes one string");
    return jinja_strftime(args[0].get<std::string>(), now);
  };
  return functions;
}

std::string jinja_chat_read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::tm jinja_chat_time(const CalendarDate& date) {
  std::tm t{};
  t.tm_year = date.year - 1900;
  t.tm_mon = date.month - 1;
  t.tm_mday = date.day;
  t.tm_wday = date.iso_weekday() % 7;
  t.tm_yday = static_cast<int>(date.days_since_epoch() -
                               CalendarDate::from_parts(date.year, 1, 1).days_since_epoch());
  return t;
}

std::tm jinja_chat_clock() {
  const char* pinned = std::getenv("TUNEDECK_TODAY");
  if (!pinned || !*pinned) {
    std::tm t{};
    const std::time_t now = std::time(nullptr);
    localtime_r(&now, &t);
    return t;
  }
  try {
    return jinja_chat_time(CalendarDate::parse(pinned));
  } catch (const CalendarDateError& e) {
    throw std::runtime_error(std::string("environment variable TUNEDECK_TODAY: ") + e.what());
  }
}

std::string jinja_strftime(const std::string& format, const std::tm& t) {
  std::string out;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%' || i + 1 == format.size()) {
      out += format[i];
      continue;
    }
    const char c = format[++i];
    const int month = t.tm_mon >= 0 && t.tm_mon < 12 ? t.tm_mon : 0;
    const int day = t.tm_wday >= 0 && t.tm_wday < 7 ? t.tm_wday : 0;
    const int hour12 = t.tm_hour % 12 == 0 ? 12 : t.tm_hour % 12;
    switch (c) {
      case 'Y':
        out += std::to_string(t.tm_year + 1900);
        break;
      case 'y':
        out += two_digits((t.tm_year + 1900) % 100);
        break;
      case 'm':
        out += two_digits(t.tm_mon + 1);
        break;
      case 'd':
        out += two_digits(t.tm_mday);
        break;
      case 'e':
        out += two_digits(t.tm_mday, ' ');
        break;
      case 'b':
      case 'h':
        out += std::string(kMonths[month]).substr(0, 3);
        break;
      case 'B':
        out += kMonths[month];
        break;
      case 'a':
        out += std::string(kDays[day]).substr(0, 3);
        break;
      case 'A':
        out += kDays[day];
        break;
      case 'H':
        out += two_digits(t.tm_hour);
        break;
      case 'I':
        out += two_digits(hour12);
        break;
      case 'M':
        out += two_digits(t.tm_min);
        break;
      case 'S':
        out += two_digits(t.tm_sec);
        break;
      case 'p':
        out += t.tm_hour < 12 ? "AM" : "PM";
        break;
      case 'j': {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%03d", (t.tm_yday + 1) % 1000);
        out += buf;
        break;
      }
      case 'u':
        out += std::to_string(day == 0 ? 7 : day);
        break;
      case 'w':
        out += std::to_string(day);
        break;
      case 'F':
        out += jinja_strftime("%Y-%m-%d", t);
        break;
      case 'D':
      case 'x':
        out += jinja_strftime("%m/%d/%y", t);
        break;
      case 'T':
      case 'X':
        out += jinja_strftime("%H:%M:%S", t);
        break;
      case 'R':
        out += jinja_strftime("%H:%M", t);
        break;
      case 'c':
        out += jinja_strftime("%a %b %e %H:%M:%S %Y", t);
        break;
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case '%':
        out += '%';
        break;
      default: {
        char buf[128];
        const char directive[] = {'%', c, '\0'};
        const size_t n = std::strftime(buf, sizeof buf, directive, &t);
        out.append(buf, n);
      }
    }
  }
  return out;
}

}  // namespace tunedeck
