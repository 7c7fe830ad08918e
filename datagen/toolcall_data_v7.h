// The v7 mix of synthetic date conversations (ToolcallDataOptions::mix = "v7"): conversations of
// one to five turns that mix the v1-v6 questions (phrased by datagen/toolcall_phrasing.h) with
// relative words (모레, next Friday, 다음 주 금요일), dates without a year and holidays by name
// (next occurrence from today), day counts, months and years, no-tool turns (greetings, thanks,
// who/what datebot is, off-topic, lunar holidays), follow-ups on the previous answer and topic
// switches that start fresh, typos and context sentences. Meanings follow the shared datebot v7
// conventions (weeks Monday..Sunday, month ends clamp). Not the v1-v6 mixes. Pure; thread-safe.
#pragma once
#include <vector>

#include "datagen/toolcall_data.h"

namespace tunedeck {

// `options.count` conversations of the v7 mix (options.languages as for every mix; the
// hard_*/stated_dates flags are ignored: the v7 mix draws them per question). Each conversation
// has its today (2024..2028) and each turn its kind (ToolcallTurn::kind).
std::vector<ToolcallConversation> toolcall_data_v7_generate(const ToolcallDataOptions& options);

}  // namespace tunedeck
