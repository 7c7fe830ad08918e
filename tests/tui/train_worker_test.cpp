// TrainWorker: a LoRA run on stories260k in the background puts its adapter and optimizer bytes
// in the app's memory ledger while it runs and takes them out when it ends (here: stopped).
#include "tui/train_worker.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

#include "core/stats/memory_accounting.h"
#include "tests/test_support.h"
#include "tui/app_event_queue.h"

namespace tunedeck {
namespace {

const char kChat[] =
    R"({"messages": [{"role": "user", "content": "Who has a red ball?"}, {"role": "assistant", "content": "Tom has a red ball."}]}
{"messages": [{"role": "user", "content": "Where is the dog?"}, {"role": "assistant", "content": "The dog is in the park."}]}
)";

// Waits up to a minute for `done`; false when it never came.
bool wait_for(const std::function<bool()>& done) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!done()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

TEST(TrainWorker, TheLedgerShowsTheRunWhileItRunsAndNotAfter) {
  testing::ScratchDir dir;
  testing::write_file(dir.file("chat.jsonl"), kChat);
  TrainConfig config = train_config_parse(
      "[model]\npath = \"" + testing::stories_dir() +
          "\"\n"
          "[data]\ntrain = \"chat.jsonl\"\ntemplate = \"tunedeck\"\nmax_len = 64\n"
          "[lora]\nrank = 4\n"
          "[run]\noutput_dir = \"out\"\nbatch_size = 2\nsteps = 5000\nthreads = 1\n"
          "db = \"runs.db\"\n",
      dir.file("job.toml"));
  AppEventQueue events;
  MemoryAccounting ledger;
  ledger.set(MemoryCategory::kLora, "chat adapter", 100);  // the chat's: stays
  TrainWorker worker(events, ledger);
  worker.start(config, nullptr, 1);

  ASSERT_TRUE(wait_for([&] { return ledger.snapshot().optimizer_bytes > 0; }));
  const MemoryAccountingStats during = ledger.snapshot();
  EXPECT_GT(during.lora_bytes, 100);
  EXPECT_EQ(during.optimizer_bytes, 2 * (during.lora_bytes - 100));  // AdamW's m and v

  worker.stop();
  ASSERT_TRUE(wait_for([&] { return !worker.running(); }));
  const MemoryAccountingStats after = ledger.snapshot();
  EXPECT_EQ(after.lora_bytes, 100);
  EXPECT_EQ(after.optimizer_bytes, 0);
}

}  // namespace
}  // namespace tunedeck
