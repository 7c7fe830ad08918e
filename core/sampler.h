// Picks the next token from a row of logits: a chain of small stages (logit mask hook, repetition
// penalty, min_new_tokens, temperature, top-k, top-p, min-p) then a seeded draw or argmax.
// Works on a plain float buffer (torch-free). Not thread-safe: one Sampler per generation.
#pragma once
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

namespace tunedeck {

struct SamplingParams {
  float temperature = 0.0f;     // 0 = greedy (argmax)
  int top_k = 0;                // 0 = off
  float top_p = 1.0f;           // 1 = off
  float min_p = 0.0f;           // 0 = off; keeps tokens with p >= min_p * p_max
  float repeat_penalty = 1.0f;  // 1 = off; >1 discourages tokens already seen (llama.cpp rule)
  int repeat_last_n = 64;       // how many recent tokens the penalty looks at (0 = all)
  int min_new_tokens = 0;       // stop ids are masked until this many tokens were generated
  uint64_t seed = 0;            // same seed, same logits -> same tokens
};

// Called with the logits before any other stage; may set entries to -infinity (constrained
// decoding). `generated` are the ids produced so far in this generation.
using LogitMask = std::function<void(float* logits, int vocab, const std::vector<int>& generated)>;

class Sampler {
 public:
  Sampler(SamplingParams params, std::vector<int> stop_ids);

  void set_logit_mask(LogitMask mask) { mask_ = std::move(mask); }

  // REQUIRES: logits has `vocab` entries; it is modified in place (penalties, masks).
  // `history` is prompt + generated ids (for the repetition penalty); `generated` the part of
  // it produced in this generation (for min_new_tokens and the mask hook).
  int sample(float* logits, int vocab, const std::vector<int>& history,
             const std::vector<int>& generated);

  // The individual stages, public so each can be tested alone on hand-made logits.
  static void apply_repeat_penalty(float* logits, int vocab, const std::vector<int>& history,
                                   float penalty, int last_n);
  static void mask_ids(float* logits, int vocab, const std::vector<int>& ids);
  // Candidates are (id, logit) pairs, sorted by logit descending after top_k.
  struct Candidate {
    int id;
    float logit;
  };
  static std::vector<Candidate> top_k(const float* logits, int vocab, int k);  // k<=0: all
  static void softmax(std::vector<Candidate>& c, std::vector<float>& probs);
  static size_t top_p_cutoff(const std::vector<float>& sorted_probs, float top_p);
  static size_t min_p_cutoff(const std::vector<float>& sorted_probs, float min_p);

 private:
  SamplingParams params_;
  std::vector<int> stop_ids_;
  LogitMask mask_;
  std::mt19937_64 rng_;
  std::vector<Candidate> candidates_;  // reused between calls: no allocation per token
  std::vector<float> probs_;
};

}  // namespace tunedeck
