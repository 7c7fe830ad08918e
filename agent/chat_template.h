// Chat templates: turn a conversation (and a tool list) into the exact text a model family was
// trained on, cut into segments so the trainer can put the loss on assistant output only.
// The families here are written out in C++ from their published templates; a model's own Jinja
// template is agent/chat_template_model.h.
// Thread rules: a ChatTemplate is immutable after construction; render from any thread.
#pragma once
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "agent/chat_message.h"
#include "agent/tool_call_parser.h"

namespace tunedeck {

// One piece of a rendered conversation. Segments alternate between prompt text (headers, user
// and system turns, tool results, the response marker before each assistant turn) and text the
// model produces itself (an assistant turn's content *and* the end-of-turn marker that closes it,
// e.g. "...<|im_end|>"). The text that follows the marker ("\n") is prompt text again.
// Invariant: the prompt text before an assistant segment is exactly what render(...,
// add_generation_prompt=true) produces for the conversation up to that turn, so what the model
// is trained to emit is what it is asked to emit.
struct TemplateSegment {
  std::string text;
  bool is_assistant_output = false;  // true: the model writes this; the loss goes here
};

class SegmentWriter;  // agent/chat_template_writer.h

// BOS policy (all families): the text never starts with a BOS marker ("<s>", "<bos>",
// "<|begin_of_text|>"); whoever tokenizes the rendering adds the BOS id once at the start
// (tokenizer_encode_with_markers). This avoids the double-BOS of Hugging Face templates that
// write bos_token while the tokenizer adds one too. Markers *inside* the text (Llama-2's
// "</s><s>[INST]" between turns, every end-of-turn marker) are written as text; special_texts()
// lists them so an encoder can map each to its single token id where the vocabulary has one.
class ChatTemplate {
 public:
  virtual ~ChatTemplate() = default;

  // The family's name as chat_template_by_name() knows it ("chatml", "llama3", ...).
  virtual std::string name() const = 0;

  // Renders `messages` (roles system, user, assistant, tool; an assistant turn that called tools
  // holds the raw text with its <tool_call> tags). `tools` is null/empty or an array of OpenAI
  // function objects {"type": "function", "function": {"name", "description", "parameters"}}.
  // add_generation_prompt appends the response marker that opens the next assistant turn.
  // Throws std::invalid_argument naming the template and the message index for an unknown role,
  // a role the family cannot place, or a malformed tool entry.
  std::vector<TemplateSegment> render_segments(const ChatMessages& messages,
                                               const nlohmann::json& tools,
                                               bool add_generation_prompt) const;
  // The segments concatenated.
  virtual std::string render(const ChatMessages& messages, const nlohmann::json& tools,
                             bool add_generation_prompt) const;

  // Texts that end a model's turn; generation stops when one appears ("<|im_end|>", "</s>").
  virtual std::vector<std::string> stop_strings() const = 0;
  // Marker texts this family writes that should encode to one special token each (when the
  // tokenizer has a piece for them), e.g. "<|im_start|>", "<|im_end|>".
  virtual std::vector<std::string> special_texts() const = 0;
  // The tags this family's model writes around a tool call; the agent loop parses replies with
  // them and the printers hold them back. Hermes / Qwen 2.5's <tool_call>...</tool_call> unless
  // a family says otherwise.
  virtual ToolCallSyntax tool_call_syntax() const { return ToolCallSyntax{}; }

  // FNV-1a 64 (16 hex digits) of fingerprint_text(). Saved with a trained adapter; a different
  // hash at chat time means a different template.
  std::string template_hash() const;

 protected:
  // The rendering of chat_template_canonical_conversation() with its tools and the generation
  // prompt.
  virtual std::string fingerprint_text() const;
  // Writes the conversation; messages and tools are already validated (known roles, tools an
  // array of function objects or empty).
  virtual void write(const ChatMessages& messages, const nlohmann::json& tools,
                     bool add_generation_prompt, SegmentWriter& out) const = 0;
};

// ---- The families, one file each (agent/chat_template_<family>.cpp) --------------------------

// "chatml": Qwen2.5's template. <|im_start|>role\n...<|im_end|>\n; tools in the system turn in a
// <tools></tools> block with the <tool_call> instruction; tool results as a user turn of
// <tool_response> blocks. Unlike Qwen, no default system prompt is invented.
class ChatmlTemplate : public ChatTemplate {
 public:
  std::string name() const override { return "chatml"; }
  std::vector<std::string> stop_strings() const override;
  std::vector<std::string> special_texts() const override;

 protected:
  void write(const ChatMessages& messages, const nlohmann::json& tools, bool add_generation_prompt,
             SegmentWriter& out) const override;
};

// "llama2": Llama-2-chat. [INST] <<SYS>>\n...\n<</SYS>>\n\nuser [/INST] answer </s><s>[INST] ...
// No published tool format: the tool list and <tool_call> instruction go in the <<SYS>> block,
// tool results come back as a user turn of <tool_response> blocks.
class Llama2Template : public ChatTemplate {
 public:
  std::string name() const override { return "llama2"; }
  std::vector<std::string> stop_strings() const override;
  std::vector<std::string> special_texts() const override;

 protected:
  void write(const ChatMessages& messages, const nlohmann::json& tools, bool add_generation_prompt,
             SegmentWriter& out) const override;
};

// "llama3": Llama-3.1-Instruct. <|start_header_id|>role<|end_header_id|>\n\n...<|eot_id|>; the
// system turn always carries the knowledge/today dates; tools go in the first user turn (the
// published default), results come back in an ipython turn.
class Llama3Template : public ChatTemplate {
 public:
  // `date_string` is the "Today Date:" line; the published template's default is "26 Jul 2024".
  explicit Llama3Template(std::string date_string = "26 Jul 2024");
  std::string name() const override { return "llama3"; }
  std::vector<std::string> stop_strings() const override;
  std::vector<std::string> special_texts() const override;

 protected:
  void write(const ChatMessages& messages, const nlohmann::json& tools, bool add_generation_prompt,
             SegmentWriter& out) const override;

 private:
  std::string date_string_;
};

// "mistral": Mistral-7B-Instruct-v0.3. [INST] user[/INST] answer</s>; the system message is
// prepended to the last user turn, [AVAILABLE_TOOLS] [...][/AVAILABLE_TOOLS] before it, results
// in [TOOL_RESULTS] {"content": ...}[/TOOL_RESULTS].
class MistralTemplate : public ChatTemplate {
 public:
  std::string name() const override { return "mistral"; }
  std::vector<std::string> stop_strings() const override;
  std::vector<std::string> special_texts() const override;

 protected:
  void write(const ChatMessages& messages, const nlohmann::json& tools, bool add_generation_prompt,
             SegmentWriter& out) const override;
};

// "gemma": Gemma-2-it. <start_of_turn>user\n...<end_of_turn>\n<start_of_turn>model\n...; no
// system role, so system text (and the tool list) is merged into the first user turn as Gemma-3
// does; tool results come back as a user turn of <tool_response> blocks.
class GemmaTemplate : public ChatTemplate {
 public:
  std::string name() const override { return "gemma"; }
  std::vector<std::string> stop_strings() const override;
  std::vector<std::string> special_texts() const override;

 protected:
  void write(const ChatMessages& messages, const nlohmann::json& tools, bool add_generation_prompt,
             SegmentWriter& out) const override;
};

// "tunedeck": ours, for the small demo model and its sentencepiece vocabulary (see
// agent/chat_template_tunedeck.cpp for the full description). Every turn is
//   <|role|>\n CONTENT <|end|>\n        role: system, user, assistant, tool
// with tools listed one signature a line in the system turn, tool calls written as
// <tool_call>{"name": ..., "arguments": {...}}</tool_call> and results as a <|tool|> turn.
class TunedeckTemplate : public ChatTemplate {
 public:
  std::string name() const override { return "tunedeck"; }
  std::vector<std::string> stop_strings() const override;
  std::vector<std::string> special_texts() const override;
  // The same format as a Jinja chat_template for tokenizer_config.json, so a model trained here
  // renders identically under Hugging Face's apply_chat_template (messages, tools,
  // add_generation_prompt). Contains "tunedeck", which chat_template_detect() keys on.
  static std::string jinja();

 protected:
  void write(const ChatMessages& messages, const nlohmann::json& tools, bool add_generation_prompt,
             SegmentWriter& out) const override;
};

// The conversation template_hash() renders: every role, a tool call and its result.
ChatMessages chat_template_canonical_conversation();
nlohmann::json chat_template_canonical_tools();

// ---- Picking a template --------------------------------------------------------------------

// The known names, in the order chat_template_by_name() lists them.
std::vector<std::string> chat_template_names();
// Throws std::invalid_argument "unknown chat template 'x' (known: chatml, llama2, ...)".
std::unique_ptr<ChatTemplate> chat_template_by_name(const std::string& name);
// The family of a tokenizer_config.json's "chat_template" (a string, or a list of {name,
// template} where "default" is used), from its markers: <|im_start|> chatml,
// <|start_header_id|> llama3, <start_of_turn> gemma, [INST] with <<SYS>> llama2, [INST] without
// it mistral, a template mentioning "tunedeck" tunedeck; a template carrying
// chat_template_builtin_marker(NAME) is NAME. Returns "" when the file has no chat template or
// none is recognised. Throws std::invalid_argument when the text is not JSON.
std::string chat_template_detect(const std::string& tokenizer_config_json_text);

// The family of a tokenizer_config.json whose "chat_template" tunedeck wrote itself (the
// built-in marker, or tunedeck's own Jinja): "" for a model's own template or none. Throws
// std::invalid_argument when the text is not JSON.
std::string chat_template_builtin_family(const std::string& tokenizer_config_json_text);

// "tunedeck built-in template: NAME", the words that tie a tokenizer_config.json to NAME.
std::string chat_template_builtin_marker(const std::string& name);
// What `tunedeck tokenizer train` writes as "chat_template": the real Jinja template for
// tunedeck's format; for the other families, a Jinja comment with the marker (tunedeck renders
// them itself). Throws std::invalid_argument for an unknown name.
std::string chat_template_for_tokenizer_config(const std::string& name);

}  // namespace tunedeck
