// tunedeck_tokenizer_bench: how fast text becomes ids, per tokenizer, on one mixed Korean/English
// text (the Korean source documents interleaved with English prose and code), in MB/s of input
// and tokens/s, with load time. Sentencepiece (Llama 2's tokenizer.model, through the dlopen'd
// module) runs in the same process as the baseline; tokenizer.json folders are the others.
// usage: tunedeck_tokenizer_bench [--shared DIR] [--megabytes N] [--runs N]
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_args.h"
#include "core/tokenizer.h"

namespace tunedeck {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string read_all(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// The Korean documents, each followed by English prose and a little code, repeated to `bytes`.
std::string mixed_text(const std::string& shared, size_t bytes) {
  const std::string english =
      "\nThe agent calls a tool when the question needs a date it cannot know: what day is "
      "2026-02-20, what date is 100 days after Christmas. It's fast, isn't it? We've tested "
      "12,345 questions.\nint main() {\n    return add_days(\"2026-12-25\", 10);  // done\n}\n";
  std::string korean;
  for (const auto& entry : fs::directory_iterator(shared + "/seeds"))
    if (entry.path().extension() == ".txt") korean += read_all(entry.path()) + english;
  if (korean.empty()) throw std::runtime_error(shared + "/seeds: no .txt documents");
  std::string text;
  while (text.size() < bytes) text += korean;
  // Cut at a character boundary.
  size_t cut = bytes;
  while (cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) ++cut;
  return text.substr(0, cut);
}

void measure(const std::string& name, const std::function<std::unique_ptr<Tokenizer>()>& load,
             const std::string& text, int runs) {
  const auto load_start = Clock::now();
  const std::unique_ptr<Tokenizer> tokenizer = load();
  const double load_s = seconds_since(load_start);
  double best = 1e30;
  size_t tokens = 0;
  for (int run = 0; run < runs; ++run) {
    const auto start = Clock::now();
    tokens = tokenizer->encode(text).size();
    best = std::min(best, seconds_since(start));
  }
  const double megabytes = text.size() / 1e6;
  std::printf(
      "%-22s load %6.2f s   encode %7.2f MB/s  %9.0f tokens/s  (%zu tokens, %.2f bytes/token)\n",
      name.c_str(), load_s, megabytes / best, tokens / best, tokens,
      static_cast<double>(text.size()) / tokens);
}

int run(CliArgs& args) {
  const std::string shared = args.value_or("shared", TUNEDECK_SHARED_DIR_DEFAULT);
  const double megabytes = args.double_or("megabytes", 2);
  const int runs = args.int_or("runs", 3);
  args.finish();
  const std::string text = mixed_text(shared, static_cast<size_t>(megabytes * 1e6));
  std::printf(
      "text: %.2f MB, Korean source documents with English prose and code; best of %d runs\n",
      text.size() / 1e6, runs);
  measure(
      "llama2 sentencepiece",
      [&] { return tokenizer_load_file(shared + "/tokenizers/llama2/tokenizer.model"); }, text,
      runs);
  for (const std::string family : {"qwen3", "llama3", "gemma3"})
    measure(
        family + " tokenizer.json",
        [&] { return tokenizer_load_dir(shared + "/tokenizers/" + family); }, text, runs);
  return 0;
}

}  // namespace
}  // namespace tunedeck

int main(int argc, char** argv) {
  return tunedeck::cli_main("tunedeck_tokenizer_bench", argc, argv, tunedeck::run);
}
