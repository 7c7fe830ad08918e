#include "core/sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_set>

namespace tunedeck {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

int argmax(const float* logits, int vocab) {
  int best = 0;
  for (int i = 1; i < vocab; ++i)
    if (logits[i] > logits[best]) best = i;
  return best;
}

}  // namespace

Sampler::Sampler(SamplingParams params, std::vector<int> stop_ids)
    : params_(params), stop_ids_(std::move(stop_ids)), rng_(params.seed) {}

void Sampler::apply_repeat_penalty(float* logits, int vocab, const std::vector<int>& history,
                                   float penalty, int last_n) {
  if (penalty == 1.0f || history.empty()) return;
  size_t start = (last_n > 0 && history.size() > static_cast<size_t>(last_n))
                     ? history.size() - static_cast<size_t>(last_n)
                     : 0;
  std::unordered_set<int> seen(history.begin() + start, history.end());
  for (int id : seen) {
    if (id < 0 || id >= vocab) continue;
    logits[id] = logits[id] > 0 ? logits[id] / penalty : logits[id] * penalty;
  }
}

void Sampler::mask_ids(float* logits, int vocab, const std::vector<int>& ids) {
  for (int id : ids)
    if (id >= 0 && id < vocab) logits[id] = kNegInf;
}

std::vector<Sampler::Candidate> Sampler::top_k(const float* logits, int vocab, int k) {
  std::vector<Candidate> c(vocab);
  for (int i = 0; i < vocab; ++i) c[i] = {i, logits[i]};
  auto by_logit = [](const Candidate& a, const Candidate& b) {
    return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
  };
  if (k > 0 && k < vocab) {
    std::partial_sort(c.begin(), c.begin() + k, c.end(), by_logit);
    c.resize(k);
  } else {
    std::sort(c.begin(), c.end(), by_logit);
  }
  return c;
}

void Sampler::softmax(std::vector<Candidate>& c, std::vector<float>& probs) {
  probs.resize(c.size());
  float max_logit = kNegInf;
  for (const auto& x : c) max_logit = std::max(max_logit, x.logit);
  double sum = 0;
  for (size_t i = 0; i < c.size(); ++i) {
    probs[i] = c[i].logit == kNegInf ? 0.0f : std::exp(c[i].logit - max_logit);
    sum += probs[i];
  }
  for (auto& p : probs) p = static_cast<float>(p / sum);
}

size_t Sampler::top_p_cutoff(const std::vector<float>& sorted_probs, float top_p) {
  if (top_p >= 1.0f) return sorted_probs.size();
  double cumulative = 0;
  for (size_t i = 0; i < sorted_probs.size(); ++i) {
    cumulative += sorted_probs[i];
    if (cumulative >= top_p) return i + 1;  // smallest prefix reaching top_p; at least one
  }
  return sorted_probs.size();
}

size_t Sampler::min_p_cutoff(const std::vector<float>& sorted_probs, float min_p) {
  if (min_p <= 0.0f || sorted_probs.empty()) return sorted_probs.size();
  const float threshold = min_p * sorted_probs[0];
  size_t keep = 1;
  while (keep < sorted_probs.size() && sorted_probs[keep] >= threshold) ++keep;
  return keep;
}

int Sampler::sample(float* logits, int vocab, const std::vector<int>& history,
                    const std::vector<int>& generated) {
  if (mask_) mask_(logits, vocab, generated);
  apply_repeat_penalty(logits, vocab, history, params_.repeat_penalty, params_.repeat_last_n);
  if (static_cast<int>(generated.size()) < params_.min_new_tokens)
    mask_ids(logits, vocab, stop_ids_);
  if (params_.temperature <= 0.0f) return argmax(logits, vocab);

  for (int i = 0; i < vocab; ++i) logits[i] /= params_.temperature;
  candidates_ = top_k(logits, vocab, params_.top_k);
  softmax(candidates_, probs_);
  size_t keep = std::min(top_p_cutoff(probs_, params_.top_p), min_p_cutoff(probs_, params_.min_p));
  double total = 0;
  for (size_t i = 0; i < keep; ++i) total += probs_[i];
  std::uniform_real_distribution<double> uniform(0.0, total);
  double r = uniform(rng_);
  for (size_t i = 0; i < keep; ++i) {
    r -= probs_[i];
    if (r <= 0) return candidates_[i].id;
  }
  return candidates_[keep - 1].id;
}

}  // namespace tunedeck
