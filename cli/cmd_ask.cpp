// `tunedeck ask`: one question to the agent: the answer streamed with each tool call inline, or
// with --json one object holding the answer, every step's raw text and calls, tokens and timings.
// Thin: the set-up is session/chat_session, the loop agent/agent_loop, the printing
// session/agent_printer.
#include <unistd.h>

#include <atomic>
#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/interrupt.h"
#include "cli/session_flags.h"
#include "session/agent_printer.h"
#include "session/chat_session.h"

namespace tunedeck {
namespace {

using nlohmann::json;

const std::string kUsage =
    std::string(
        "usage: tunedeck ask [options] \"QUESTION\"\n"
        "\n"
        "Asks the agent one question. The model may call tools (the answer shows each call on its\n"
        "own line) until it answers or reaches the step limit. The question and everything the\n"
        "model and the tools said are stored in the conversation database.\n"
        "\n"
        "  --json                 print one JSON object {answer, outcome, error, session, steps:\n"
        "                         [{raw, calls: [{name, arguments, result, error, ms}], ...}],\n"
        "                         tokens: {prompt, completion}, timings} and nothing else on "
        "stdout\n") +
    kSessionFlagsUsage +
    "\n"
    "Without --session each question starts a new session named ask-<time>-<pid>.\n"
    "Exit status: 0 answered, 1 error or step limit, 130 cancelled (Ctrl-C).\n"
    "Example: tunedeck ask --model ~/models/datebot \"What day is 2027-01-04?\"\n";

// "ask-20260305-093000-4242": a new session per question unless --session names one.
std::string fresh_session_name() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &utc);
  return std::string("ask-") + stamp + "-" + std::to_string(getpid());
}

json call_json(const ToolResult& call) {
  return {{"name", call.name},
          {"arguments", call.arguments},
          {"result", call.result},
          {"error", call.error},
          {"ms", call.ms}};
}

json turn_json(const AgentTurnResult& turn, const ChatSession& session) {
  json steps = json::array();
  for (const AgentStep& step : turn.steps) {
    json calls = json::array();
    for (const ToolResult& call : step.calls) calls.push_back(call_json(call));
    steps.push_back({{"raw", step.raw},
                     {"calls", calls},
                     {"stop_reason", stop_reason_name(step.generation.stop_reason)},
                     {"prompt_tokens", step.generation.prompt_tokens},
                     {"completion_tokens", step.generation.completion_tokens},
                     {"ms", step.generation.prefill_ms + step.generation.decode_ms}});
  }
  return {{"answer", turn.answer},
          {"outcome", agent_outcome_name(turn.outcome)},
          {"error", turn.error},
          {"session", session.session_name()},
          {"steps", steps},
          {"tokens", {{"prompt", turn.prompt_tokens}, {"completion", turn.completion_tokens}}},
          {"timings",
           {{"load_ms", session.load_ms()},
            {"generate_ms", turn.generate_ms},
            {"tools_ms", turn.tools_ms},
            {"total_ms", turn.total_ms}}},
          {"model",
           {{"dir", session.model_path()},
            {"adapter", session.adapter_path()},
            {"template", session.chat_template().name()}}}};
}

int exit_status(AgentOutcome outcome) {
  switch (outcome) {
    case AgentOutcome::kAnswered:
      return 0;
    case AgentOutcome::kCancelled:
      return 130;
    case AgentOutcome::kStepLimit:
    case AgentOutcome::kError:
      return 1;
  }
  return 1;
}

int run_ask(CliArgs& args) {
  const SessionFlags flags = session_flags_read(args);
  const bool json_output = args.flag("json");
  const std::vector<std::string> positionals = args.positionals();
  args.finish();
  if (positionals.size() != 1 || positionals[0].empty())
    throw UsageError("expected exactly one question (quote it)");

  const std::unique_ptr<ChatSession> session =
      chat_session_open(flags, fresh_session_name(), std::cerr);
  std::atomic<bool>& interrupted = interrupt_on_sigint();

  AgentPrinter printer(std::cout, session->chat_template().tool_call_syntax());
  AgentEventCallback on_event;
  if (!json_output) on_event = [&](const AgentEvent& event) { printer.on_event(event); };
  const AgentTurnResult turn = session->loop().run_turn(positionals[0], on_event, &interrupted);
  if (json_output) {
    std::cout << turn_json(turn, *session).dump(-1, ' ', false, json::error_handler_t::replace)
              << "\n";
  } else {
    printer.finish_turn();
    std::cerr << agent_turn_summary(turn) << "\n";
  }
  return exit_status(turn.outcome);
}

}  // namespace

extern const Command kAskCommand = {"ask", "ask the agent one question (tools, memory, --json)",
                                    kUsage.c_str(), run_ask};

}  // namespace tunedeck
