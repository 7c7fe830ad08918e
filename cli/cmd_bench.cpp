// `tunedeck bench`: the flags of one model measurement (bench/model_bench, where the measuring,
// the figures and both printouts are) and its table or JSON on stdout; progress on stderr.
#include <iostream>
#include <stdexcept>
#include <string>
#include <utility>

#include "bench/model_bench.h"
#include "cli/commands.h"
#include "core/runtime.h"

namespace tunedeck {
namespace {

const char kUsage[] =
    "usage: tunedeck bench --model DIR [options]\n"
    "\n"
    "Measures a model folder on this machine: load time (cold-ish and warm page cache),\n"
    "prefill and decode tok/s (median of several runs) and peak RSS, and in the same run the\n"
    "machine's limits: memory read bandwidth and libtorch's f32/bf16 matmul GFLOP/s. Prints\n"
    "decode as a share of the bandwidth-bound ceiling (bytes read per token / bandwidth) and\n"
    "prefill as a share of the matmul peak of its dtype. The prompt is random token ids\n"
    "(fixed seed); decoding is greedy and always runs the full --new-tokens (EOS is masked).\n"
    "\n"
    "  --model DIR           model folder: config.json, *.safetensors; tokenizer.model optional\n"
    "  --dtype f32|bf16      compute dtype (default f32)\n"
    "  --device cpu|cuda[:N] where the model runs (default cpu); on a GPU the limits are the\n"
    "                        device's: a libtorch sum over --bandwidth-mib and its matmuls\n"
    "  --prompt-tokens N     prompt length (default 128)\n"
    "  --new-tokens N        tokens generated per run, >= 2 (default 64)\n"
    "  --runs N              timed runs; the median is reported (default 3)\n"
    "  --threads N           threads for the model and the probes (default: all cores)\n"
    "  --decode-path fast|torch|both\n"
    "                        decode steps through the fast CPU step (default), libtorch's\n"
    "                        ops (the prefill too), or both in alternating runs on the same\n"
    "                        prompts\n"
    "  --bandwidth-mib N     bandwidth probe buffer; keep it far above the last-level cache\n"
    "                        (default 1024)\n"
    "  --matmul-size N       square matrices of the matmul probe (default 2048)\n"
    "  --json                one JSON object on stdout; progress goes to stderr\n"
    "\n"
    "Cold-ish: before the first load the safetensors files' pages are dropped from the page\n"
    "cache (posix_fadvise DONTNEED; a disk or host cache below may still answer). Nothing else\n"
    "should run meanwhile: the figures are only as quiet as the machine.\n"
    "Example: tunedeck bench --model ../shared/models/stories260k --prompt-tokens 16\n";

// Each flag sets the setting of its name; an absent one keeps the default.
ModelBenchSettings settings_from(CliArgs& args) {
  ModelBenchSettings s;
  using TextFlag = std::pair<const char*, std::string*>;
  for (const auto& [flag, text] :
       {TextFlag{"model", &s.model_dir}, TextFlag{"dtype", &s.dtype}, TextFlag{"device", &s.device},
        TextFlag{"decode-path", &s.decode_path}})
    *text = args.value_or(flag, *text);
  using NumberFlag = std::pair<const char*, int*>;
  for (const auto& [flag, number] :
       {NumberFlag{"prompt-tokens", &s.prompt_tokens}, NumberFlag{"new-tokens", &s.new_tokens},
        NumberFlag{"runs", &s.runs}, NumberFlag{"threads", &s.threads},
        NumberFlag{"bandwidth-mib", &s.bandwidth_mib}, NumberFlag{"matmul-size", &s.matmul_size}})
    *number = args.int_or(flag, *number);
  return s;
}

int run_bench(CliArgs& args) {
  ModelBenchSettings s = settings_from(args);
  const bool json_output = args.flag("json");
  args.finish();
  try {
    model_bench_check(s);
    parse_device(s.device);  // says what is wrong (unknown name, no CUDA here) before any work
    s.threads = runtime_init(s.threads);
    const ModelBenchReport report = model_bench_run(
        s, [](const std::string& line) { std::cerr << "bench: " << line << std::endl; });
    if (json_output)
      std::cout << model_bench_json(report).dump() << "\n";
    else
      model_bench_table(report, std::cout);
  } catch (const ModelBenchSettingsError& e) {
    throw UsageError(e.what());
  }
  return 0;
}

}  // namespace

extern const Command kBenchCommand = {"bench", "model load/prefill/decode speed vs machine limits",
                                      kUsage, run_bench};

}  // namespace tunedeck
