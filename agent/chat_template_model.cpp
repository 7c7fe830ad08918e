#include "agent/chat_template_model.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <stdexcept>

#include "agent/chat_template_writer.h"
#include "core/tokenizer.h"

namespace tunedeck {
namespace {

using nlohmann::ordered_json;
namespace fs = std::filesystem;

// The probe: a conversation with one call of a tool whose name appears nowhere else.
constexpr char kProbeTool[] = "zq_probe_tool";
constexpr char kProbeAnswer[] = "ZQ_PROBE_ANSWER";

ordered_json probe_tools() {
  return ordered_json::parse(R"([{"type": "function", "function": {"name": "zq_probe_tool",
      "description": "A probe.", "parameters": {"type": "object",
      "properties": {"zq_arg": {"type": "integer"}}, "required": ["zq_arg"]}}}])");
}

ordered_json probe_call_turn() {
  return ordered_json::parse(R"({"role": "assistant", "content": "", "tool_calls": [
      {"id": "call00001", "type": "function",
       "function": {"name": "zq_probe_tool", "arguments": {"zq_arg": 1}}}]})");
}

// The 9-character alphanumeric id of the n-th call of a conversation (Mistral's templates check
// the length).
std::string call_id(int n) {
  char id[16];
  std::snprintf(id, sizeof id, "call%05d", n % 100000);
  return id;
}

ordered_json plain_message(const ChatMessage& message) {
  return ordered_json{{"role", message.role}, {"content", message.content}};
}

// The calls in an assistant turn's raw text: in the template's own format, else in the Hermes
// tags the datasets are written in. Empty when there are none or one is broken (the turn then
// stays text).
std::vector<ParsedCall> readable_calls(const std::string& content, const ToolCallSyntax& syntax,
                                       std::string& text_outside) {
  ParsedReply reply = parse_tool_calls(content, syntax);
  if (reply.calls.empty() && syntax.format != ToolCallFormat::kHermes)
    reply = parse_tool_calls(content, ToolCallSyntax{});
  for (const ParsedCall& call : reply.calls)
    if (!call.ok()) return {};
  text_outside = reply.content;
  return reply.calls;
}

// The call's arguments in the order the model wrote them (ParsedCall's json sorts keys).
ordered_json ordered_arguments(const ParsedCall& call) {
  try {
    const ordered_json object = ordered_json::parse(call.raw);
    for (const char* key : {"arguments", "parameters"})
      if (object.is_object() && object.contains(key) && object[key].is_object()) return object[key];
  } catch (const nlohmann::json::exception&) {
  }
  return ordered_json::parse(call.arguments.dump());
}

std::string read_text(const fs::path& path) { return jinja_chat_read_file(path.string()); }

void add_unique(std::vector<std::string>& texts, const std::string& text) {
  if (!text.empty() && std::find(texts.begin(), texts.end(), text) == texts.end())
    texts.push_back(text);
}

std::tm fixed_fingerprint_date() {
  std::tm t{};
  t.tm_year = 2024 - 1900;
  t.tm_mon = 6;  // July
  t.tm_mday = 26;
  t.tm_wday = 5;  // a Friday
  t.tm_yday = 207;
  return t;
}

}  // namespace

ModelChatTemplate::ModelChatTemplate(JinjaChatTemplate jinja, ModelTemplateOptions options)
    : jinja_(std::move(jinja)), clock_(options.clock), strip_bos_(options.strip_bos) {
  if (!clock_) clock_ = jinja_chat_clock;
  detect_tool_call_syntax();
  detect_markers(options);
}

std::string ModelChatTemplate::render_at(const JinjaChatInputs& inputs, const std::tm& now) const {
  std::string text;
  try {
    text = jinja_.render(inputs, now);
  } catch (const JinjaError& e) {
    throw std::runtime_error(std::string("the model's chat template refused the conversation: ") +
                             e.what());
  }
  const std::string& bos = jinja_.bos_token();
  if (strip_bos_ && !bos.empty() && text.compare(0, bos.size(), bos) == 0)
    text.erase(0, bos.size());
  return text;
}

std::string ModelChatTemplate::render(const ChatMessages& messages, const nlohmann::json& tools,
                                      bool add_generation_prompt) const {
  return render_at(inputs(messages, tools, add_generation_prompt), clock_());
}

std::string ModelChatTemplate::fingerprint_text() const {
  return render_at(
      inputs(chat_template_canonical_conversation(), chat_template_canonical_tools(), true),
      fixed_fingerprint_date());
}

JinjaChatInputs ModelChatTemplate::inputs(const ChatMessages& messages, const nlohmann::json& tools,
                                          bool add_generation_prompt) const {
  JinjaChatInputs in;
  in.add_generation_prompt = add_generation_prompt;
  const bool has_tools = tools.is_array() && !tools.empty();
  if (has_tools && !syntax_.injected) in.tools = json_ordered_python(tools);
  std::vector<std::string> pending_ids;  // of the last assistant turn's calls, in order
  int calls = 0;
  for (size_t i = 0; i < messages.size(); i++) {
    const ChatMessage& message = messages[i];
    if (message.role == "tool" && syntax_.injected) {  // a run of results: one user turn
      in.messages.push_back(ordered_json{
          {"role", "user"}, {"content", hermes_tool_responses(take_tool_results(messages, i))}});
    } else if (message.role == "tool") {
      ordered_json result{{"role", "tool"}, {"content", message.content}};
      if (!message.name.empty()) result["name"] = message.name;
      if (!pending_ids.empty()) {
        result["tool_call_id"] = pending_ids.front();
        pending_ids.erase(pending_ids.begin());
      }
      in.messages.push_back(result);
    } else if (message.role == "assistant" && !syntax_.injected) {
      std::string text;
      const std::vector<ParsedCall> parsed = readable_calls(message.content, syntax_, text);
      if (parsed.empty()) {
        in.messages.push_back(plain_message(message));
        continue;
      }
      ordered_json turn{{"role", "assistant"}, {"content", text}};
      ordered_json& tool_calls = turn["tool_calls"] = ordered_json::array();
      pending_ids.clear();
      for (const ParsedCall& call : parsed) {
        pending_ids.push_back(call_id(++calls));
        tool_calls.push_back(ordered_json{
            {"id", pending_ids.back()},
            {"type", "function"},
            {"function", {{"name", call.name}, {"arguments", ordered_arguments(call)}}}});
      }
      in.messages.push_back(turn);
    } else {
      in.messages.push_back(plain_message(message));
    }
  }
  if (has_tools && syntax_.injected) {
    // The tool list and instructions go into the system message, else the first user turn.
    const std::string block = hermes_tools_block(tools);
    auto first = std::find_if(in.messages.begin(), in.messages.end(), [](const ordered_json& m) {
      return m["role"] == "system" || m["role"] == "user";
    });
    if (first == in.messages.end()) {
      in.messages.insert(in.messages.begin(), ordered_json{{"role", "system"}, {"content", block}});
    } else {
      const std::string content = (*first)["content"].get<std::string>();
      (*first)["content"] =
          (*first)["role"] == "system" ? content + "\n\n" + block : block + "\n\n" + content;
    }
  }
  return in;
}

void ModelChatTemplate::write(const ChatMessages& messages, const nlohmann::json& tools,
                              bool add_generation_prompt, SegmentWriter& out) const {
  const std::tm now = clock_();
  const std::string full = render_at(inputs(messages, tools, add_generation_prompt), now);
  size_t pos = 0;
  for (size_t i = 0; i < messages.size(); i++) {
    if (messages[i].role != "assistant") continue;
    const ChatMessages before(messages.begin(), messages.begin() + static_cast<long>(i));
    const std::string prompt = render_at(inputs(before, tools, true), now);
    const std::string where =
        "chat template 'model': message " + std::to_string(i) + " (assistant)";
    if (prompt.size() < pos || full.compare(0, prompt.size(), prompt) != 0)
      throw std::runtime_error(where +
                               ": the prompt before it, rendered with add_generation_prompt, is "
                               "not where the whole conversation's rendering has it; this "
                               "template renders earlier turns differently once later ones follow");
    size_t end = std::string::npos;
    for (const std::string& marker : end_markers_) {
      const size_t at = full.find(marker, prompt.size());
      if (at != std::string::npos) end = std::min(end, at + marker.size());
    }
    if (end == std::string::npos)
      throw std::runtime_error(where + ": no end-of-turn marker after it in the rendering");
    out.prompt(full.substr(pos, prompt.size() - pos));
    out.output(full.substr(prompt.size(), end - prompt.size()));
    pos = end;
  }
  out.prompt(full.substr(pos));
}

// From what the template makes of a call of the probe tool (and its result, where the template
// takes one; Gemma's refuses a tool role, so the probe is retried without it).
void ModelChatTemplate::detect_tool_call_syntax() {
  JinjaChatInputs probe;
  probe.tools = probe_tools();
  probe.add_generation_prompt = true;
  probe.messages =
      ordered_json::array({ordered_json{{"role", "user"}, {"content", "Probe?"}}, probe_call_turn(),
                           ordered_json{{"role", "tool"},
                                        {"name", kProbeTool},
                                        {"tool_call_id", "call00001"},
                                        {"content", "1"}}});
  std::string text;
  const std::tm now = fixed_fingerprint_date();
  try {
    text = jinja_.render(probe, now);
  } catch (const JinjaError&) {
    probe.messages.erase(probe.messages.size() - 1);
    try {
      text = jinja_.render(probe, now);
    } catch (const JinjaError&) {
      text.clear();
    }
  }
  const std::string llama3_call = std::string("{\"name\": \"") + kProbeTool + "\", \"parameters\"";
  if (text.find("[TOOL_CALLS]") != std::string::npos) {
    syntax_ = tool_call_syntax_mistral();
  } else if (text.find(llama3_call) != std::string::npos) {
    syntax_ = tool_call_syntax_llama3();
  } else if (text.find("<tool_call>") == std::string::npos &&
             text.find(kProbeTool) == std::string::npos) {
    syntax_ = ToolCallSyntax{};  // no tool support: tunedeck's Hermes instructions go in
    syntax_.injected = true;
  } else {
    syntax_ = ToolCallSyntax{};  // Hermes / Qwen, or a format of its own read as Hermes
  }
}

// What the template writes right after an answer: one tag ("<|eot_id|>", "</s>", "[/X]") or,
// failing that, the text up to whitespace; "" when the probe does not render.
std::string ModelChatTemplate::end_marker_after_answer() const {
  JinjaChatInputs probe;
  probe.messages =
      ordered_json::array({ordered_json{{"role", "user"}, {"content", "Probe?"}},
                           ordered_json{{"role", "assistant"}, {"content", kProbeAnswer}}});
  std::string text;
  try {
    text = jinja_.render(probe, fixed_fingerprint_date());
  } catch (const JinjaError&) {
    return "";
  }
  const size_t answer = text.find(kProbeAnswer);
  if (answer == std::string::npos) return "";
  const size_t begin = text.find_first_not_of(" ", answer + std::string(kProbeAnswer).size());
  if (begin == std::string::npos) return "";
  const char close = text[begin] == '<' ? '>' : text[begin] == '[' ? ']' : 0;
  const size_t end = close ? text.find(close, begin) : text.find_first_of(" \n", begin);
  if (end == std::string::npos) return text.substr(begin);
  return text.substr(begin, end - begin + (close ? 1 : 0));
}

// The end-of-turn markers (the one after an answer, eos_token, the tokenizer's stop texts) and
// the special texts: bos_token, those markers, and the tags around a rendered conversation that
// are single tokens.
void ModelChatTemplate::detect_markers(const ModelTemplateOptions& options) {
  add_unique(end_markers_, end_marker_after_answer());
  add_unique(end_markers_, jinja_.eos_token());
  for (const std::string& stop : options.stop_texts) add_unique(end_markers_, stop);
  if (end_markers_.empty())
    throw std::runtime_error(
        "the model's chat template writes no end-of-turn marker after an answer and the tokenizer "
        "names no eos_token: cannot tell where a turn ends");

  add_unique(special_texts_, jinja_.bos_token());
  for (const std::string& marker : end_markers_) add_unique(special_texts_, marker);
  if (!options.is_single_token) return;
  std::string sample;
  try {
    sample = jinja_.render(
        inputs(chat_template_canonical_conversation(), chat_template_canonical_tools(), true),
        fixed_fingerprint_date());
  } catch (const JinjaError&) {
    return;  // a template that refuses this conversation keeps the markers above
  }
  static const std::regex kMarker(R"(<\|?/?[a-z_]{1,40}\|?>|\[/?[A-Z_]{2,30}\])");
  for (auto it = std::sregex_iterator(sample.begin(), sample.end(), kMarker);
       it != std::sregex_iterator(); ++it) {
    const std::string marker = it->str();
    if (options.is_single_token(marker)) add_unique(special_texts_, marker);
  }
}

bool model_has_own_chat_template(const std::string& model_dir) {
  const fs::path dir(model_dir);
  if (fs::exists(dir / "chat_template.jinja")) return true;
  const fs::path config_path = dir / "tokenizer_config.json";
  if (!fs::exists(config_path)) return false;
  const std::string text = read_text(config_path);
  try {
    const nlohmann::json config = nlohmann::json::parse(text);
    return config.is_object() && config.contains("chat_template") &&
           !config["chat_template"].is_null() && chat_template_builtin_family(text).empty();
  } catch (const std::exception& e) {
    throw std::runtime_error(config_path.string() + ": " + e.what());
  }
}

std::unique_ptr<ModelChatTemplate> model_chat_template_load(const std::string& model_dir,
                                                            const Tokenizer& tokenizer,
                                                            std::function<std::tm()> clock) {
  ModelTemplateOptions options;
  options.clock = std::move(clock);
  const SpecialTokens& special = tokenizer.special();
  options.strip_bos = special.add_bos && special.bos_id >= 0;
  for (const int id : special.stop_ids)
    if (id >= 0 && id < tokenizer.vocab_size())
      options.stop_texts.push_back(tokenizer.id_to_piece(id));
  const int unk = special.unk_id;
  options.is_single_token = [&tokenizer, unk](const std::string& text) {
    const int id = tokenizer.piece_to_id(text);
    return id >= 0 && id != unk && tokenizer.id_to_piece(id) == text;
  };
  return std::make_unique<ModelChatTemplate>(JinjaChatTemplate::load(model_dir), options);
}

std::unique_ptr<ChatTemplate> chat_template_for_model(const std::string& requested,
                                                      const std::string& model_dir,
                                                      const Tokenizer& tokenizer,
                                                      std::function<std::tm()> clock) {
  if (!requested.empty() && requested != "model") return chat_template_by_name(requested);
  if (requested == "model" || model_has_own_chat_template(model_dir))
    return model_chat_template_load(model_dir, tokenizer, std::move(clock));
  const fs::path config = fs::path(model_dir) / "tokenizer_config.json";
  std::string family;
  if (fs::exists(config)) {
    try {
      family = chat_template_detect(read_text(config));
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(config.string() + ": " + e.what());
    }
  }
  return chat_template_by_name(family.empty() ? "tunedeck" : family);
}

}  // namespace tunedeck
