// A model's own chat template (its tokenizer_config.json "chat_template", or chat_template.jinja),
// rendered as Hugging Face transformers' apply_chat_template renders it: the variables messages,
// tools, add_generation_prompt, bos_token, eos_token and any extra ones, and the functions
// raise_exception(msg) and strftime_now(fmt) (from a clock the caller passes).
// Not for tokenizing the result, nor for tunedeck's built-in families (agent/chat_template.h).
// Thread rules: immutable after load; render() from any thread.
#pragma once
#include <ctime>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "agent/calendar_date.h"
#include "agent/jinja/jinja_template.h"

namespace tunedeck {

// What apply_chat_template is asked to render.
struct JinjaChatInputs {
  nlohmann::ordered_json messages = nlohmann::ordered_json::array();  // [{"role", "content", ...}]
  // A list of OpenAI function objects, passed as given (even empty). Null: no tools, and `tools`
  // stays undefined in the template, as the reference renderer shared/templates/render_hf.py
  // leaves it (transformers itself passes None).
  nlohmann::ordered_json tools = nullptr;
  bool add_generation_prompt = false;
  // More template variables (enable_thinking, date_string, ...), like apply_chat_template's
  // **kwargs. They may override bos_token/eos_token, not messages, tools or add_generation_prompt.
  nlohmann::ordered_json extra = nlohmann::ordered_json::object();
};

class JinjaChatTemplate {
 public:
  // One template, with the tokens bos_token and eos_token stand for.
  JinjaChatTemplate(JinjaTemplate tmpl, std::string bos_token, std::string eos_token);

  // DIR/chat_template.jinja if present (transformers prefers it), else the "chat_template" of
  // DIR/tokenizer_config.json: a string, or a list of {"name", "template"} (the one named
  // "default"; "tool_use" when tools are given and it exists). bos_token/eos_token come from
  // tokenizer_config.json (strings or {"content": ...}); absent ones are "". Throws
  // std::runtime_error naming the file when it is missing or not JSON, or holds no template;
  // JinjaError when a template does not parse.
  static JinjaChatTemplate load(const std::string& model_dir);
  // The same from the text of a tokenizer_config.json (which must hold a "chat_template");
  // `name` is used in messages.
  static JinjaChatTemplate from_tokenizer_config(const std::string& json_text,
                                                 const std::string& name);

  // Throws JinjaError when the template raises (raise_exception's message is the template's
  // own) or fails.
  std::string render(const JinjaChatInputs& inputs, const std::tm& now) const;

  const std::string& bos_token() const { return bos_token_; }
  const std::string& eos_token() const { return eos_token_; }
  // The template render() uses for these inputs (by the rule of load()).
  const JinjaTemplate& pick(const JinjaChatInputs& inputs) const;

 private:
  JinjaChatTemplate() = default;
  void read_tokens(const nlohmann::json& tokenizer_config, const std::string& name);
  std::vector<std::pair<std::string, JinjaTemplate>> templates_;  // name ("default", ...), template
  std::string bos_token_, eos_token_;
};

// The variables transformers passes to the template.
nlohmann::ordered_json jinja_chat_context(const JinjaChatInputs& inputs,
                                          const std::string& bos_token,
                                          const std::string& eos_token);
// raise_exception(msg) (throws JinjaError kind "ValueError" with msg, as the reference renderer
// raises) and strftime_now(fmt) (formats `now`).
JinjaFunctions jinja_chat_functions(const std::tm& now);

// The whole text of a model folder's file; throws std::runtime_error naming it when unreadable.
std::string jinja_chat_read_file(const std::string& path);

// `date` at 00:00, as strftime_now formats it.
std::tm jinja_chat_time(const CalendarDate& date);
// The clock strftime_now reads: the date TUNEDECK_TODAY=YYYY-MM-DD names (at 00:00) when set,
// else the local time. Throws std::runtime_error for a malformed TUNEDECK_TODAY.
std::tm jinja_chat_clock();
// C-locale strftime (English names whatever the process locale): %Y %m %d %e %b %B %a %A %H %I
// %M %S %p %j %y %u %w %F %D %T %R %c %x %X %n %t %%; other directives go to std::strftime.
std::string jinja_strftime(const std::string& format, const std::tm& t);

}  // namespace tunedeck
