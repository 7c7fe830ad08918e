// Each sampler stage on hand-made logits, and reproducibility of seeded sampling.
#include "core/sampler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>

namespace tunedeck {
namespace {

std::vector<float> logits_from_probs(const std::vector<float>& probs) {
  std::vector<float> l;
  for (float p : probs) l.push_back(p > 0 ? std::log(p) : -std::numeric_limits<float>::infinity());
  return l;
}

std::map<int, int> histogram(SamplingParams params, const std::vector<float>& logits, int draws) {
  Sampler sampler(params, {});
  std::map<int, int> counts;
  for (int i = 0; i < draws; ++i) {
    std::vector<float> l = logits;
    counts[sampler.sample(l.data(), static_cast<int>(l.size()), {}, {})]++;
  }
  return counts;
}

TEST(Sampler, GreedyPicksArgmax) {
  Sampler sampler({}, {});
  std::vector<float> l = {0.1f, 2.5f, -1.0f, 2.4f};
  EXPECT_EQ(sampler.sample(l.data(), 4, {}, {}), 1);
}

TEST(Sampler, SameSeedSameTokensDifferentSeedDifferentTokens) {
  SamplingParams p;
  p.temperature = 1.0f;
  p.seed = 42;
  std::vector<float> base(50);
  for (int i = 0; i < 50; ++i) base[i] = std::sin(i * 1.7f);
  auto run = [&](uint64_t seed) {
    p.seed = seed;
    Sampler s(p, {});
    std::vector<int> out;
    for (int i = 0; i < 40; ++i) {
      std::vector<float> l = base;
      out.push_back(s.sample(l.data(), 50, {}, {}));
    }
    return out;
  };
  EXPECT_EQ(run(42), run(42));
  EXPECT_NE(run(42), run(43));
}

TEST(Sampler, TopKKeepsOnlyTheKBest) {
  SamplingParams p;
  p.temperature = 1.0f;
  p.top_k = 2;
  auto counts = histogram(p, logits_from_probs({0.1f, 0.4f, 0.3f, 0.2f}), 2000);
  EXPECT_EQ(counts.count(0) + counts.count(3), 0u);
  EXPECT_GT(counts[1], counts[2]);  // 0.4 vs 0.3, renormalised: 4/7 vs 3/7
}

TEST(Sampler, TopPCutoffIsSmallestPrefixReachingP) {
  EXPECT_EQ(Sampler::top_p_cutoff({0.5f, 0.3f, 0.15f, 0.05f}, 0.8f), 2u);
  EXPECT_EQ(Sampler::top_p_cutoff({0.5f, 0.3f, 0.15f, 0.05f}, 0.81f), 3u);
  EXPECT_EQ(Sampler::top_p_cutoff({0.5f, 0.3f, 0.15f, 0.05f}, 0.1f), 1u);
  SamplingParams p;
  p.temperature = 1.0f;
  p.top_p = 0.75f;
  auto counts = histogram(p, logits_from_probs({0.1f, 0.5f, 0.3f, 0.1f}), 2000);
  EXPECT_EQ(counts.count(0) + counts.count(3), 0u);
}

TEST(Sampler, MinPDropsTokensBelowAShareOfTheBest) {
  EXPECT_EQ(Sampler::min_p_cutoff({0.6f, 0.3f, 0.06f, 0.04f}, 0.15f), 2u);  // threshold 0.09
  EXPECT_EQ(Sampler::min_p_cutoff({0.6f, 0.3f, 0.06f, 0.04f}, 0.05f), 4u);  // threshold 0.03
  SamplingParams p;
  p.temperature = 1.0f;
  p.min_p = 0.2f;  // threshold 0.12
  auto counts = histogram(p, logits_from_probs({0.6f, 0.3f, 0.06f, 0.04f}), 2000);
  EXPECT_EQ(counts.count(2) + counts.count(3), 0u);
  EXPECT_GT(counts[1], 0);
}

TEST(Sampler, RepeatPenaltyDividesPositiveAndMultipliesNegativeLogits) {
  std::vector<float> l = {2.0f, -2.0f, 1.0f, 4.0f};
  Sampler::apply_repeat_penalty(l.data(), 4, {0, 1, 1}, 2.0f, 0);
  EXPECT_FLOAT_EQ(l[0], 1.0f);
  EXPECT_FLOAT_EQ(l[1], -4.0f);  // counted once even though seen twice
  EXPECT_FLOAT_EQ(l[2], 1.0f);
  EXPECT_FLOAT_EQ(l[3], 4.0f);
}

TEST(Sampler, RepeatPenaltyLooksOnlyAtTheLastN) {
  std::vector<float> l = {2.0f, 2.0f};
  Sampler::apply_repeat_penalty(l.data(), 2, {0, 1}, 2.0f, 1);
  EXPECT_FLOAT_EQ(l[0], 2.0f);
  EXPECT_FLOAT_EQ(l[1], 1.0f);
}

TEST(Sampler, RepeatPenaltyChangesTheGreedyChoice) {
  SamplingParams p;
  p.repeat_penalty = 1.5f;
  Sampler s(p, {});
  std::vector<float> l = {3.0f, 2.5f};
  EXPECT_EQ(s.sample(l.data(), 2, {0}, {0}), 1);  // 3/1.5 = 2 < 2.5
}

TEST(Sampler, MinNewTokensMasksStopIdsUntilReached) {
  SamplingParams p;
  p.min_new_tokens = 2;
  Sampler s(p, {2});
  std::vector<float> l = {0.0f, 1.0f, 9.0f};  // EOS (2) is the favourite: the seed's "EOS first"
  EXPECT_EQ(s.sample(l.data(), 3, {}, {}), 1);
  l = {0.0f, 1.0f, 9.0f};
  EXPECT_EQ(s.sample(l.data(), 3, {5}, {5}), 1);
  l = {0.0f, 1.0f, 9.0f};
  EXPECT_EQ(s.sample(l.data(), 3, {5, 6}, {5, 6}), 2);
}

TEST(Sampler, LogitMaskHookRunsFirst) {
  Sampler s({}, {});
  s.set_logit_mask([](float* logits, int vocab, const std::vector<int>&) {
    logits[0] = -std::numeric_limits<float>::infinity();
  });
  std::vector<float> l = {5.0f, 1.0f, 2.0f};
  EXPECT_EQ(s.sample(l.data(), 3, {}, {}), 2);
}

TEST(Sampler, TemperatureSharpensTheDistribution) {
  SamplingParams cold, hot;
  cold.temperature = 0.2f;
  hot.temperature = 2.0f;
  std::vector<float> l = {1.0f, 0.0f};
  auto c = histogram(cold, l, 2000), h = histogram(hot, l, 2000);
  EXPECT_GT(c[0], 1950);  // p0 = 1/(1+e^-5) ~ 0.993
  EXPECT_LT(h[0], 1400);  // p0 = 1/(1+e^-0.5) ~ 0.62
  EXPECT_GT(h[0], 1100);
}

}  // namespace
}  // namespace tunedeck
