// Training rows through a model's own template (Qwen3's and Llama 3's real tokenizer and
// template, ../shared/tokenizers): the loss is on assistant output only, each assistant turn's
// end-of-turn token is labelled exactly where the template writes it, and the prompt before each
// assistant turn is token for token what the agent sends the model at that point.
#include <gtest/gtest.h>

#include <algorithm>

#include "agent/chat_template_model.h"
#include "core/tokenizer.h"
#include "tests/test_support.h"
#include "train/example_encoder.h"

namespace tunedeck {
namespace {

std::string tokenizer_dir(const std::string& name) {
  return tunedeck::testing::shared_dir() + "/tokenizers/" + name;
}

std::tm fixed_day() { return jinja_chat_time(CalendarDate::from_parts(2026, 12, 7)); }

// A dataset row as train/dataset reads one (the call in Hermes tags, its result, the answer):
// the fixed conversation less its closing "Thanks!".
ChatMessages tool_row() {
  ChatMessages row = chat_template_canonical_conversation();
  row.pop_back();
  return row;
}

struct Encoded {
  std::unique_ptr<Tokenizer> tokenizer;
  std::unique_ptr<ModelChatTemplate> tmpl;
  std::vector<TemplateSegment> segments;
  EncodedExample example;
};

Encoded encode_row(const std::string& name, const ChatMessages& row) {
  Encoded out;
  out.tokenizer = tokenizer_load_dir(tokenizer_dir(name));
  out.tmpl = model_chat_template_load(tokenizer_dir(name), *out.tokenizer, fixed_day);
  out.segments = out.tmpl->render_segments(row, chat_template_canonical_tools(), false);
  out.example = encode_example(out.segments, *out.tokenizer, out.tmpl->special_texts(), 4096);
  return out;
}

// The labelled stretches of an example, as token id runs.
std::vector<std::vector<int>> labelled_runs(const EncodedExample& example) {
  std::vector<std::vector<int>> runs;
  bool in_run = false;
  for (size_t i = 0; i < example.labels.size(); i++) {
    const bool labelled = example.labels[i] != kNoLoss;
    if (labelled && !in_run) runs.emplace_back();
    if (labelled) runs.back().push_back(example.labels[i]);
    in_run = labelled;
  }
  return runs;
}

// Checks what every model template must give: the labels are the assistant segments and nothing
// else, each run ends on `end_marker`'s id, and the prompt before each assistant turn encodes as
// the agent's generation prompt for that point of the conversation does.
void expect_assistant_only_masks(const Encoded& encoded, const ChatMessages& row,
                                 const std::string& end_marker) {
  const Tokenizer& tokenizer = *encoded.tokenizer;
  const EncodedExample& example = encoded.example;
  const int end_id = tokenizer.piece_to_id(end_marker);
  ASSERT_EQ(tokenizer.id_to_piece(end_id), end_marker);
  EXPECT_EQ(example.boundaries_inside_token, 0);
  EXPECT_TRUE(example_turn_ends_labelled(example));

  std::vector<std::string> outputs;
  for (const TemplateSegment& segment : encoded.segments)
    if (segment.is_assistant_output) outputs.push_back(segment.text);
  const std::vector<std::vector<int>> runs = labelled_runs(example);
  ASSERT_EQ(runs.size(), outputs.size());
  for (size_t r = 0; r < runs.size(); r++) {
    EXPECT_EQ(tokenizer.decode(runs[r]), outputs[r]);
    EXPECT_EQ(runs[r].back(), end_id) << "turn " << r;
    EXPECT_EQ(std::count(runs[r].begin(), runs[r].end(), end_id), 1) << "turn " << r;
  }

  // The tokens before each labelled run are the prompt the agent would send at that point.
  size_t assistant_seen = 0;
  for (size_t i = 0; i < row.size(); i++) {
    if (row[i].role != "assistant") continue;
    const ChatMessages before(row.begin(), row.begin() + static_cast<long>(i));
    const std::vector<int> prompt = tokenizer.encode_prompt(
        encoded.tmpl->render(before, chat_template_canonical_tools(), true));
    ASSERT_LT(prompt.size(), example.ids.size());
    EXPECT_TRUE(std::equal(prompt.begin(), prompt.end(), example.ids.begin()))
        << "assistant message " << i;
    EXPECT_EQ(example.labels[prompt.size() - 1], kNoLoss);
    EXPECT_NE(example.labels[prompt.size()], kNoLoss) << "assistant message " << i;
    assistant_seen++;
  }
  EXPECT_EQ(assistant_seen, outputs.size());
}

TEST(ModelTemplateMasks, Qwen3) {
  const ChatMessages row = tool_row();
  const Encoded encoded = encode_row("qwen3", row);
  expect_assistant_only_masks(encoded, row, "<|im_end|>");
  EXPECT_EQ(encoded.example.ids.front(), encoded.tokenizer->piece_to_id("<|im_start|>"));  // no BOS
  // Qwen3 writes an empty think block only in the last assistant turn after the last question
  // (and drops earlier turns' reasoning): the labels follow the rendering as it is.
  std::vector<std::string> outputs;
  for (const TemplateSegment& segment : encoded.segments)
    if (segment.is_assistant_output) outputs.push_back(segment.text);
  ASSERT_EQ(outputs.size(), 2u);
  EXPECT_EQ(outputs[0],
            "<tool_call>\n{\"name\": \"weekday\", \"arguments\": {\"date\": \"2027-01-04\"}}\n"
            "</tool_call><|im_end|>");
  EXPECT_EQ(outputs[1], "<think>\n\n</think>\n\n2027-01-04 is a Monday.<|im_end|>");
  // The "\n" after each <|im_end|> is prompt.
  const std::string text = encoded.tmpl->render(row, chat_template_canonical_tools(), false);
  EXPECT_EQ(text.substr(text.size() - 11), "<|im_end|>\n");
  EXPECT_EQ(encoded.example.labels.back(), kNoLoss);
}

TEST(ModelTemplateMasks, Llama3) {
  const ChatMessages row = tool_row();
  const Encoded encoded = encode_row("llama3", row);
  expect_assistant_only_masks(encoded, row, "<|eot_id|>");
  const int bos = encoded.tokenizer->special().bos_id;
  ASSERT_GE(bos, 0);
  EXPECT_EQ(encoded.example.ids[0], bos);  // once: the template's bos_token text is dropped
  EXPECT_NE(encoded.example.ids[1], bos);
  // The template has no tool support: the tools ride in the system turn as Hermes instructions.
  EXPECT_NE(encoded.segments[0].text.find("You are a date assistant.\n\n# Tools"),
            std::string::npos);
}

TEST(ModelTemplateMasks, TemplateErrorsNameTheMessage) {
  const std::unique_ptr<Tokenizer> tokenizer = tokenizer_load_dir(tokenizer_dir("gemma3"));
  const auto tmpl = model_chat_template_load(tokenizer_dir("gemma3"), *tokenizer, fixed_day);
  try {
    tmpl->render_segments({{"assistant", "hi", ""}}, nullptr, false);
    FAIL() << "rendered an assistant turn first";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("Conversation roles must alternate"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace tunedeck
