// Memory accounting against real tensors: stories260k's weights in f32 and bf16 (tied head once),
// a random untied model, a KV cache and a LoRA adapter, each checked against sizes computed by
// hand from the shapes; and the CUDA allocator figures (unavailable in a CPU build).
#include "core/stats/torch_memory.h"

#include <ATen/ATen.h>
#include <gtest/gtest.h>

#include <limits>
#include <map>
#include <stdexcept>

#include "core/kv_cache.h"
#include "core/llama_model.h"
#include "core/lora.h"
#include "core/runtime.h"
#include "tests/test_support.h"

namespace tunedeck {
namespace {

using Bytes = std::map<std::string, int64_t>;
using testing::stories_dir;

// stories260k: V=512 C=64 L=5 H=8 Hkv=4 D=8 F=172, tied head. Per layer: 2 norms [C], q and o
// [64, 64], k and v [32, 64], gate/up/down 172x64: 45440. 32768 + 5 * 45440 + 64 = 260032.
constexpr int64_t kStoriesParameters = 260032;

TEST(TorchMemory, Stories260kF32CountsTheTiedHeadOnce) {
  LlamaModel model = LlamaModel::load(stories_dir(), {});
  ASSERT_TRUE(model.weights().lm_head.is_same(model.weights().embed));
  MemoryAccounting accounting;
  memory_account_model(accounting, model);
  EXPECT_EQ(accounting.snapshot().weights_bytes_by_dtype, (Bytes{{"f32", kStoriesParameters * 4}}));
}

TEST(TorchMemory, Stories260kBf16IsHalfTheBytes) {
  ModelLoadOptions options;
  options.dtype = "bf16";
  LlamaModel model = LlamaModel::load(stories_dir(), options);
  MemoryAccounting accounting;
  memory_account_model(accounting, model);
  EXPECT_EQ(accounting.snapshot().weights_bytes_by_dtype,
            (Bytes{{"bf16", kStoriesParameters * 2}}));
}

TEST(TorchMemory, UntiedHeadIsCountedBesideTheEmbedding) {
  const ModelConfig c = testing::small_model_config();  // untied head
  LlamaModel model = LlamaModel::random(c, 7, 0.02, at::TensorOptions().dtype(at::kFloat));
  // embed + lm_head [64, 32] each; per layer 2 norms [32], q/o [32, 32], k/v [16, 32],
  // gate/up [48, 32], down [32, 48]; final norm [32].
  const int64_t per_layer = 2 * 32 + 2 * 32 * 32 + 2 * 16 * 32 + 3 * 48 * 32;
  const int64_t parameters = 2 * 64 * 32 + 2 * per_layer + 32;
  ASSERT_EQ(parameters, 19616);  // 4096 + 2 * 7744 + 32
  MemoryAccounting accounting;
  memory_account_model(accounting, model);
  EXPECT_EQ(accounting.snapshot().weights_bytes_by_dtype, (Bytes{{"f32", parameters * 4}}));
}

TEST(TorchMemory, ViewsOfOneStorageCountOnceWithTheStorageSize) {
  const ModelConfig c = testing::small_model_config();
  LlamaModel model = LlamaModel::random(c, 7, 0.02, at::TensorOptions().dtype(at::kFloat));
  LlamaWeights& w = model.mutable_weights();
  // q [32, 32] and k [16, 32] become views of one fused [64, 32] buffer whose last 16 rows no
  // weight views: the buffer is held whole and counts once, 16 * 32 floats more than before.
  at::Tensor fused = at::zeros({64, 32});
  w.layers[0].wq = fused.narrow(0, 0, 32);
  w.layers[0].wk = fused.narrow(0, 32, 16);
  const int64_t per_layer = 2 * 32 + 2 * 32 * 32 + 2 * 16 * 32 + 3 * 48 * 32;
  const int64_t parameters = 2 * 64 * 32 + 2 * per_layer + 32 + 16 * 32;
  MemoryAccounting accounting;
  memory_account_model(accounting, model);
  EXPECT_EQ(accounting.snapshot().weights_bytes_by_dtype, (Bytes{{"f32", parameters * 4}}));
}

TEST(TorchMemory, AccountingAnotherModelReplacesTheWeights) {
  MemoryAccounting accounting;
  accounting.set(MemoryCategory::kKvCache, "session 1", 100);
  memory_account_model(accounting, LlamaModel::load(stories_dir(), {}));
  ModelLoadOptions options;
  options.dtype = "bf16";
  memory_account_model(accounting, LlamaModel::load(stories_dir(), options));
  const MemoryAccountingStats stats = accounting.snapshot();
  EXPECT_EQ(stats.weights_bytes_by_dtype, (Bytes{{"bf16", kStoriesParameters * 2}}));
  EXPECT_EQ(stats.kv_cache_bytes, 100);  // other categories untouched
}

TEST(TorchMemory, KvCacheBytesAreKeysAndValuesOfEveryLayer) {
  LlamaModel model = LlamaModel::load(stories_dir(), {});
  KvCache cache = model.make_cache(/*batch=*/3, /*max_positions=*/40);
  // 2 (K and V) * L=5 * B=3 * Hkv=4 * S=40 * D=8 * 4 bytes
  const int64_t expected = 2 * 5 * 3 * 4 * 40 * 8 * 4;
  ASSERT_EQ(cache.bytes(), static_cast<size_t>(expected));
  MemoryAccounting accounting;
  memory_account_kv_cache(accounting, "session 1", cache.bytes());
  memory_account_kv_cache(accounting, "session 2", static_cast<size_t>(1000));
  EXPECT_EQ(accounting.snapshot().kv_cache_bytes, expected + 1000);
  memory_account_kv_cache(accounting, "session 2", static_cast<size_t>(24));  // replaces
  EXPECT_EQ(accounting.snapshot().kv_cache_bytes, expected + 24);
}

TEST(TorchMemory, Bf16KvCacheIsHalfTheBytes) {
  ModelLoadOptions options;
  options.dtype = "bf16";
  LlamaModel model = LlamaModel::load(stories_dir(), options);
  MemoryAccounting accounting;
  memory_account_kv_cache(accounting, "session 1", model.make_cache(1, 16).bytes());
  EXPECT_EQ(accounting.snapshot().kv_cache_bytes, 2 * 5 * 1 * 4 * 16 * 8 * 2);
}

TEST(TorchMemory, LoraBytesAreEveryAAndB) {
  const ModelConfig c = testing::small_model_config();
  LlamaModel model = LlamaModel::random(c, 7, 0.02, at::TensorOptions().dtype(at::kFloat));
  LoraSettings settings;
  settings.rank = 4;
  settings.targets = {kLoraQ, kLoraV};
  auto adapter = lora_create(c, model.weights(), settings, 1);
  // per layer: q A [4, 32] + B [32, 4], v A [4, 32] + B [16, 4]; 2 layers, float32
  const int64_t expected = 2 * (4 * 32 + 32 * 4 + 4 * 32 + 16 * 4) * 4;
  MemoryAccounting accounting;
  memory_account_lora(accounting, "run 1", *adapter);
  memory_account_optimizer(accounting, "run 1", 2 * static_cast<size_t>(expected));
  const MemoryAccountingStats stats = accounting.snapshot();
  EXPECT_EQ(stats.lora_bytes, expected);
  EXPECT_EQ(stats.optimizer_bytes, 2 * expected);
  EXPECT_EQ(stats.total_bytes(), 3 * expected);
}

TEST(TorchMemory, RejectsEmptyHolderAndBytesBeyondInt64) {
  MemoryAccounting accounting;
  EXPECT_THROW(memory_account_kv_cache(accounting, "", static_cast<size_t>(1)),
               std::invalid_argument);
  try {
    memory_account_optimizer(accounting, "run 1", std::numeric_limits<size_t>::max());
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "optimizer state 'run 1': 18446744073709551615 bytes does not fit in int64");
  }
  EXPECT_EQ(accounting.snapshot().total_bytes(), 0);
}

#ifdef TUNEDECK_WITH_CUDA
TEST(TorchMemory, CudaAllocatorSeesATensor) {
  if (!cuda_available()) GTEST_SKIP() << "CUDA build without a visible GPU";
  const AllocatorStats before = cuda_allocator_stats();
  at::Tensor t = at::zeros({1024, 1024}, at::TensorOptions().device(at::kCUDA));  // 4 MiB
  const AllocatorStats after = cuda_allocator_stats();
  EXPECT_TRUE(after.available);
  EXPECT_EQ(after.allocated_bytes - (before.available ? before.allocated_bytes : 0), 4 << 20);
  EXPECT_GE(after.reserved_bytes, after.allocated_bytes);
  EXPECT_GE(after.peak_allocated_bytes, after.allocated_bytes);
}
#else
TEST(TorchMemory, CpuBuildHasNoCudaAllocator) {
  const AllocatorStats stats = cuda_allocator_stats();
  EXPECT_FALSE(stats.available);
  EXPECT_EQ(stats.allocated_bytes, 0);
  EXPECT_EQ(stats.reserved_bytes, 0);
}
#endif

}  // namespace
}  // namespace tunedeck
