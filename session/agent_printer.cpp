#include "session/agent_printer.h"

#include <cstdio>
#include <ostream>

namespace tunedeck {
namespace {

constexpr size_t kMaxShownJson = 300;  // longer arguments/results are cut on the inline line

std::string shown_json(const nlohmann::json& value) {
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() <= kMaxShownJson) return text;
  size_t cut = kMaxShownJson;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) cut--;  // UTF-8
  return text.substr(0, cut) + "...";
}

std::string shown_ms(double ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f ms", ms);
  return text;
}

// Length of the longest end of `text` that is the start of `tag` (a tag cut between pieces).
size_t partial_tag_length(const std::string& text, const std::string& tag) {
  for (size_t length = std::min(text.size(), tag.size() - 1); length > 0; length--) {
    if (text.compare(text.size() - length, length, tag, 0, length) == 0) return length;
  }
  return 0;
}

}  // namespace

std::string agent_tool_line(const ToolResult& result) {
  const std::string name = result.name.empty() ? "?" : result.name;
  const std::string arguments = shown_json(result.arguments);
  if (result.ok()) {
    return "→ " + name + " " + arguments + " = " + shown_json(result.result) + "  " +
           shown_ms(result.ms);
  }
  return "✗ " + name + " " + arguments + " error: " + result.error + "  " + shown_ms(result.ms);
}

std::string agent_turn_summary(const AgentTurnResult& turn) {
  const size_t steps = turn.steps.size();
  return std::string("[") + agent_outcome_name(turn.outcome) + "] " +
         (turn.error.empty() ? "" : turn.error + "; ") + std::to_string(steps) +
         (steps == 1 ? " step" : " steps") + ", prompt " + std::to_string(turn.prompt_tokens) +
         " tok, generated " + std::to_string(turn.completion_tokens) + " tok, " +
         std::to_string(static_cast<long long>(turn.total_ms)) + " ms";
}

void AgentPrinter::on_event(const AgentEvent& event) {
  switch (event.kind) {
    case AgentEventKind::kTextDelta:
      feed(event.text);
      break;
    case AgentEventKind::kModelOutput:
      end_step();
      break;
    case AgentEventKind::kToolResult:
      if (!at_line_start_) write("\n");
      write(agent_tool_line(event.tool) + "\n");
      break;
    case AgentEventKind::kFinalAnswer:
    case AgentEventKind::kStepLimit:
    case AgentEventKind::kCancelled:
    case AgentEventKind::kError:
      end_step();
      finish_turn();
      break;
    case AgentEventKind::kStepStarted:
    case AgentEventKind::kToolCallParsed:
    case AgentEventKind::kParseError:  // shown by the tool result line that follows
      break;
  }
}

void AgentPrinter::finish_turn() {
  if (!at_line_start_) write("\n");
}

void AgentPrinter::write(const std::string& text) {
  if (text.empty()) return;
  out_ << text << std::flush;
  at_line_start_ = text.back() == '\n';
}

// Text outside calls is written as soon as it cannot be the start of the open tag; text inside
// a call is dropped (the tool line shows it), to the end of the step when the format has no close
// tag. A step's leading whitespace is skipped; a Llama 3 step that starts with "{" is held to the
// end of the step (it is a call unless the parser says otherwise).
void AgentPrinter::feed(const std::string& piece) {
  pending_ += piece;
  if (!step_text_started_ && syntax_.format == ToolCallFormat::kLlama3Json) {
    pending_.erase(0, std::min(pending_.size(), pending_.find_first_not_of(" \t\r\n")));
    holding_json_ = !pending_.empty() && pending_[0] == '{';
  }
  while (!holding_json_) {
    if (inside_call_ && syntax_.close.empty()) {
      pending_.clear();
      return;
    }
    const std::string& tag = inside_call_ ? syntax_.close : syntax_.open;
    const size_t at = pending_.find(tag);
    const size_t visible_end =
        at != std::string::npos ? at : pending_.size() - partial_tag_length(pending_, tag);
    if (!inside_call_) {
      std::string visible = pending_.substr(0, visible_end);
      if (!step_text_started_) {
        visible.erase(0, std::min(visible.size(), visible.find_first_not_of(" \t\r\n")));
        step_text_started_ = !visible.empty();
      }
      write(visible);
    }
    if (at == std::string::npos) {
      pending_.erase(0, visible_end);
      return;
    }
    pending_.erase(0, at + tag.size());
    inside_call_ = !inside_call_;
  }
}

// What is held back at the end of a step outside a call is a tag that never completed ("<tool"):
// it was text after all; so is a held Llama 3 step the parser finds no call in.
void AgentPrinter::end_step() {
  if (holding_json_) {
    const ParsedReply reply = parse_tool_calls(pending_, syntax_);
    if (reply.calls.empty()) write(pending_);
  } else if (!inside_call_) {
    write(pending_);
  }
  pending_.clear();
  holding_json_ = false;
  inside_call_ = false;
  step_text_started_ = false;
}

}  // namespace tunedeck
