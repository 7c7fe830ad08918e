// The `tunedeck` command: sets the OpenMP defaults that libgomp reads once, as it loads, and then
// becomes tunedeck_engine (the program itself, in the same folder) by exec: the same process id,
// signals and terminal, nothing left in between. It links no libtorch, so this costs about a
// millisecond, not a second start of libtorch (0.8 s here). Not for options: the engine parses
// every argument. Why: with libgomp's default (spin 300,000 times before sleeping), two tunedeck
// processes on the same cores spin in each other's time slices (bench/RESULTS.md, "Two tunedeck
// processes on the same cores").
#include <linux/limits.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

// Spins before a waiting OpenMP thread sleeps. 1000 keeps decode at its default speed alone
// and lets two processes on two cores finish in about the time of running them one by one.
constexpr const char* kSpinCount = "1000";

std::string folder_of_this_program() {
  char path[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) return ".";
  path[n] = '\0';
  std::string text(path);
  const size_t slash = text.rfind('/');
  return slash == std::string::npos ? "." : text.substr(0, slash);
}

}  // namespace

int main(int, char** argv) {
  // the user's own choice wins: either variable set means leave both alone
  if (!std::getenv("OMP_WAIT_POLICY") && !std::getenv("GOMP_SPINCOUNT"))
    setenv("GOMP_SPINCOUNT", kSpinCount, 1);
  const std::string engine = folder_of_this_program() + "/tunedeck_engine";
  execv(engine.c_str(), argv);
  std::fprintf(stderr, "tunedeck: cannot start %s: %s (build it: cmake --build build)\n",
               engine.c_str(), std::strerror(errno));
  return 127;
}
