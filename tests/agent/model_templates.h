// The model templates the agent tests use: files of ../shared/templates as render_hf.py renders
// them, the tokenizer folders' own templates, and a Mistral-v0.3-style template (none ships in
// ../shared). Not for production code. Single-threaded.
#pragma once
#include <gtest/gtest.h>

#include <string>

#include "agent/chat_template_model.h"
#include "tests/test_support.h"

namespace tunedeck::testing::model_templates {

inline std::string templates_dir() { return tunedeck::testing::shared_dir() + "/templates"; }
inline std::string tokenizers_dir() { return tunedeck::testing::shared_dir() + "/tokenizers"; }

inline std::tm date_tm(int year, int month, int day) {
  return jinja_chat_time(CalendarDate::from_parts(year, month, day));
}

// A template file as render_hf.py renders it: bos "<s>", eos "</s>", kept in the text, the clock
// at 2026-12-07.
inline ModelChatTemplate template_file(const std::string& file) {
  ModelTemplateOptions options;
  options.strip_bos = false;
  options.clock = [] { return date_tm(2026, 12, 7); };
  return ModelChatTemplate(
      JinjaChatTemplate(
          JinjaTemplate::parse(tunedeck::testing::read_file(templates_dir() + "/" + file), file),
          "<s>", "</s>"),
      options);
}

inline ModelChatTemplate tokenizer_folder_template(const std::string& name) {
  ModelTemplateOptions options;
  options.clock = [] { return date_tm(2026, 12, 7); };
  return ModelChatTemplate(JinjaChatTemplate::load(tokenizers_dir() + "/" + name), options);
}

// A Mistral-v0.3-style template (none ships in ../shared): [AVAILABLE_TOOLS], [TOOL_CALLS] with
// 9-character ids, [TOOL_RESULTS].
inline const char kMistralLike[] = R"J({{- bos_token }}
{%- for message in messages %}
  {%- if message.role == 'user' %}
    {%- if tools and loop.last %}{{- '[AVAILABLE_TOOLS] ' + tools|tojson + '[/AVAILABLE_TOOLS]' }}{%- endif %}
    {{- '[INST] ' + message.content + '[/INST]' }}
  {%- elif message.tool_calls is defined %}
    {{- '[TOOL_CALLS] [' }}
    {%- for call in message.tool_calls %}
      {%- if call.id is not string or call.id|length != 9 %}{{- raise_exception('Tool call IDs should be alphanumeric strings with length 9!') }}{%- endif %}
      {{- '{"name": "' + call.function.name + '", "arguments": ' + call.function.arguments|tojson + ', "id": "' + call.id + '"}' }}
      {%- if not loop.last %}{{- ', ' }}{%- endif %}
    {%- endfor %}
    {{- ']' + eos_token }}
  {%- elif message.role == 'tool' %}
    {{- '[TOOL_RESULTS] {"content": ' + message.content + ', "call_id": "' + message.tool_call_id + '"}[/TOOL_RESULTS]' }}
  {%- else %}
    {{- ' ' + message.content + eos_token }}
  {%- endif %}
{%- endfor %})J";

inline ModelChatTemplate mistral_like() {
  return ModelChatTemplate(
      JinjaChatTemplate(JinjaTemplate::parse(kMistralLike, "mistral-like"), "<s>", "</s>"), {});
}

}  // namespace tunedeck::testing::model_templates
