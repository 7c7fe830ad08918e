// Turns a rendered conversation (chat template segments) into token ids and per-token labels for
// supervised fine-tuning, and the mask statistics the pre-flight checks print. Not for reading
// files (train/dataset.h) or batching (the trainer). Pure functions; thread-safe.
#pragma once
#include <string>
#include <vector>

#include "agent/chat_template.h"
#include "core/tokenizer.h"

namespace tunedeck {

constexpr int kNoLoss = -100;  // label of a token the loss skips (PyTorch's ignore_index)

struct EncodedExample {
  std::vector<int> ids;
  // Same length as ids: kNoLoss, or the id of the token AT THIS POSITION (labels[i] == ids[i]);
  // the trainer shifts, so position t is trained to predict labels[t + 1].
  std::vector<int> labels;
  bool truncated = false;  // ids were cut at max_len
  std::string source;      // the dataset row ("file:line"); set by the caller
  // Per assistant segment, in order: the index (before truncation) of its last token, which is
  // the end-of-turn marker; -1 when the segment got no token of its own.
  std::vector<int> assistant_turn_ends;
  int boundaries_inside_token = 0;  // segment boundaries that fell inside one token (see below)
};

// Encodes the concatenated segment texts in one go with tokenizer_encode_with_markers (so the
// ids are what inference gets for the same text), prepends the BOS id once when
// tokenizer.special().add_bos, and labels every token of an assistant segment with its own id
// (BOS and all prompt tokens get kNoLoss). The end-of-turn marker is part of the assistant
// segment, so it is always labelled: the mask comes from the template's segments, never from
// pad/eos ids (pad == eos cannot mask the EOS) and never from searching the token stream for a
// response marker (which cannot "not be found").
// Segment boundaries: for each one, the text before it is encoded alone; when that is a prefix
// of the full encoding the boundary is clean. Otherwise a token crosses it (sentencepiece merged
// across), and the tokens up to and including the first one that differs belong to the segment
// before: a token belongs to the segment where it starts. Such a boundary is counted in
// boundaries_inside_token, since a prompt encoded alone at inference ends differently.
// Cut to max_len tokens (truncated = true). Throws std::invalid_argument when max_len <= 0.
EncodedExample encode_example(const std::vector<TemplateSegment>& segments,
                              const Tokenizer& tokenizer,
                              const std::vector<std::string>& special_texts, int max_len);

// True when every assistant turn's last token (its end-of-turn marker) is in the example and
// carries a label the trainer uses (position 0 has nothing before it to predict it from).
bool example_turn_ends_labelled(const EncodedExample& example);

struct MaskStats {
  long long tokens = 0;       // all ids
  long long loss_tokens = 0;  // labelled positions the trainer uses (index >= 1)
  int examples = 0;
  int examples_without_loss = 0;    // no labelled position at all
  int examples_eos_unlabelled = 0;  // example_turn_ends_labelled() is false (e.g. truncated)
  int examples_truncated = 0;
  int examples_boundary_inside_token = 0;
  int longest_example = 0;         // ids of the longest example (a batch pads to its longest)
  long long most_loss_tokens = 0;  // labelled positions of the example that has the most
};

MaskStats mask_stats(const std::vector<EncodedExample>& examples);

}  // namespace tunedeck
