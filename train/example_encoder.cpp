#include "train/example_encoder.h"

#include <algorithm>
#include <stdexcept>

namespace tunedeck {
namespace {

// How many tokens of `full` lie before a boundary, given `prefix`, the encoding of the text
// before it on its own. Sets `inside_token` when a token crosses the boundary; that token (the
// first that differs) starts before the boundary and is counted there.
size_t tokens_before_boundary(const std::vector<int>& full, const std::vector<int>& prefix,
                              bool& inside_token) {
  size_t same = 0;
  while (same < prefix.size() && same < full.size() && prefix[same] == full[same]) ++same;
  inside_token = same < prefix.size();
  return inside_token ? std::min(same + 1, full.size()) : same;
}

}  // namespace

EncodedExample encode_example(const std::vector<TemplateSegment>& segments,
                              const Tokenizer& tokenizer,
                              const std::vector<std::string>& special_texts, int max_len) {
  if (max_len <= 0)
    throw std::invalid_argument("encode_example: max_len must be > 0, got " +
                                std::to_string(max_len));
  std::string text;
  for (const TemplateSegment& segment : segments) text += segment.text;
  const std::vector<int> body = tokenizer_encode_with_markers(tokenizer, text, special_texts);

  // segment_end[s]: body tokens that belong to segments 0..s.
  EncodedExample example;
  std::vector<size_t> segment_end(segments.size(), body.size());
  size_t text_end = 0;
  size_t tokens_so_far = 0;
  for (size_t s = 0; s + 1 < segments.size(); ++s) {
    text_end += segments[s].text.size();
    bool inside_token = false;
    const std::vector<int> prefix =
        tokenizer_encode_with_markers(tokenizer, text.substr(0, text_end), special_texts);
    tokens_so_far = std::max(tokens_so_far, tokens_before_boundary(body, prefix, inside_token));
    example.boundaries_inside_token += inside_token ? 1 : 0;
    segment_end[s] = tokens_so_far;
  }

  const SpecialTokens& special = tokenizer.special();
  if (special.add_bos && special.bos_id >= 0) {
    example.ids.push_back(special.bos_id);
    example.labels.push_back(kNoLoss);
  }
  size_t begin = 0;
  for (size_t s = 0; s < segments.size(); ++s) {
    const bool learn = segments[s].is_assistant_output;
    for (size_t t = begin; t < segment_end[s]; ++t) {
      example.ids.push_back(body[t]);
      example.labels.push_back(learn ? body[t] : kNoLoss);
    }
    if (learn)
      example.assistant_turn_ends.push_back(
          segment_end[s] > begin ? static_cast<int>(example.ids.size()) - 1 : -1);
    begin = segment_end[s];
  }

  if (example.ids.size() > static_cast<size_t>(max_len)) {
    example.ids.resize(max_len);
    example.labels.resize(max_len);
    example.truncated = true;
  }
  return example;
}

bool example_turn_ends_labelled(const EncodedExample& example) {
  for (const int end : example.assistant_turn_ends)
    if (end < 1 || end >= static_cast<int>(example.labels.size()) || example.labels[end] == kNoLoss)
      return false;
  return true;
}

MaskStats mask_stats(const std::vector<EncodedExample>& examples) {
  MaskStats stats;
  for (const EncodedExample& example : examples) {
    long long labelled = 0;
    for (size_t i = 1; i < example.labels.size(); ++i) labelled += example.labels[i] != kNoLoss;
    stats.tokens += static_cast<long long>(example.ids.size());
    stats.loss_tokens += labelled;
    stats.examples += 1;
    stats.examples_without_loss += labelled == 0;
    stats.examples_eos_unlabelled += !example_turn_ends_labelled(example);
    stats.examples_truncated += example.truncated;
    stats.examples_boundary_inside_token += example.boundaries_inside_token > 0;
    stats.longest_example = std::max(stats.longest_example, static_cast<int>(example.ids.size()));
    stats.most_loss_tokens = std::max(stats.most_loss_tokens, labelled);
  }
  return stats;
}

}  // namespace tunedeck
