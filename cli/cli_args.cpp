#include "cli/cli_args.h"

#include <cstdlib>
#include <iostream>

namespace tunedeck {
namespace {

std::string flag_text(const std::string& name) { return "--" + name; }

template <typename T, typename Parse>
T parse_number(const std::string& flag, const std::string& text, Parse parse) {
  char* end = nullptr;
  errno = 0;
  T result = parse(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno != 0)
    throw UsageError(flag + " expects a number, got '" + text + "'");
  return result;
}

}  // namespace

CliArgs::CliArgs(std::vector<std::string> args) : args_(std::move(args)), used_(args_.size()) {}

bool CliArgs::flag(const std::string& name) {
  bool found = false;
  for (size_t i = 0; i < args_.size(); ++i) {
    if (args_[i] == "--") break;
    if (!used_[i] && args_[i] == flag_text(name)) used_[i] = found = true;
  }
  return found;
}

std::optional<std::string> CliArgs::value(const std::string& name) {
  std::vector<std::string> given = values(name);
  if (given.empty()) return std::nullopt;
  return given.back();  // the last one given wins, as in most CLIs
}

std::vector<std::string> CliArgs::values(const std::string& name) {
  std::vector<std::string> result;
  const std::string key = flag_text(name);
  for (size_t i = 0; i < args_.size(); ++i) {
    if (args_[i] == "--") break;
    if (used_[i]) continue;
    if (args_[i] == key) {
      if (i + 1 >= args_.size()) throw UsageError(key + " needs a value");
      used_[i] = used_[i + 1] = true;
      result.push_back(args_[i + 1]);
      ++i;
    } else if (args_[i].rfind(key + "=", 0) == 0) {
      used_[i] = true;
      result.push_back(args_[i].substr(key.size() + 1));
    }
  }
  return result;
}

std::string CliArgs::value_or(const std::string& name, const std::string& fallback) {
  auto v = value(name);
  return v ? *v : fallback;
}

std::optional<int> CliArgs::optional_int(const std::string& name) {
  auto v = value(name);
  if (!v) return std::nullopt;
  return static_cast<int>(parse_number<long>(
      flag_text(name), *v, [](const char* s, char** e) { return std::strtol(s, e, 10); }));
}

int CliArgs::int_or(const std::string& name, int fallback) {
  auto v = optional_int(name);
  return v ? *v : fallback;
}

long long CliArgs::int64_or(const std::string& name, long long fallback) {
  auto v = value(name);
  if (!v) return fallback;
  return parse_number<long long>(flag_text(name), *v,
                                 [](const char* s, char** e) { return std::strtoll(s, e, 10); });
}

std::optional<double> CliArgs::optional_double(const std::string& name) {
  auto v = value(name);
  if (!v) return std::nullopt;
  return parse_number<double>(flag_text(name), *v,
                              [](const char* s, char** e) { return std::strtod(s, e); });
}

double CliArgs::double_or(const std::string& name, double fallback) {
  auto v = optional_double(name);
  return v ? *v : fallback;
}

std::vector<std::string> CliArgs::positionals() {
  std::vector<std::string> result;
  bool after_dashes = false;
  for (size_t i = 0; i < args_.size(); ++i) {
    if (used_[i]) continue;
    if (!after_dashes && args_[i] == "--") {
      used_[i] = after_dashes = true;
      continue;
    }
    if (after_dashes || args_[i].rfind("--", 0) != 0) {
      used_[i] = true;
      result.push_back(args_[i]);
    }
  }
  return result;
}

void CliArgs::finish() const {
  for (size_t i = 0; i < args_.size(); ++i)
    if (!used_[i]) throw UsageError("unknown option '" + args_[i] + "'");
}

bool CliArgs::help_requested() const {
  for (const auto& a : args_) {
    if (a == "--") break;
    if (a == "--help" || a == "-h") return true;
  }
  return false;
}

int cli_main(const char* program, int argc, char** argv, const std::function<int(CliArgs&)>& body) {
  try {
    CliArgs args(std::vector<std::string>(argv + 1, argv + argc));
    return body(args);
  } catch (const UsageError& e) {
    std::cerr << program << ": " << e.what() << " (see --help)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << program << ": " << e.what() << "\n";
    return 1;
  }
}

}  // namespace tunedeck
