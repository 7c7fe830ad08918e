#include "agent/agent_loop.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace tunedeck {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Compact JSON as the model sees it; bytes that are not UTF-8 (a model can write anything)
// become U+FFFD instead of throwing.
std::string compact_json(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool is_cancelled(const std::atomic<bool>* cancel) { return cancel != nullptr && cancel->load(); }

void check_options(const AgentLoopOptions& options) {
  if (options.max_steps < 1)
    throw std::invalid_argument("agent max_steps must be >= 1, got " +
                                std::to_string(options.max_steps));
  if (options.max_new_tokens < 1)
    throw std::invalid_argument("agent max_new_tokens must be >= 1, got " +
                                std::to_string(options.max_new_tokens));
}

// What the model is told about a call it wrote but the parser could not read.
std::string unreadable_call_error(const ParsedCall& call) {
  constexpr size_t kMaxQuoted = 300;
  std::string quoted = call.raw.substr(0, kMaxQuoted);
  if (call.raw.size() > kMaxQuoted) quoted += "...";
  return "could not read the tool call: " + call.error + "; the call was: " + quoted;
}

// The system prompt and tools alone, rendered with the generation prompt; with an empty user
// turn after them for a template that needs one (a model's own template may read messages[0]).
std::string render_fixed_part(const ChatTemplate& chat_template, ChatMessages system_only,
                              const nlohmann::json& tools) {
  try {
    return chat_template.render(system_only, tools, true);
  } catch (const std::exception&) {
    system_only.push_back(ChatMessage{"user", "", ""});
    return chat_template.render(system_only, tools, true);
  }
}

AgentEvent make_event(AgentEventKind kind, int step, std::string text = "") {
  AgentEvent event;
  event.kind = kind;
  event.step = step;
  event.text = std::move(text);
  return event;
}

}  // namespace

const char* agent_outcome_name(AgentOutcome outcome) {
  switch (outcome) {
    case AgentOutcome::kAnswered:
      return "answered";
    case AgentOutcome::kStepLimit:
      return "step_limit";
    case AgentOutcome::kCancelled:
      return "cancelled";
    case AgentOutcome::kError:
      return "error";
  }
  return "unknown";
}

AgentLoop::AgentLoop(TextGenerator& generator, const ChatTemplate& chat_template,
                     const ToolRegistry& tools, Memory& memory, int64_t session_id,
                     AgentLoopOptions options)
    : generator_(generator),
      template_(chat_template),
      tools_(tools),
      memory_(memory),
      session_id_(session_id),
      options_(std::move(options)) {
  check_options(options_);
}

void AgentLoop::set_options(AgentLoopOptions options) {
  check_options(options);
  options_ = std::move(options);
}

int64_t AgentLoop::store(const ChatMessage& message) {
  return memory_.append_message(session_id_, message, generator_.count_tokens(message.content));
}

// ---- The prompt -----------------------------------------------------------------------------

// Memory picks the newest whole turns that fit a budget counted on message contents; the markers
// around each message are not in that count, so the rendered prompt is measured and the budget
// shrunk by the overshoot until it fits (once is usually enough).
AgentLoop::Prompt AgentLoop::fit_prompt() {
  const int context = generator_.context_length();
  const nlohmann::json tools = tools_.list_json();
  ChatMessages system_only;
  if (!options_.system_prompt.empty())
    system_only.push_back(ChatMessage{"system", options_.system_prompt, ""});
  auto measure = [&](const std::string& text) { return generator_.count_tokens(text) + 1; };
  auto count = [&](const std::string& text) { return generator_.count_tokens(text); };

  // Tools, markers and the generation prompt: always there, outside memory's budget.
  const int fixed =
      measure(render_fixed_part(template_, system_only, tools)) - count(options_.system_prompt);
  int budget = context - options_.max_new_tokens - fixed;
  Prompt prompt;
  constexpr int kMaxFits = 4;
  for (int fit = 0; fit < kMaxFits; fit++) {
    const ChatMessages messages =
        memory_.recent_messages(session_id_, options_.system_prompt, budget, count);
    prompt.text = template_.render(messages, tools, true);
    prompt.tokens = measure(prompt.text);
    const int overshoot = prompt.tokens + options_.max_new_tokens - context;
    if (overshoot <= 0) break;
    budget -= overshoot;
  }
  if (prompt.tokens >= context) {
    throw std::runtime_error(
        "the prompt needs " + std::to_string(prompt.tokens) + " tokens but the model's context " +
        "holds " + std::to_string(context) + " (system prompt, tool list and the newest question " +
        "always go in): shorten [agent] system_prompt or the question");
  }
  return prompt;
}

// ---- One turn -------------------------------------------------------------------------------

AgentTurnResult AgentLoop::run_turn(const std::string& question, const AgentEventCallback& on_event,
                                    const std::atomic<bool>* cancel) {
  const auto start = Clock::now();
  const AgentEventCallback emit = [&](const AgentEvent& event) {
    if (on_event) on_event(event);
  };
  AgentTurnResult turn;
  // The edge of the agent layer: the model, the tokenizer and the database may throw; the turn
  // ends with what was committed so far.
  try {
    store(ChatMessage{"user", question, ""});
    bool over = false;
    for (int step = 1; step <= options_.max_steps && !over; step++) {
      if (is_cancelled(cancel)) {
        turn.outcome = AgentOutcome::kCancelled;
        turn.error = "cancelled before step " + std::to_string(step);
        emit(make_event(AgentEventKind::kCancelled, step, turn.error));
        over = true;
      } else {
        over = run_step(step, turn, emit, cancel);
      }
    }
    if (!over) {
      turn.outcome = AgentOutcome::kStepLimit;
      turn.error = "step limit reached: the model was still calling tools after " +
                   std::to_string(options_.max_steps) +
                   " steps and gave no answer (raise [agent] max_steps, or /set max_steps N)";
      emit(make_event(AgentEventKind::kStepLimit, options_.max_steps, turn.error));
    }
  } catch (const std::exception& e) {
    turn.outcome = AgentOutcome::kError;
    turn.answer.clear();
    turn.error = e.what();
    emit(make_event(AgentEventKind::kError, static_cast<int>(turn.steps.size()), turn.error));
  }
  turn.total_ms = ms_since(start);
  return turn;
}

bool AgentLoop::run_step(int step, AgentTurnResult& turn, const AgentEventCallback& emit,
                         const std::atomic<bool>* cancel) {
  emit(make_event(AgentEventKind::kStepStarted, step));

  // Generate.
  const Prompt prompt = fit_prompt();
  TextGenerationRequest request;
  request.prompt = prompt.text;
  request.add_bos = true;
  request.max_new_tokens =
      std::min(options_.max_new_tokens, generator_.context_length() - prompt.tokens);
  request.sampling = options_.sampling;
  request.stop_strings = template_.stop_strings();
  const TextCallback on_text = [&](const std::string& piece) {
    emit(make_event(AgentEventKind::kTextDelta, step, piece));
  };
  AgentStep record;
  record.generation = generator_.generate(request, on_text, cancel);
  record.raw = record.generation.text;
  turn.prompt_tokens += record.generation.prompt_tokens;
  turn.completion_tokens += record.generation.completion_tokens;
  turn.generate_ms += record.generation.prefill_ms + record.generation.decode_ms;
  AgentEvent output = make_event(AgentEventKind::kModelOutput, step, record.raw);
  output.generation = record.generation;
  emit(output);

  // Cancelled mid-generation: keep what was said.
  if (record.generation.stop_reason == StopReason::kCancelled) {
    if (!record.raw.empty()) store(ChatMessage{"assistant", record.raw, ""});
    turn.steps.push_back(record);
    turn.outcome = AgentOutcome::kCancelled;
    turn.error = "cancelled during step " + std::to_string(step);
    emit(make_event(AgentEventKind::kCancelled, step, turn.error));
    return true;
  }

  // An answer, or calls to run.
  const ParsedReply reply = parse_tool_calls(record.raw, template_.tool_call_syntax());
  const int64_t message_id = store(ChatMessage{"assistant", record.raw, ""});
  if (reply.calls.empty()) {
    turn.steps.push_back(record);
    turn.outcome = AgentOutcome::kAnswered;
    turn.answer = reply.content;
    emit(make_event(AgentEventKind::kFinalAnswer, step, turn.answer));
    return true;
  }
  for (const ParsedCall& call : reply.calls) {
    if (is_cancelled(cancel)) {
      turn.steps.push_back(record);
      turn.outcome = AgentOutcome::kCancelled;
      turn.error = "cancelled between the tool calls of step " + std::to_string(step);
      emit(make_event(AgentEventKind::kCancelled, step, turn.error));
      return true;
    }
    record.calls.push_back(run_call(step, call, message_id, emit));
    turn.tools_ms += record.calls.back().ms;
  }
  turn.steps.push_back(record);
  return false;
}

// Runs one call (or turns an unreadable one into an error result), reports it and commits the
// tool call record and the `tool` message the model will see next.
ToolResult AgentLoop::run_call(int step, const ParsedCall& call, int64_t message_id,
                               const AgentEventCallback& emit) {
  ToolResult result;
  if (call.ok()) {
    AgentEvent parsed = make_event(AgentEventKind::kToolCallParsed, step);
    parsed.raw = call.raw;
    parsed.tool.name = call.name;
    parsed.tool.arguments = call.arguments;
    emit(parsed);
    result = tools_.run(ToolCall{call.name, call.arguments});
  } else {
    AgentEvent broken = make_event(AgentEventKind::kParseError, step, call.error);
    broken.raw = call.raw;
    emit(broken);
    result.name = call.name;
    result.arguments = call.arguments;
    result.error = unreadable_call_error(call);
  }
  AgentEvent done = make_event(AgentEventKind::kToolResult, step);
  done.raw = call.raw;
  done.tool = result;
  emit(done);

  ToolCallRecord trace;
  trace.session_id = session_id_;
  trace.message_id = message_id;
  trace.name = result.name;
  trace.arguments_json = compact_json(result.arguments);
  trace.result_json = result.ok() ? compact_json(result.result) : "";
  trace.error = result.error;
  trace.latency_ms = result.ms;
  trace.raw_text = call.raw;
  memory_.append_tool_call(trace);
  store(ChatMessage{"tool", compact_json(result.for_model()), result.name});
  return result;
}

}  // namespace tunedeck
