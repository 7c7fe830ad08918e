// Command-line flags for the tunedeck subcommands: `--name VALUE`, `--name=VALUE`, `--switch`,
// and positionals. Flags are read on demand by each subcommand; finish() rejects what nobody read.
// Not for config files (see the config loader). Single-threaded.
#pragma once
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace tunedeck {

// A mistake in how the program was called: printed with the usage hint, exit status 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class CliArgs {
 public:
  explicit CliArgs(std::vector<std::string> args);

  bool flag(const std::string& name);                         // true if --name was given (consumed)
  std::optional<std::string> value(const std::string& name);  // --name V or --name=V
  std::vector<std::string> values(const std::string& name);   // every --name V, in order
  std::string value_or(const std::string& name, const std::string& fallback);
  int int_or(const std::string& name, int fallback);
  long long int64_or(const std::string& name, long long fallback);
  double double_or(const std::string& name, double fallback);
  std::optional<double> optional_double(const std::string& name);
  std::optional<int> optional_int(const std::string& name);

  // Unconsumed arguments that do not start with "--" (or everything after a bare "--").
  std::vector<std::string> positionals();
  // Throws UsageError naming the first flag nobody asked for.
  void finish() const;
  bool help_requested() const;

 private:
  std::vector<std::string> args_;
  std::vector<bool> used_;
};

// The main() of a small program (bench/): runs `body` on argv[1..]. A UsageError prints
// "PROGRAM: message (see --help)" and returns 2; any other exception "PROGRAM: message" and 1.
int cli_main(const char* program, int argc, char** argv, const std::function<int(CliArgs&)>& body);

}  // namespace tunedeck
