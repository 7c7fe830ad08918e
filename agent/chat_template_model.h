// A ChatTemplate over a model's own Jinja chat template (agent/jinja/jinja_chat_template.h): the
// conversation goes in as transformers' apply_chat_template receives it (assistant tool calls as
// structured "tool_calls", results as role "tool" with name and tool_call_id), the family's
// tool-call format is detected from what the template renders, and the segments for training are
// derived by rendering prefixes. Not the Jinja engine, and not tunedeck's own families
// (agent/chat_template.h), which stay for models without a template and for datasets naming one.
// Thread rules: immutable after construction; render from any thread.
#pragma once
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "agent/chat_template.h"
#include "agent/jinja/jinja_chat_template.h"

namespace tunedeck {

class Tokenizer;  // core/tokenizer.h

struct ModelTemplateOptions {
  std::function<std::tm()> clock = jinja_chat_clock;  // what strftime_now reads
  // The tokenizer prepends BOS itself: a leading bos_token the template writes is dropped (the
  // BOS policy in chat_template.h), so BOS is in the ids once.
  bool strip_bos = true;
  std::vector<std::string> stop_texts;  // texts of the tokenizer's EOS / generation_config ids
  // True for a text that is one token of the vocabulary; markers the template writes that pass
  // it become special_texts(). Null: only bos/eos and the end-of-turn markers.
  std::function<bool(const std::string&)> is_single_token;
};

class ModelChatTemplate : public ChatTemplate {
 public:
  // Probes the template (a conversation with a tool call and its result) for its end-of-turn
  // marker, its tool-call format and the markers it writes.
  ModelChatTemplate(JinjaChatTemplate jinja, ModelTemplateOptions options);

  std::string name() const override { return "model"; }
  std::vector<std::string> stop_strings() const override { return end_markers_; }
  std::vector<std::string> special_texts() const override { return special_texts_; }
  ToolCallSyntax tool_call_syntax() const override { return syntax_; }
  // One render of the template (not segment by segment). Throws std::runtime_error with the
  // template's own message when it raises ("Conversation roles must alternate ...").
  std::string render(const ChatMessages& messages, const nlohmann::json& tools,
                     bool add_generation_prompt) const override;

  // The messages (and tools: null when injected) as the template receives them.
  JinjaChatInputs inputs(const ChatMessages& messages, const nlohmann::json& tools,
                         bool add_generation_prompt) const;

 protected:
  // Segments from prefixes: the text before assistant message i is render(messages[0..i), true)
  // and must be a prefix of the whole rendering (else std::runtime_error naming the message);
  // the assistant segment runs from there to the end of the first end-of-turn marker.
  void write(const ChatMessages& messages, const nlohmann::json& tools, bool add_generation_prompt,
             SegmentWriter& out) const override;
  std::string fingerprint_text() const override;  // rendered with a fixed date

 private:
  std::string render_at(const JinjaChatInputs& inputs, const std::tm& now) const;
  void detect_tool_call_syntax();
  std::string end_marker_after_answer() const;
  void detect_markers(const ModelTemplateOptions& options);

  JinjaChatTemplate jinja_;
  std::function<std::tm()> clock_;
  bool strip_bos_ = true;
  ToolCallSyntax syntax_;
  std::vector<std::string> end_markers_;
  std::vector<std::string> special_texts_;
};

// True when DIR has a chat template of its own: chat_template.jinja, or a tokenizer_config.json
// "chat_template" that tunedeck did not write (chat_template_builtin_family() is "").
bool model_has_own_chat_template(const std::string& model_dir);

// The model's template with options from its tokenizer (stop texts, BOS, single tokens).
// Throws as JinjaChatTemplate::load does.
std::unique_ptr<ModelChatTemplate> model_chat_template_load(const std::string& model_dir,
                                                            const Tokenizer& tokenizer,
                                                            std::function<std::tm()> clock);

// The template a session or a training run uses: `requested` names a family explicitly (it
// wins), or is "model" (the folder's own template) or "" (the folder's own when it has one, else
// the family its tokenizer_config.json names, else tunedeck's).
std::unique_ptr<ChatTemplate> chat_template_for_model(const std::string& requested,
                                                      const std::string& model_dir,
                                                      const Tokenizer& tokenizer,
                                                      std::function<std::tm()> clock);

}  // namespace tunedeck
